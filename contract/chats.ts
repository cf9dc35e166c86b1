/**
 * Requests (SPEC T1–T5, N3): chats, their messages, templates and the channel capability table.
 * The operator's side is /api/chats…, the website visitor's side /api/visitor… (docs/api.md).
 * Requests are valibot schemas the server validates with; responses and events are plain types.
 *
 * A chat's life:
 *   new ──accept (or open, with the Accept button off)──▶ active ──complete──▶ completed
 * `new` is seen by every operator of the chat's distribution (its groups); `active` by its assignee;
 * `completed` by whoever completed it. Supervisors and admins see every chat of the tenant.
 */
import * as v from 'valibot'
import { MESSAGE_MAX_CHARS } from './limits.ts'
import { text } from './text.ts'

export { ATTACHMENT_EXTENSIONS, ATTACHMENT_MAX_BYTES, MESSAGE_MAX_CHARS } from './limits.ts'

/** T1: every channel kind the product knows; a tenant connects some of them. */
export const CHANNEL_KINDS = [
  'webchat',
  'whatsapp',
  'telegram',
  'telegram_bot',
  'viber',
  'messenger',
  'vk',
  'avito',
  'autoru',
  'email',
  'sms',
] as const
export type ChannelKind = (typeof CHANNEL_KINDS)[number]

export interface ChannelCapabilities {
  writeFirst: boolean
  files: boolean
  voice: boolean
  images: boolean
  scheduled: boolean
  /** Images only of these types and sizes, when the channel restricts them (contract/capabilities.ts). */
  imageRule?: ImageRule
  /** Files (and voice) up to a size and never of some extensions, when the provider says so. */
  fileRule?: FileRule
  /** How the adapter sends an operator's file, for the people reading this table (docs/architecture.md). */
  sends?: string
}

/** Which files a channel takes: the largest size, and the extensions (lower case) its provider refuses. */
export interface FileRule {
  maxBytes: number
  forbiddenExtensions: readonly string[]
}

/** Which images a channel takes: file name extensions (lower case) and the largest size. */
export interface ImageRule {
  extensions: readonly string[]
  maxBytes: number
}

/** Viber's forbidden file types (REST bot API, "File message"): programs and scripts. */
// biome-ignore format: a list of extensions
const VIBER_FORBIDDEN = [
  'apk', 'app', 'bat', 'bin', 'cmd', 'com', 'command', 'cpl', 'csh', 'exe', 'gadget', 'inf1', 'ins',
  'inx', 'ipa', 'isu', 'job', 'jse', 'ksh', 'lnk', 'msc', 'msi', 'msp', 'mst', 'osx', 'out', 'paf',
  'pif', 'prg', 'ps1', 'reg', 'rgs', 'run', 'sct', 'shb', 'shs', 'u3p', 'vb', 'vbe', 'vbs', 'vbscript',
  'workflow', 'ws', 'wsf',
] as const
/** VK documents (docs.getMessagesUploadServer): any type but mp3 and programs. */
// biome-ignore format: a list of extensions
const VK_FORBIDDEN = ['mp3', 'exe', 'apk', 'bat', 'cmd', 'com', 'msi', 'scr', 'vbs', 'js', 'jar', 'sh'] as const

