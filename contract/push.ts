/**
 * Web Push (SPEC N1, N2, N4): what the server pushes to a device and what a device registers. One
 * payload kind per thing that wakes an operator; each carries the event's `seq` (the app renders the
 * screen once its change feed has applied events up to it) and what the notification's click needs.
 * The service worker (sw/push.ts, sw/clicks.ts) and the server (server/push/) both use these types.
 */
import * as v from 'valibot'
import type { ChannelKind } from './chats.ts'
import { text } from './text.ts'

/** An incoming call to a closed app (issue 10 §3: sent by the call wake-up, not by the spine). */
export interface CallPush {
  kind: 'call'
  seq: number
  callId: string
  /** Who calls: a client's number, a colleague's extension or name. */
  from: string
  fromName: string | null
  /** The call stops ringing at this time (server clock): a notification shown later is stale. */
  ringUntil: string
  /** SIP Call-ID: Answer opens the app, which answers the INVITE carrying it once it registers. */
  sipCallId?: string
  /** The company number the client dialled (C8) and its group, when there is one. */
  virtualNumber?: string | null
  groupName?: string | null
}

/** A call nobody answered: replaces the incoming-call notification (same tag). */
export interface MissedCallPush {
  kind: 'missed_call'
  seq: number
  callId: string
  from: string
  fromName: string | null
}

/** A new chat in the receiver's distribution. */
export interface ChatPush {
  kind: 'chat'
  seq: number
  chatId: string
  channel: ChannelKind
  clientName: string | null
  /** The client's last message, cut to PREVIEW_CHARS. */
  preview: string
  /** The receiver's Accept button (T3): on — Open and Take; off — a tap takes the chat. */
  acceptButton: boolean
}

/**
 * Several new chats folded into one notification (probe 10 finding 5): an operator gets at most one
 * chat push per CHAT_PUSH_WINDOW_MS; the chats that arrive meanwhile come as one "N new chats" push
 * at the window's end (one tag: a newer one replaces it).
 */
export interface ChatsPush {
  kind: 'chats'
  seq: number
  count: number
}

/** At most one chat push per operator in this time (the rest fold into a ChatsPush). */
export const CHAT_PUSH_WINDOW_MS = 10_000

/** A new lead from the site (T11): to every operator. */
export interface LeadPush {
  kind: 'lead'
  seq: number
  leadId: string
  name: string
  comment: string
}

/** A chat transfer offered to the receiver (T7). */
export interface TransferPush {
  kind: 'transfer'
  seq: number
  offerId: string
  chatId: string
  fromName: string
  clientName: string | null
  comment: string
  /** Accept before this (server time). */
  deadline: string
}

export type PushPayload = CallPush | MissedCallPush | ChatPush | ChatsPush | LeadPush | TransferPush
export type PushKind = PushPayload['kind']

/**
 * The largest encrypted push body a push service must accept (RFC 8030 §7.2: 4096 octets). The
 * aes128gcm record adds 86 octets of header, 16 of tag and 1 of padding delimiter (RFC 8188, 8291).
 */
export const PUSH_RECORD_MAX = 4096
export const PUSH_PLAINTEXT_MAX = PUSH_RECORD_MAX - 86 - 16 - 1

/** Characters of a chat's last message or a lead's comment carried in a push. */
export const PREVIEW_CHARS = 140

/** Cuts a preview to PREVIEW_CHARS code points (never half a surrogate pair). */
export function preview(s: string, max = PREVIEW_CHARS): string {
  const chars = Array.from(s.replace(/\s+/g, ' ').trim())
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('')
}

/**
 * The notification's tag: a later push of the same thing replaces the shown one — a missed call
 * replaces its incoming call (both `call:<id>`).
 */
export function pushTag(p: PushPayload): string {
  switch (p.kind) {
    case 'call':
    case 'missed_call':
      return `call:${p.callId}`
    case 'chat':
      return `chat:${p.chatId}`
    case 'chats':
      return 'chats'
    case 'lead':
      return `lead:${p.leadId}`
    case 'transfer':
      return `transfer:${p.offerId}`
  }
}

