/**
 * How a chat message, file or voice item of the outbox goes over HTTP, given a session token — the
 * one place the page's sender (features/requests) and the service worker's Background Sync
 * (sw/outbox.ts, SPEC N3) share, so a message leaves the same way whoever sends it. No DOM, no Solid:
 * the worker imports it. The item id is the message's clientMsgId: the server's idempotency key.
 */
import type { MessageView } from '../../../contract/chats.ts'
import type { OutboxItem } from '../store/db.ts'
import { outcomeOfStatus, type SendOutcome } from './outbox-state.ts'

export interface TextPayload {
  chatId: string
  text: string
  replyToId: string | null
}
export interface FilePayload {
  chatId: string
  blob: Blob
  name: string
  type: string
  replyToId: string | null
}
export interface VoicePayload {
  chatId: string
  blob: Blob
  type: string
  durationMs: number
}
export type ChatPayload = TextPayload | FilePayload | VoicePayload
export type ChatKind = 'message' | 'file' | 'voice'
/** The outbox kinds that are chat messages. */
export const CHAT_KINDS: readonly ChatKind[] = ['message', 'file', 'voice']

/** One attempt's answer: its HTTP status (0 = the network failed), the stored message, the error code. */
export interface Answer {
  status: number
  message?: MessageView
  code?: string
}

/**
 * What an answer comes to, by lib/sync's one policy — except 401 (a session being renewed: the same
 * message may go with the next token) and a 2xx without a message (try again: the retry is free).
 * A refusal keeps the server's error code for the operator.
 */
export function outcomeOf(a: Answer): SendOutcome {
  if (a.status === 401) return { kind: 'retry', error: 'HTTP 401' }
  const o = outcomeOfStatus(a.status)
  if (o.kind === 'sent' && !a.message) return { kind: 'retry', error: 'no message in the answer' }
  if (o.kind === 'refused' && a.code) return { kind: 'refused', error: a.code }
  return o
}

/** The answer's message: the server may wrap it ({ message }) or not. */
function messageOf(data: unknown): MessageView | undefined {
  if (!data || typeof data !== 'object') return undefined
  const m = 'message' in data ? (data as { message: MessageView }).message : (data as MessageView)
  return m && typeof m === 'object' && 'clientMsgId' in m ? m : undefined
}

const enc = encodeURIComponent

/** The request of one chat item: text as JSON; files and voice as the raw bytes with their facts in the query. */
export function chatRequest(
  item: Pick<OutboxItem, 'id' | 'kind' | 'payload'>,
  token: string,
  origin: string = base(),
): Request {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' }
  const chatId = (item.payload as ChatPayload).chatId
  if (item.kind === 'message') {
    const p = item.payload as TextPayload
    headers['content-type'] = 'application/json'
    return new Request(new URL(`/api/chats/${enc(chatId)}/messages`, origin), {
      method: 'POST',
      headers,
      body: JSON.stringify({ clientMsgId: item.id, text: p.text, replyToId: p.replyToId }),
    })
  }
  const file = item.kind === 'file' ? (item.payload as FilePayload) : null
  const q = new URLSearchParams({ clientMsgId: item.id, kind: item.kind })
  if (file) {
    q.set('name', file.name)
    if (file.replyToId) q.set('replyToId', file.replyToId)
  } else q.set('durationMs', String(Math.round((item.payload as VoicePayload).durationMs)))
  const p = item.payload as FilePayload | VoicePayload
  headers['content-type'] = p.type || 'application/octet-stream'
  return new Request(new URL(`/api/chats/${enc(chatId)}/files?${q}`, origin), {
    method: 'POST',
    headers,
    body: p.blob,
  })
}

function base(): string {
  return (globalThis as { location?: { href: string } }).location?.href ?? 'http://localhost/'
}

/**
 * One attempt to deliver a chat item with `token`. `network` hears whether the server was reached
 * (the page feeds its offline signal with it).
 */
export async function deliverChatItem(
  item: Pick<OutboxItem, 'id' | 'kind' | 'payload'>,
  token: string | null,
  opts: { fetch?: typeof fetch; network?: (reached: boolean) => void; origin?: string } = {},
): Promise<Answer> {
  if (!token) return { status: 401 }
  let res: Response
  try {
    res = await (opts.fetch ?? fetch)(chatRequest(item, token, opts.origin))
  } catch {
    opts.network?.(false)
    return { status: 0, code: 'E_NETWORK' }
  }
  opts.network?.(true)
  const data: unknown = await res.json().catch(() => null)
  const error = (data as { error?: { code?: string; details?: string[] } } | null)?.error
  // T9: a resume refused because the client has another open chat names that chat; it is kept with
  // the refusal so the operator can send the message there in one tap.
  const code =
    error?.code === 'E_CHAT_CONFLICT' && error.details?.[0]
      ? `${error.code}|${error.details[0]}`
      : error?.code
  return { status: res.status, message: res.ok ? messageOf(data) : undefined, code }
}
