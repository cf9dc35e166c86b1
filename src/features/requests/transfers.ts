/**
 * T7 on the device: the offers open to me (from `transfer.updated` events and GET /api/transfers),
 * the server-clock skew their countdown reads the deadline with, and a tick that moves whenever
 * presence may have changed (the transfer picker re-reads its live counts on it).
 */
import { createSignal } from 'solid-js'
import type { TransferBody, TransferOfferView } from '../../../contract/chats.ts'
import type { ServerEvent } from '../../../contract/events.ts'
import { api } from '../../lib/api/index.ts'
import { me } from '../../lib/session/index.ts'
import type { FrontlineDb } from '../../lib/store/index.ts'
import { putChats } from './mirror.ts'

const [offers, setOffers] = createSignal<TransferOfferView[]>([])
/** Local clock minus the server's (ms), from the last event's `at`: countdowns read the server's deadline. */
const [skew, setSkew] = createSignal(0)
const [presenceTick, setPresenceTick] = createSignal(0)
/** The last of my offers a colleague accepted (the shell's "Transferred" toast follows it). */
const [acceptedMine, setAcceptedMine] = createSignal<TransferOfferView | null>(null)

export { acceptedMine, offers, presenceTick }

/** Milliseconds left until an offer's deadline, by the server's clock. */
export const msLeft = (offer: Pick<TransferOfferView, 'deadline'>, now = Date.now()) =>
  Math.max(0, Date.parse(offer.deadline) - (now - skew()))

/** Whether this offer is for me to answer now. */
const forMe = (o: TransferOfferView, id: string | null) =>
  o.state === 'offered' && !!id && o.offeredTo.includes(id) && !o.declinedBy.includes(id)

/** An offer changed (event or answer): kept while it is open to me, dropped otherwise. */
export function noteOffer(o: TransferOfferView): void {
  const id = me()?.id ?? null
  setOffers((list) => {
    const rest = list.filter((x) => x.id !== o.id)
    return forMe(o, id) ? [...rest, o] : rest
  })
}

/** `transfer.updated`: the offer list, and for the sender the accepted offer ("Transferred"). */
export function onTransferEvent(ev: Extract<ServerEvent, { type: 'transfer.updated' }>): void {
  setSkew(Date.now() - Date.parse(ev.at))
  const o = ev.payload.offer
  noteOffer(o)
  if (o.fromId === me()?.id && o.state === 'accepted') setAcceptedMine(o)
}

/** Something that moves presence happened: pickers re-read. */
export const bumpPresence = () => setPresenceTick((n) => n + 1)

/** After a reload: the offers open to me. */
export async function loadOffers(): Promise<void> {
  const { offers: list } = await api('GET /api/transfers')
  const id = me()?.id ?? null
  setOffers(list.filter((o) => forMe(o, id)))
}

/** T7: transfer my chat (an offer, or at once without confirmation). */
export async function transferChat(db: FrontlineDb, chatId: string, body: TransferBody): Promise<void> {
  const r = await api('POST /api/chats/:id/transfer', { params: { id: chatId }, body })
  await putChats(db, [r.chat])
}

export async function acceptOffer(id: string): Promise<void> {
  noteOffer((await api('POST /api/transfers/:id/accept', { params: { id } })).offer)
}

export async function declineOffer(id: string): Promise<void> {
  noteOffer((await api('POST /api/transfers/:id/decline', { params: { id } })).offer)
}

/** Drop an offer from the list (it is over: closed, expired). */
export const forgetOffer = (id: string) => setOffers((l) => l.filter((x) => x.id !== id))