/** SPEC T1's channel table, as data: what each channel allows. */
export const CHANNEL_CAPABILITIES: Record<ChannelKind, ChannelCapabilities> = {
  webchat: { writeFirst: false, files: true, voice: true, images: true, scheduled: false },
  whatsapp: {
    writeFirst: true,
    files: true,
    voice: true,
    images: true,
    scheduled: true,
    sends: 'uploaded to /media: image ≤ 5 MB (jpg, png), video and audio ≤ 16 MB, else a document',
  },
  telegram: { writeFirst: true, files: true, voice: true, images: true, scheduled: true },
  telegram_bot: { writeFirst: false, files: true, voice: true, images: true, scheduled: true },
  viber: {
    writeFirst: false,
    files: true,
    voice: true,
    images: true,
    scheduled: true,
    // Viber REST bot API send_message: media only by a public URL (our signed link). JPEG/PNG/GIF up to
    // 1 MB as `picture` (the text as its description), MP4 up to 26 MB as `video`, the rest (voice too)
    // as `file` with size and file_name, up to 50 MB and never of the types Viber forbids.
    fileRule: { maxBytes: 50 * 1024 * 1024, forbiddenExtensions: VIBER_FORBIDDEN },
    sends: 'picture ≤ 1 MB (jpg, png, gif) | video ≤ 26 MB (mp4) | file ≤ 50 MB, by a signed public link',
  },
  messenger: {
    writeFirst: false,
    files: true,
    voice: true,
    images: true,
    scheduled: true,
    // Send API attachment upload (multipart `filedata`): up to 25 MB.
    fileRule: { maxBytes: 25 * 1024 * 1024, forbiddenExtensions: [] },
    sends: 'image | audio | video | file, uploaded with the message (≤ 25 MB)',
  },
  vk: {
    writeFirst: false,
    files: true,
    voice: true,
    images: true,
    scheduled: true,
    // VK API: JPEG/PNG/GIF photos up to 50 MB by photos.getMessagesUploadServer → saveMessagesPhoto, the
    // rest as documents by docs.getMessagesUploadServer → docs.save (up to 200 MB, no mp3 or programs),
    // voice as an audio_message document; then messages.send with the attachment.
    fileRule: { maxBytes: 200 * 1024 * 1024, forbiddenExtensions: VK_FORBIDDEN },
    sends: 'photo ≤ 50 MB (jpg, png, gif) | doc ≤ 200 MB | audio_message (voice), uploaded',
  },
  avito: {
    writeFirst: false,
    files: false,
    voice: false,
    images: true,
    scheduled: true,
    // Avito Messenger API: single images only, JPEG/HEIC/GIF/BMP/PNG up to 24 MB.
    imageRule: { extensions: ['jpg', 'jpeg', 'heic', 'gif', 'bmp', 'png'], maxBytes: 24 * 1024 * 1024 },
    sends: 'one image: uploadImages, then messages/image',
  },
  autoru: { writeFirst: false, files: true, voice: true, images: true, scheduled: true },
  email: { writeFirst: true, files: true, voice: true, images: true, scheduled: false },
  sms: { writeFirst: true, files: true, voice: true, images: true, scheduled: true },
}

/** Messages per page of a chat's history. */
export const MESSAGES_PAGE = 50

export type ChatState = 'new' | 'active' | 'completed'

/** T6: where the client came from, recorded at the first contact. */
export interface RequestInfo {
  landingPage: string | null
  referrer: string | null
  utm: Partial<Record<'source' | 'medium' | 'campaign' | 'term' | 'content', string>>
  /** Avito: the listing the client wrote about (an http(s) URL; the gateway adapter records it). */
  listing?: string | null
  /** E-mail: the address the client wrote to (the e-mail adapter records it). */
  to?: string | null
}

/** One chat as the Requests tab shows it. Times are ISO strings. */
export interface ChatView {
  id: string
  channel: ChannelKind
  state: ChatState
  /** The client as the channel knows them (webchat: the name the visitor gave, or null). */
  clientName: string | null
  clientPhone: string | null
  clientEmail: string | null
  /** The address-book client, when linked. */
  contactId: string | null
  visitorId: string | null
  /** The distribution: groups whose operators see it while it is new (empty = every operator). */
  groupIds: string[]
  assigneeId: string | null
  assigneeName: string | null
  createdAt: string
  /** Since when the client waits for an answer (New is ordered by it, oldest first). */
  waitingSince: string | null
  acceptedAt: string | null
  completedAt: string | null
  completedById: string | null
  lastMessage: {
    id: string
    author: MessageAuthor
    kind: MessageKind
    preview: string
    at: string
  } | null
  /** Messages of the chat, counted from 1 (the newest message's `n`). */
  messageCount: number
  /** The last message `n` the assignee read (read = on screen with the chat open). */
  operatorReadN: number
  /** The last message `n` the visitor read (the widget open with it on screen). */
  clientReadN: number
  requestInfo: RequestInfo | null
  /** T7: the sender's view of the chat's latest transfer (absent on events stored before it existed). */
  transfer?: ChatTransferMark | null
}

export type MessageAuthor = 'client' | 'operator' | 'system'
export type MessageKind = 'text' | 'file' | 'voice' | 'system'

/** sent: stored by the server; delivered: the client's side (the widget) got it; read: seen there. */
export type DeliveryState = 'sent' | 'delivered' | 'read' | 'failed'
/**
 * Why a message could not be delivered (shown under its "!"): the channel is not set up to send
 * (no adapter, disconnected, no SMTP relay or credentials), the provider refused it, or it stayed
 * unreachable through every retry.
 */
export type DeliveryFailReason = 'setup' | 'rejected' | 'unreachable'

export interface FileView {
  id: string
  /** The name as given (shown as text, never used as a path). */
  name: string
  /** The type found from the bytes, e.g. image/png. */
  type: string
  size: number
  /** Voice messages and other audio/video: length in milliseconds when known. */
  durationMs: number | null
}

