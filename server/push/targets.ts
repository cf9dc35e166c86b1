/**
 * Which events wake whom (SPEC N1), as pure functions of the event and the tenant's employees:
 *  - a new chat → the members of its distribution (everyone when it names no group) whose status
 *    allows chats;
 *  - a new lead → every employee, in any status (leads go to all, as in our models);
 *  - a transfer offer → the members it is offered to who have not declined;
 *  - a missed call → its group's members (the dialled employee for a direct call);
 * never a call or chat push to someone whose status takes neither (Off work).
 */
import type { CallView } from '../../contract/calls.ts'
import type { ChatView, TransferOfferView } from '../../contract/chats.ts'
import type { ServerEvent } from '../../contract/events.ts'
import type { LeadView } from '../../contract/leads.ts'
import { type PushPayload, preview } from '../../contract/push.ts'
import { type StatusMatrix, statusAllows } from '../../contract/status.ts'
import type { SendOptions } from './send.ts'

export type Plan =
  | { kind: 'chat'; chat: ChatView }
  | { kind: 'lead'; lead: LeadView }
  | { kind: 'transfer'; offer: TransferOfferView }
  | { kind: 'missed_call'; call: CallView }

/** What an event pushes: a key (one push per key, ever — across instances) and what. Null: none. */
export function planOf(ev: ServerEvent): { key: string; plan: Plan } | null {
  switch (ev.type) {
    case 'chat.updated':
    case 'chat.message': {
      const chat = ev.payload.chat
      // A chat that (re)entered New: once per time it started waiting.
      if (chat?.state !== 'new' || !chat.waitingSince) return null
      return { key: `chat:${chat.id}:${chat.waitingSince}`, plan: { kind: 'chat', chat } }
    }
    case 'lead.updated':
      if (ev.payload.lead.state !== 'new') return null
      return { key: `lead:${ev.payload.lead.id}`, plan: { kind: 'lead', lead: ev.payload.lead } }
    case 'transfer.updated':
      if (ev.payload.offer.state !== 'offered') return null
      return { key: `transfer:${ev.payload.offer.id}`, plan: { kind: 'transfer', offer: ev.payload.offer } }
    case 'missed.added':
      return { key: `missed:${ev.payload.call.id}`, plan: { kind: 'missed_call', call: ev.payload.call } }
    default:
      return null
  }
}

/** An employee as targeting sees them. */
export interface Candidate {
  id: string
  status: string
  extension: string
  acceptButton: boolean
  groupIds: readonly string[]
}

/** May a push of this kind reach someone in this status? (Off work: only leads.) */
export function statusTakes(matrix: StatusMatrix, status: string, kind: PushPayload['kind']): boolean {
  switch (kind) {
    case 'lead':
      return true
    case 'chat':
    case 'chats':
    case 'transfer':
      return statusAllows(matrix, status, 'chats')
    case 'call':
    case 'missed_call':
      return statusAllows(matrix, status, 'softphoneIn') || statusAllows(matrix, status, 'mobileIn')
  }
}

/** The employees a plan's push goes to. */
export function recipients(plan: Plan, people: readonly Candidate[], matrix: StatusMatrix): Candidate[] {
  let who: Candidate[]
  switch (plan.kind) {
    case 'chat': {
      const g = plan.chat.groupIds
      who = g.length ? people.filter((p) => p.groupIds.some((x) => g.includes(x))) : [...people]
      break
    }
    case 'lead':
      who = [...people]
      break
    case 'transfer': {
      const o = plan.offer
      who = people.filter((p) => o.offeredTo.includes(p.id) && !o.declinedBy.includes(p.id))
      break
    }
    case 'missed_call': {
      const c = plan.call
      who = c.groupId
        ? people.filter((p) => p.groupIds.includes(c.groupId as string))
        : people.filter((p) => p.extension === c.toNumber)
      break
    }
  }
  return who.filter((p) => statusTakes(matrix, p.status, plan.kind))
}

/** The payload for one recipient (chats differ by the Accept button). */
export function payloadOf(plan: Plan, seq: number, to: Pick<Candidate, 'acceptButton'>): PushPayload {
  switch (plan.kind) {
    case 'chat':
      return {
        kind: 'chat',
        seq,
        chatId: plan.chat.id,
        channel: plan.chat.channel,
        clientName: plan.chat.clientName ? preview(plan.chat.clientName, 60) : null,
        preview: preview(plan.chat.lastMessage?.preview ?? ''),
        acceptButton: to.acceptButton,
      }
    case 'lead':
      return {
        kind: 'lead',
        seq,
        leadId: plan.lead.id,
        name: preview(plan.lead.name, 60),
        comment: preview(plan.lead.comment),
      }
    case 'transfer':
      return {
        kind: 'transfer',
        seq,
        offerId: plan.offer.id,
        chatId: plan.offer.chatId,
        fromName: preview(plan.offer.fromName, 60),
        clientName: plan.offer.clientName ? preview(plan.offer.clientName, 60) : null,
        comment: preview(plan.offer.comment),
        deadline: plan.offer.deadline,
      }
    case 'missed_call':
      return {
        kind: 'missed_call',
        seq,
        callId: plan.call.id,
        from: plan.call.peerNumber,
        fromName: plan.call.contactName ? preview(plan.call.contactName, 60) : null,
      }
  }
}

/** How long a push stays worth delivering, and how urgent it is. */
export function deliveryOf(plan: Plan, now: number = Date.now()): SendOptions {
  switch (plan.kind) {
    case 'chat':
      return { urgency: 'high', ttl: 3600 }
    case 'transfer':
      // Past its deadline the offer is gone: never show it late.
      return { urgency: 'high', ttl: Math.max(0, Math.floor((Date.parse(plan.offer.deadline) - now) / 1000)) }
    case 'lead':
      return { urgency: 'normal', ttl: 24 * 3600 }
    case 'missed_call':
      return { urgency: 'normal', ttl: 24 * 3600 }
  }
}
