/**
 * The website visitor's side of a chat (issue 7 §2, SPEC T1 website chat): /api/visitor/… and the
 * WebSocket /api/visitor/ws, used by the widget (/widget.js) from the tenant's own site — another
 * origin, so these routes answer CORS. A visitor proves who he is with the signed visitor token the
 * session route issues (`Authorization: Bearer <token>`); it names his tenant and visitor id.
 *
 * Shapes here are visitor-safe: the operator is a display name, never an employee id, login or any
 * internal field.
 */
import * as v from 'valibot'
import {
  type ChatState,
  type DeliveryState,
  type FileView,
  MESSAGE_MAX_CHARS,
  type MessageKind,
  messageN,
} from './chats.ts'
import { text } from './text.ts'

const uuid = v.pipe(text, v.uuid())
const url = v.pipe(text, v.maxLength(2000))
export const VISITOR_NAME_MAX = 100

export const VisitorSessionSchema = v.strictObject({
  /** The tenant's slug (the widget's data-tenant). */
  tenant: v.pipe(text, v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/)),
  /** The token kept from before; omitted on a first visit. */
  token: v.optional(v.pipe(text, v.maxLength(400))),
  /** T6: the page the widget runs on now and its referrer (request info at first contact). */
  page: v.strictObject({ url, referrer: v.optional(v.nullable(url)) }),
})
export type VisitorSession = v.InferOutput<typeof VisitorSessionSchema>

export const VisitorSendSchema = v.strictObject({
  /** Made once in the widget when composed; a retry with it gets the first message back. */
  clientMsgId: uuid,
  /** Plain text; a file message may have none. */
  text: v.pipe(text, v.maxLength(MESSAGE_MAX_CHARS)),
  replyToId: v.optional(v.nullable(uuid)),
  /** A file uploaded by POST /api/visitor/files. */
  fileId: v.optional(v.nullable(uuid)),
  /** The name the visitor gave (optional; shown to the operator as text). */
  name: v.optional(v.pipe(text, v.trim(), v.maxLength(VISITOR_NAME_MAX))),
})
export type VisitorSend = v.InferOutput<typeof VisitorSendSchema>

export const VisitorReadSchema = v.strictObject({ upToN: messageN })

export const VisitorFileParam = v.strictObject({ id: uuid })

/** The upload's query: its file name (shown as text only) and, for voice messages, the length. */
export const VisitorUploadQuery = v.strictObject({
  name: v.optional(v.pipe(text, v.maxLength(255))),
  durationMs: v.optional(v.pipe(text, v.regex(/^\d{1,9}$/))),
  voice: v.optional(v.picklist(['1'])),
})

/** The visitor's chat as the widget shows it. */
export interface VisitorChat {
  id: string
  state: ChatState
  /** The operator who took it (display name only), or null while nobody has. */
  operatorName: string | null
  messageCount: number
  /** The last of the visitor's messages the operator has read. */
  operatorReadN: number
}

/** A message as the visitor sees it. */
export interface VisitorMessage {
  id: string
  n: number
  clientMsgId: string
  /** `client` = the visitor himself. */
  author: 'client' | 'operator' | 'system'
  /** The operator's display name on operator messages. */
  authorName: string | null
  kind: MessageKind
  text: string
  replyToId: string | null
  file: FileView | null
  at: string
  delivery: DeliveryState
}

export interface VisitorSessionResponse {
  token: string
  visitorId: string
  /** When the token expires (ISO); every session renews it. */
  expiresAt: string
  /** His last chat (open, or the last completed one), null before he ever wrote. */
  chat: VisitorChat | null
  /** The newest messages of that chat, oldest first. */
  messages: VisitorMessage[]
  /** The tenant's name, for the widget's header. */
  tenantName: string
}

export interface VisitorSendResponse {
  message: VisitorMessage
  chat: VisitorChat
}

export interface VisitorUploadResponse {
  file: FileView
}

// ── /api/visitor/ws ────────────────────────────────────────────────────────

/** Frames from the widget. `auth` first; `resume` then asks for his messages after `afterN`. */
export const VisitorClientFrameSchema = v.variant('type', [
  v.strictObject({ type: v.literal('auth'), token: v.pipe(text, v.minLength(10), v.maxLength(400)) }),
  v.strictObject({ type: v.literal('resume'), afterN: messageN }),
  /** The widget got the operator's messages up to n (delivery state `delivered`). */
  v.strictObject({ type: v.literal('delivered'), upToN: messageN }),
  v.strictObject({ type: v.literal('ping') }),
])
export type VisitorClientFrame = v.InferOutput<typeof VisitorClientFrameSchema>

/** Frames to the widget. */
export type VisitorServerFrame =
  | { kind: 'ready'; chat: VisitorChat | null }
  /** Every message of his chat after `afterN` was sent; live frames follow. */
  | { kind: 'live'; lastN: number }
  /** A new message of his chat (his own, sent from another tab, included). */
  | { kind: 'message'; message: VisitorMessage }
  /** A message's delivery state changed. */
  | { kind: 'updated'; message: VisitorMessage }
  /** The chat changed: taken by an operator, read by him, completed. A new chat (after completion) too. */
  | { kind: 'chat'; chat: VisitorChat }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'pong' }

/**
 * GET /api/visitor/open?tenant=… (A5): whether the tenant's website chat takes visitors now (connected,
 * omnichannel on). The widget asks at start and shows no launcher when it does not.
 */
export const VisitorOpenQuery = v.strictObject({ tenant: v.pipe(text, v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/)) })
export interface VisitorOpenResponse {
  open: boolean
}