export interface MessageView {
  id: string
  chatId: string
  /** Position in the chat, from 1, gap-free: paging and read markers use it. */
  n: number
  /** Made once on the device that composed it; a retry with the same id gets this message back. */
  clientMsgId: string
  author: MessageAuthor
  /** The employee who wrote it (operator messages). */
  authorId: string | null
  authorName: string | null
  kind: MessageKind
  /** Plain text — always rendered as text, never as HTML. Files: an optional caption. */
  text: string
  replyToId: string | null
  file: FileView | null
  at: string
  delivery: DeliveryState
  /** With `delivery: 'failed'`: why (external channels' delivery job). */
  failReason?: DeliveryFailReason | null
  /** With it, when the provider gave a readable reason: `ru / en` text (shown as text). */
  failDetail?: string | null
}

export interface TemplateView {
  id: string
  /** shared: made by the admin for some or all operators; personal: the operator's own. */
  scope: 'shared' | 'personal'
  name: string
  text: string
  attachments: FileView[]
  /** Shared templates: who may use them (empty = every operator). */
  allowedEmployeeIds: string[]
}

// ── requests ──────────────────────────────────────────────────────────────

const uuid = v.pipe(text, v.uuid())
const messageText = v.pipe(text, v.maxLength(MESSAGE_MAX_CHARS))

export const ChatListQuerySchema = v.strictObject({
  tab: v.picklist(['new', 'active', 'completed']),
  /** Completed is paged by completedAt, newest first: the last row's completedAt and id. */
  before: v.optional(v.pipe(text, v.maxLength(80))),
  q: v.optional(v.pipe(text, v.maxLength(100))),
})

export const MessagesQuerySchema = v.strictObject({
  /** Messages with n below this, newest first; omitted = the newest page. */
  before: v.optional(v.pipe(text, v.regex(/^\d{1,9}$/))),
})

export const SendMessageSchema = v.strictObject({
  clientMsgId: uuid,
  text: v.pipe(messageText, v.minLength(1)),
  replyToId: v.optional(v.nullable(uuid)),
})
export type SendMessage = v.InferOutput<typeof SendMessageSchema>

/** The highest message number a request may name: `n` is a PostgreSQL integer (int4). */
export const MESSAGE_N_MAX = 2 ** 31 - 1
/** A message number in a request (0 … MESSAGE_N_MAX). */
export const messageN = v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(MESSAGE_N_MAX))

export const ReadSchema = v.strictObject({ upToN: messageN })

export const TemplateSchema = v.strictObject({
  name: v.pipe(text, v.minLength(1), v.maxLength(100)),
  text: v.pipe(text, v.maxLength(MESSAGE_MAX_CHARS)),
  attachmentIds: v.optional(v.pipe(v.array(uuid), v.maxLength(10))),
})
export const SharedTemplateSchema = v.strictObject({
  ...TemplateSchema.entries,
  allowedEmployeeIds: v.optional(v.pipe(v.array(uuid), v.maxLength(1000))),
})

export interface ChatsResponse {
  chats: ChatView[]
  /** Counts for the tab badges (T2). */
  counts: { new: number; active: number; unread: number }
  /** False when the caller's status does not allow taking chats (S1/S5): New is then empty. */
  newAllowed?: boolean
}
export interface MessagesResponse {
  messages: MessageView[]
  /** False when the first message of the chat is in this page. */
  more: boolean
}
/** 409 E_CHAT_TAKEN carries who took it in `details[0]`. */
export interface AcceptResponse {
  chat: ChatView
}

// ── requests added with the operator routes (chat helper) ─────────────────

/** POST /api/chats/:id/messages with a stored file (a template's attachment) instead of new bytes. */
export const SendStoredFileSchema = v.strictObject({
  clientMsgId: uuid,
  fileId: uuid,
  text: v.optional(messageText),
  replyToId: v.optional(v.nullable(uuid)),
})

/** POST /api/chats/:id/files?… — the raw bytes are the body; the facts ride in the query. */
export const ChatUploadQuerySchema = v.strictObject({
  clientMsgId: uuid,
  kind: v.optional(v.picklist(['file', 'voice']), 'file'),
  /** The file's name (its extension decides the allowed types); voice messages may omit it. */
  name: v.optional(v.pipe(text, v.minLength(1), v.maxLength(255))),
  /** Voice messages: length in ms. */
  durationMs: v.optional(v.pipe(text, v.regex(/^\d{1,7}$/))),
  replyToId: v.optional(uuid),
  text: v.optional(messageText),
})

