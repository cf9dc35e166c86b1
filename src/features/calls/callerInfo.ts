/**
 * Who is on the line (C1, C4): the contact name from the address book mirror (employee by extension,
 * client by phone), and the server's call record by SIP Call-ID for the virtual number dialled.
 */
import type { Accessor } from 'solid-js'
import type { ConsultAbout } from '../../../contract/calls.ts'
import { me } from '../../lib/session/index.ts'
import { createLiveQuery, db } from '../../lib/store/index.ts'
import { isGuest, lookupNumber, recordBySipId } from './data.ts'
import type { MaybeName } from './incomingText.ts'
import type { CallState } from './phone.ts'
import { bookName } from './phoneNames.ts'

export interface CallerInfo {
  name: string | null
  number: string
  virtualNumber: string | null
  clientId: string | null
  /** C1: what the virtual number is for, and who transferred the call (the server's record). */
  virtualNumberName?: string | null
  virtualNumberSource?: string | null
  transferredByName?: string | null
  /** Probe 12 #15: a consultation names the client's call it is about (the server's record). */
  consultAbout?: ConsultAbout | null
  /** The number is one a demo-site visitor typed (unverified, issue 6 §4). */
  given?: boolean
  /** Probe 12 UI #9: whom a typed number matches in the company or the phone's book — a guess. */
  maybe?: MaybeName | null
}

/** Live caller info for a phone call (re-reads when Dexie learns the call record or the contact). */
export function createCallerInfo(call: Accessor<CallState | undefined>): Accessor<CallerInfo> {
  const known = createLiveQuery(
    db,
    () => ({
      remote: call()?.remote ?? '',
      name: call()?.remoteName ?? null,
      sip: call()?.sipCallId ?? null,
      me: me()?.id ?? null,
    }),
    async (d, k) => {
      const [rec, who] = await Promise.all([recordBySipId(d, k.sip), lookupNumber(d, k.remote)])
      // The record knows the client behind a guest/virtual-number call even when the SIP user does not.
      // A number a demo-site visitor typed is theirs to claim, not a contact's (issue 6 §4).
      const peer =
        rec?.peerNumber && rec.peerNumber !== k.remote && !rec.peerGiven
          ? await lookupNumber(d, rec.peerNumber)
          : null
      // After an attended transfer our new call targets the colleague's contact (a random SIP user,
      // RFC 3891): the server's record knows who answered it.
      const answerer =
        !who && rec?.answeredById && rec.answeredById !== k.me
          ? await d.employees.get(rec.answeredById)
          : undefined
      // A client's call: the record's number is the client's (a site guest's SIP user is made up).
      const number =
        answerer?.extension ?? (rec?.direction === 'in' && rec.peerNumber ? rec.peerNumber : k.remote)
      // Probe 12 UI #9: that typed number is tagged as the visitor's word, and whom the company book
      // knows by it is said as a "maybe" (the call is still never linked to him).
      const given = !!rec?.peerGiven && number === rec.peerNumber && !isGuest(number)
      const guess = given ? await lookupNumber(d, number) : null
      return {
        name: who?.name ?? answerer?.name ?? rec?.contactName ?? peer?.name ?? k.name,
        number,
        virtualNumber: rec?.virtualNumber ?? null,
        clientId: who?.clientId ?? rec?.contactId ?? peer?.clientId ?? null,
        virtualNumberName: rec?.virtualNumberName ?? null,
        virtualNumberSource: rec?.virtualNumberSource ?? null,
        transferredByName: rec?.transferredByName ?? null,
        consultAbout: rec?.consultAbout ?? null,
        given,
        maybe: guess,
      }
    },
    { name: null, number: '', virtualNumber: null, clientId: null } as CallerInfo,
  )
  // A4: the phone's own book names the number first when the operator prefers it (the incoming
  // screen, the call screen and its bar read this).
  // A number a visitor typed is not the phone book's to name either: its name is a "maybe" too,
  // after the company's client (whose card it links to).
  return () => {
    const i = known()
    const book = bookName(i.number || call()?.remote)
    if (i.given) return book && !i.maybe ? { ...i, maybe: { name: book, clientId: null } } : i
    return book ? { ...i, name: book } : i
  }
}

/** mm:ss (or h:mm:ss) since `from`. */
export function clock(fromMs: number, nowMs: number): string {
  const total = Math.max(0, Math.floor((nowMs - fromMs) / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m)
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`
}
