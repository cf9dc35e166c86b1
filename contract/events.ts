/**
 * Realtime over /api/ws. Every server event carries the tenant's sequence number from the `events`
 * table; a client that reconnects sends `resume { since }` and gets every later event in order,
 * then `live`, then the live stream.
 */
import * as v from 'valibot'
import type { ClientView } from './api.ts'
import type { CallView } from './calls.ts'
import type { ChatView, MessageView, TemplateView, TransferOfferView } from './chats.ts'
import type { LeadView, ScheduledView } from './leads.ts'
import type { StatusMatrix } from './status.ts'
import { text } from './text.ts'

export type EventPayloads = {
  /** `byId`/`byName`: a supervisor forced it (S3); absent when the employee set it himself. */
  'status.changed': {
    employeeId: string
    status: string
    online: boolean
    at: string
    byId?: string
    byName?: string
  }
  'statuses.updated': { matrix: StatusMatrix }
  /** A call was created or changed state (C8 history, C10 my calls). */
  'call.updated': { call: CallView }
  /** A call became a missed call of the tenant (C9). */
  'missed.added': { call: CallView }
  /** Missed calls left the shared list (C9): marked, or a successful call back to `number`. */
  'missed.handled': {
    callIds: string[]
    number: string
    handledById: string
    handledByName: string
    handledAt: string
    how: 'mark' | 'callback'
  }
  /** An employee's line became busy (in a call) or free again (C2, C7 transfer targets). */
  'line.busy': { employeeId: string; busy: boolean; callId: string | null }
  /** S1: what routing knows about an employee changed (their line registered or went away). */
  'presence.changed': { employeeId: string }
  /** T2/T3: a chat appeared, was taken, completed, or its read markers moved. */
  'chat.updated': { chat: ChatView }
  /**
   * T4: a message was added to a chat (by the client, an operator or the system). `chat`: the chat
   * after the write — a write that adds messages announces its chat on the last one's event instead of
   * a separate `chat.updated` (one frame per message); absent on events stored before it was added.
   */
  'chat.message': { message: MessageView; chat?: ChatView }
  /** T4: a message's delivery state changed (delivered to the widget, read there, failed). */
  'message.updated': { message: MessageView }
  /** T5: a template the receiver may use was created or changed; `deleted` removes it. */
  'template.updated': { template: TemplateView }
  'template.deleted': { id: string }
  /** T11: a lead came in, was taken (by `lead.takenByName`) or completed: to every employee. */
  'lead.updated': { lead: LeadView }
  /** T12: a scheduled message was made, edited, cancelled, sent or failed: to its author. */
  'scheduled.updated': { scheduled: ScheduledView }
  /** T7: a transfer offer was made or changed state (to its sender and the members offered it). */
  'transfer.updated': { offer: TransferOfferView }
  /** A5: the admin switched a tenant option (omnichannel): every open app follows it live. */
  'tenant.features': { features: { softphone: boolean; omni: boolean } }
  /** Issue 13 §2: the admin created, edited or removed a group: re-read groups (Contacts, pickers). */
  'groups.updated': Record<string, never>
  /**
   * Issue 13: the admin changed this employee (role, name, extension, mobile, Accept button): his own
   * open apps re-read `/api/me` (and the SIP line with a new extension). Audience: that employee.
   */
  'employee.updated': { employeeId: string }
  /**
   * I1/I2 (issue 12): a visitor who has contacted the tenant opened a page, or left the site: Insider
   * and the On site tab re-read him. Anonymous visitors' browsing makes no event.
   */
  'visitor.activity': { visitorId: string; onSite: boolean; page: string; title: string }
  /** K3: a client was added, or got a number or e-mail: every app's address book follows. */
  'client.updated': { client: ClientView }
}
export type EventType = keyof EventPayloads

export type ServerEvent = {
  [K in EventType]: { kind: 'event'; seq: number; type: K; payload: EventPayloads[K]; at: string }
}[EventType]

/** Messages the server sends besides events. */
export type ServerControl =
  | { kind: 'ready'; lastSeq: number }
  | { kind: 'live'; lastSeq: number }
  /**
   * Answer to a `resume` from past the server's last seq (the client's seq came from a reset or
   * restored database, or another server): its mirror is stale. Start over: drop the mirrored data,
   * reload it over REST and send `resume` again with this `lastSeq`.
   */
  | { kind: 'reset'; lastSeq: number }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'pong' }

export type ServerMessage = ServerEvent | ServerControl

/** Messages from the client. The first one must be `auth`. */
export const ClientMessageSchema = v.variant('type', [
  v.strictObject({ type: v.literal('auth'), token: v.pipe(text, v.minLength(10), v.maxLength(200)) }),
  v.strictObject({
    type: v.literal('resume'),
    // A seq is a bigint in the database: past 2^53 the query fails and the feed would stay "replaying".
    since: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  }),
  v.strictObject({ type: v.literal('ping') }),
])
export type ClientMessage = v.InferOutput<typeof ClientMessageSchema>