/** POST /api/files?name=… — a file not yet in a chat (a template's attachment). */
export const FileUploadQuerySchema = v.strictObject({
  name: v.pipe(text, v.minLength(1), v.maxLength(255)),
})

/** PATCH /api/admin/employees/:id (T3: the Accept button). */
export const EmployeeChatSettingsSchema = v.strictObject({ acceptButton: v.boolean() })

/** PUT /api/admin/channels/webchat: connected, and the distribution (chat groups). */
export const WebchatSettingsSchema = v.strictObject({
  connected: v.boolean(),
  groupIds: v.pipe(v.array(uuid), v.maxLength(100)),
})
export type WebchatSettings = v.InferOutput<typeof WebchatSettingsSchema>

/** Answer of a message send (text, stored file, upload): the message and its chat. */
export interface SendResponse {
  message: MessageView
  chat: ChatView
}

export type ChatListQuery = v.InferOutput<typeof ChatListQuerySchema>
export type SendStoredFile = v.InferOutput<typeof SendStoredFileSchema>
export type ChatUploadQuery = v.InferInput<typeof ChatUploadQuerySchema>
export type TemplateBody = v.InferOutput<typeof TemplateSchema>
export type SharedTemplateBody = v.InferOutput<typeof SharedTemplateSchema>

// ── chat lifecycle (issue 9: T7 transfer, T8 auto-complete, T9 resume) ────

/**
 * T7: a transfer offer's life (server/domain/chats/transfer-state.ts has the diagram):
 * offered → accepted | declined | expired | cancelled; the last four are final.
 */
export type TransferState = 'offered' | 'accepted' | 'declined' | 'expired' | 'cancelled'
/** Why an offer ended without a handover (the sender's "Transfer failed" says which). */
export type TransferEndReason = 'declined' | 'expired' | 'unavailable' | 'completed'

/**
 * What the sender's chat row shows of its latest transfer: an open offer (countdown to `deadline`,
 * the server's clock), "Transferred" until the handover at `handoverAt`, or "Transfer failed" until he
 * opens the chat. Null otherwise.
 */
export interface ChatTransferMark {
  id: string
  state: 'offered' | 'accepted' | 'failed'
  toKind: 'employee' | 'group'
  toName: string
  deadline: string
  handoverAt: string | null
  reason: TransferEndReason | null
}

/** T7: an offer as its target(s) and sender see it. */
export interface TransferOfferView {
  id: string
  chatId: string
  state: TransferState
  reason: TransferEndReason | null
  fromId: string
  fromName: string
  toKind: 'employee' | 'group'
  toId: string
  toName: string
  /** The members it is offered to (a group: its available members when sent). */
  offeredTo: string[]
  /** Members of a group who declined it (it stays open for the others). */
  declinedBy: string[]
  comment: string
  createdAt: string
  /** Accept before this (server time); the app counts down to it. */
  deadline: string
  decidedById: string | null
  clientName: string | null
  channel: ChannelKind
  /** The chat's last messages, oldest first (the target reads them before accepting). */
  lastMessages: MessageView[]
}

/** Messages an offer carries. */
export const TRANSFER_LAST_MESSAGES = 5

/** POST /api/chats/:id/transfer. `confirm: false` = "send without confirmation" (handed over at once). */
export const TransferSchema = v.strictObject({
  toKind: v.picklist(['employee', 'group']),
  toId: uuid,
  comment: v.optional(v.pipe(text, v.maxLength(1000)), ''),
  confirm: v.optional(v.boolean(), true),
})
export type TransferBody = v.InferOutput<typeof TransferSchema>

export interface TransferResponse {
  offer: TransferOfferView
  chat: ChatView
}

/** GET /api/chats/:id/transfer-targets: everyone is shown; `selectable: false` says why not (live). */
export type ChatTransferTarget =
  | {
      kind: 'employee'
      id: string
      name: string
      status: string
      selectable: boolean
      reason: 'offline' | 'status' | null
    }
  | {
      kind: 'group'
      id: string
      name: string
      selectable: boolean
      reason: 'no_available_member' | null
      available: number
      total: number
    }

/** GET/PUT /api/admin/chat-settings: the transfer timeout (T7) and the closing text (T8). */
export const ChatSettingsSchema = v.strictObject({
  transferTimeoutSec: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(600)),
  closingText: v.pipe(text, v.maxLength(MESSAGE_MAX_CHARS)),
})
export type ChatSettings = v.InferOutput<typeof ChatSettingsSchema>

/** PUT /api/admin/channels/:id/auto-complete (T8): idle minutes, null = never. */
export const AutoCompleteSchema = v.strictObject({
  minutes: v.nullable(v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(10_080))),
})
