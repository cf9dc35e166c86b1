/**
 * C1: what the incoming screen says, as data — who calls (a name, or the number shown once), what the
 * dialled virtual number is for ("Sales · website", not "+7495…"), and who transferred the call.
 */
import type { ConsultAbout } from '../../../contract/calls.ts'
import { formatPhone } from './phoneFormat.ts'

export interface IncomingFacts {
  /** A contact or colleague the number is known as. */
  name: string | null
  /** The SIP display name, when it is a name (a caller ID that is a number is not). */
  remoteName: string | null
  number: string
  virtualNumber: string | null
  virtualNumberName?: string | null
  virtualNumberSource?: string | null
  transferredByName?: string | null
  /** Probe 12 #15: a consultation — the client's call the colleague calls about. */
  consultAbout?: ConsultAbout | null
  /** The number was typed by a demo-site visitor, not known from the network (issue 6 §4). */
  given?: boolean
  /** Whom a typed number belongs to in a book (company or the phone's): a guess, never the title. */
  maybe?: MaybeName | null
}

/** "Maybe: Alexander Petrov" — the company book's client (with his card) or the phone book's name. */
export interface MaybeName {
  name: string
  clientId: string | null
}

export interface IncomingText {
  /** The big line: the name, else the formatted number. */
  title: string
  /** The number under a name; null when the title is the number (shown once). */
  number: string | null
  /** An initial for a known name; null: a neutral avatar (an unknown number is nobody's initial). */
  initial: string | null
  /** What the dialled virtual number is for: "Sales · website"; null when it has no name. */
  via: string | null
  /** The dialled virtual number, formatted, when it has no name. */
  viaNumber: string | null
  transferredBy: string | null
  consultAbout: ConsultAbout | null
  /** Probe 12 UI #9: the number is the visitor's word — tag it as history does. */
  given: boolean
  /** Probe 12 UI #9: who that number may be ("maybe: …"), shown under it, never as the name. */
  maybe: MaybeName | null
}

const hasLetters = (s: string) => /\p{L}/u.test(s)

/** The screen's text for one offered call. */
export function incomingText(f: IncomingFacts): IncomingText {
  // A "name" without letters is the caller ID again (the display name of a call from the network or
  // the site is its number): shown as the number, once.
  const asName = (s: string | null | undefined) => (s && hasLetters(s) ? s.trim() : '')
  const number = f.number ? formatPhone(f.number) : ''
  // A number a visitor typed names nobody for sure: the title is the number, a book's name a "maybe".
  const given = !!f.given && !!number
  const name = given ? null : asName(f.name) || asName(f.remoteName) || null
  const maybe = given && f.maybe?.name.trim() ? { ...f.maybe, name: f.maybe.name.trim() } : null
  const label = [f.virtualNumberName, f.virtualNumberSource].filter((s) => s?.trim()).join(' · ')
  return {
    title: name ?? (number || f.remoteName || ''),
    number: name && number && number !== name ? number : null,
    initial: name ? name.charAt(0).toUpperCase() : null,
    via: label || null,
    viaNumber: !label && f.virtualNumber ? formatPhone(f.virtualNumber) : null,
    transferredBy: f.transferredByName?.trim() || null,
    consultAbout: f.consultAbout ?? null,
    given,
    maybe,
  }
}

/**
 * Probe 12 #15: which client a consultation is about — "Ivan Petrov, +7 916 400 00 00 (Sales ·
 * website)"; `visitor` names a site caller who gave no number (his SIP user is made up).
 */
export function consultText(a: ConsultAbout, visitor: string): string {
  const number = a.number.startsWith('guest-') ? visitor : formatPhone(a.number)
  const who = [a.contactName?.trim(), number].filter(Boolean).join(', ')
  const line =
    [a.virtualNumberName, a.virtualNumberSource].filter((s) => s?.trim()).join(' · ') ||
    (a.virtualNumber ? formatPhone(a.virtualNumber) : '')
  return line ? `${who} (${line})` : who
}

/** The slice of a ringing or live call the text needs (`CallState` of phone.ts). */
export interface CallPeer {
  remote: string
  remoteName?: string | null
}

/**
 * C1/C4: one text for the incoming and the in-call screen — the caller info the mirror knows, else
 * what SIP said (the number once, formatted; the line's name; who transferred the call).
 */
export function callText(
  info: Omit<IncomingFacts, 'remoteName'> & { number: string },
  call: CallPeer,
): IncomingText {
  return incomingText({ ...info, number: info.number || call.remote, remoteName: call.remoteName ?? null })
}
