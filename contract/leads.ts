/**
 * Leads (SPEC T11), scheduled messages (T12) and the CRM hand-off (T13): the requests' schemas and
 * the views the app shows (docs/api.md "Leads", "Scheduled messages", "CRM webhook").
 */
import * as v from 'valibot'
import { MESSAGE_MAX_CHARS } from './chats.ts'
import { text } from './text.ts'

/** new: every operator sees it; taken: the first who opened it holds it; completed. */
export type LeadState = 'new' | 'taken' | 'completed'

const optionalField = (max: number) =>
  v.optional(
    v.pipe(
      text,
      v.trim(),
      v.maxLength(max),
      v.transform((s) => s || undefined),
    ),
  )

/** The demo site's lead form (public, rate-limited): a name and a phone or an e-mail. */
export const LeadFormSchema = v.pipe(
  v.strictObject({
    /** The tenant's slug (the site's data-tenant, as the widget's). */
    tenant: v.pipe(text, v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/)),
    name: v.pipe(text, v.trim(), v.minLength(1), v.maxLength(100)),
    phone: v.optional(
      v.pipe(
        text,
        v.trim(),
        v.maxLength(40),
        v.check(
          (s) => s === '' || /^\+?[0-9 ()-]{5,40}$/.test(s),
          'phone: digits, spaces, ( ) - and a leading +',
        ),
        v.transform((s) => s || undefined),
      ),
    ),
    email: v.optional(
      v.pipe(
        text,
        v.trim(),
        v.maxLength(254),
        v.check((s) => s === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s), 'email: not an address'),
        v.transform((s) => s || undefined),
      ),
    ),
    comment: optionalField(2000),
    /** The widget's visitor token on the same page, when there is one (his id and request info). */
    visitorToken: v.optional(v.pipe(text, v.maxLength(400))),
    /** The page the form was sent from (request info when there is no visitor). */
    page: v.optional(
      v.strictObject({
        url: v.pipe(text, v.maxLength(2000)),
        referrer: v.optional(v.nullable(v.pipe(text, v.maxLength(2000)))),
      }),
    ),
  }),
  v.check((f) => Boolean(f.phone || f.email), 'phone or email: one of them is needed'),
)
export type LeadForm = v.InferOutput<typeof LeadFormSchema>

/** A lead as the app shows it. Times are ISO strings. */
export interface LeadView {
  id: string
  state: LeadState
  name: string
  phone: string | null
  email: string | null
  comment: string
  visitorId: string | null
  requestInfo: import('./chats.ts').RequestInfo | null
  createdAt: string
  takenBy: string | null
  /** The name of whoever took it ("taken by X"). */
  takenByName: string | null
  takenAt: string | null
  completedAt: string | null
}

export interface LeadsResponse {
  /** New and taken leads (oldest first), then the latest completed ones. */
  leads: LeadView[]
}

export const LeadCreatedSchema = v.strictObject({ id: v.pipe(text, v.uuid()) })

/** scheduled → sent | cancelled | failed (the chat was closed or passed on before it was due). */
export type ScheduledState = 'scheduled' | 'sent' | 'cancelled' | 'failed'

const sendAt = v.pipe(text, v.isoTimestamp())

export const ScheduleSchema = v.strictObject({
  text: v.pipe(text, v.trim(), v.minLength(1), v.maxLength(MESSAGE_MAX_CHARS)),
  /** When to send (ISO 8601 with a zone); in the past → E_SCHEDULE_PAST. */
  sendAt,
})

export const ScheduleEditSchema = v.strictObject({
  text: v.optional(v.pipe(text, v.trim(), v.minLength(1), v.maxLength(MESSAGE_MAX_CHARS))),
  sendAt: v.optional(sendAt),
})

/** A scheduled message as the chat lists it. */
export interface ScheduledView {
  id: string
  chatId: string
  authorId: string
  text: string
  sendAt: string
  state: ScheduledState
  messageId: string | null
}

export interface ScheduledListResponse {
  scheduled: ScheduledView[]
}

export const CrmWebhookSchema = v.strictObject({
  url: v.pipe(
    text,
    v.trim(),
    v.maxLength(2000),
    v.url('url: not an address'),
    // http(s) only, and no user:password@ in the authority (it would be sent to whoever logs URLs).
    v.regex(/^https?:\/\/[^/?#@\s]+(?:[/?#]|$)/i, 'url: an http(s) address without credentials'),
  ),
})

/** The webhook as the admin sees it; `secret` only in the answer that generated it (shown once). */
export interface CrmWebhookView {
  url: string | null
  secret?: string
}

export interface CrmSendResponse {
  deliveryId: string
}

/** What the CRM receives (POST, JSON; docs/api.md "CRM webhook"). */
export interface CrmPayload {
  deliveryId: string
  event: 'chat.completed' | 'chat.sent'
  sentAt: string
  tenant: { id: string; name: string; slug: string }
  chat: {
    id: string
    state: string
    createdAt: string
    completedAt: string | null
    client: { name: string | null; phone: string | null; email: string | null; address: string | null }
    channel: { kind: string; id: string | null; name: string | null; address: string | null }
    operator: { id: string; name: string } | null
    requestInfo: import('./chats.ts').RequestInfo | null
    transcript: {
      n: number
      at: string
      author: 'client' | 'operator' | 'system'
      authorName: string | null
      kind: string
      text: string
      file: { name: string; type: string; size: number } | null
    }[]
  }
}