/** The app's path a push leads to (sw/clicks.ts adds the action). */
export function pushPath(p: PushPayload): string {
  switch (p.kind) {
    case 'call':
      return `/calls?call=${encodeURIComponent(p.callId)}`
    case 'missed_call':
      return '/calls?scope=missed'
    case 'chat':
    case 'transfer':
      return `/requests/${encodeURIComponent(p.chatId)}`
    case 'chats':
      return '/requests'
    case 'lead':
      return `/requests/leads/${encodeURIComponent(p.leadId)}`
  }
}

/**
 * N1 §3: where Answer in an incoming-call notification leads — the call's path with the SIP Call-ID
 * the woken app answers as soon as its INVITE arrives (src/features/calls/wake.ts).
 */
export function answerPath(p: CallPush): string {
  const base = pushPath(p)
  return p.sipCallId ? `${base}&answer=${encodeURIComponent(p.sipCallId)}` : base
}

/** base64url without padding (RFC 4648 §5). */
const b64url = (chars: number) => v.pipe(text, v.length(chars), v.regex(/^[A-Za-z0-9_-]+$/))

/**
 * POST /api/push/subscriptions: the browser's PushSubscription.toJSON(). p256dh is an uncompressed
 * P-256 point (65 octets → 87 characters), auth 16 octets (22 characters). The endpoint's host is
 * checked by the server (no loopback or private targets: SSRF).
 */
export const PushSubscriptionSchema = v.object({
  endpoint: v.pipe(text, v.maxLength(2000), v.url(), v.startsWith('https://')),
  // Browsers send it (null); we do not use it.
  expirationTime: v.optional(v.nullable(v.number())),
  keys: v.strictObject({ p256dh: b64url(87), auth: b64url(22) }),
})
export type PushSubscriptionBody = v.InferInput<typeof PushSubscriptionSchema>

/** DELETE /api/push/subscriptions: which one (this device's). */
export const PushUnsubscribeSchema = v.strictObject({
  endpoint: v.pipe(text, v.maxLength(2000)),
})

/** GET /api/push/vapid-key: the server's public key, for `pushManager.subscribe({applicationServerKey})`. */
export interface VapidKeyResponse {
  publicKey: string
}

/** POST /api/push/subscriptions answers what the server holds for this device. */
export interface PushSubscriptionView {
  id: string
  endpoint: string
  createdAt: string
  lastSeenAt: string
}

/**
 * The app icon's badge (SPEC N4): new chats + open missed calls. The app writes what its mirror
 * holds; the service worker adds what a push brings while the app is closed. Ids, not counts, so a
 * chat pushed twice or already known counts once.
 */
export interface BadgeState {
  newChats: readonly string[]
  missedCalls: readonly string[]
}
export const EMPTY_BADGE: BadgeState = { newChats: [], missedCalls: [] }

/** The number on the icon. */
export function badgeCount(s: BadgeState): number {
  return new Set(s.newChats).size + new Set(s.missedCalls).size
}

/** The badge after a push arrived (a new chat or a missed call adds one; others change nothing). */
export function badgeAfterPush(s: BadgeState, p: PushPayload): BadgeState {
  const add = (list: readonly string[], id: string) => (list.includes(id) ? list : [...list, id])
  if (p.kind === 'chat') return { ...s, newChats: add(s.newChats, p.chatId) }
  if (p.kind === 'missed_call') return { ...s, missedCalls: add(s.missedCalls, p.callId) }
  return s
}

/** Accepts only a well-formed stored badge state (IndexedDB may hold anything). */
export function parseBadge(raw: unknown): BadgeState {
  const r = (raw ?? {}) as Partial<Record<keyof BadgeState, unknown>>
  const ids = (x: unknown) =>
    Array.isArray(x) ? x.filter((v): v is string => typeof v === 'string').slice(0, 1000) : []
  return { newChats: ids(r.newChats), missedCalls: ids(r.missedCalls) }
}
