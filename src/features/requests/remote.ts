/**
 * The Requests REST calls (docs/api.md "Chats"): snapshots into the mirror, the chat actions, the
 * outbox's transport, files fetched as blobs with the token.
 */
import type { ChatsResponse, ChatView, MessageView, TemplateView } from '../../../contract/chats.ts'
import { ApiError, api, apiUrl } from '../../lib/api/index.ts'
import { noteNetwork } from '../../lib/net/index.ts'
import { token } from '../../lib/session/index.ts'
import type { FrontlineDb } from '../../lib/store/index.ts'
import type { ItemOf } from '../../lib/sync/index.ts'
import { putChats, putMessages, type RequestsTab, replaceTab, replaceTemplates } from './mirror.ts'
import type { Answer, ChatKind, ChatPayload, FilePayload, TextPayload, VoicePayload } from './send.ts'

/** Load a tab from the server into the mirror; returns the server's counts. */
export async function refreshTab(
  db: FrontlineDb,
  tab: RequestsTab,
  meId: string | null,
  signal?: AbortSignal,
): Promise<ChatsResponse> {
  const r = await api('GET /api/chats', { query: { tab }, signal })
  await replaceTab(db, tab, r.chats, meId)
  return r
}

/** T9: Completed chats whose client's name, phone or e-mail holds `q` (the server's search) into the mirror; their ids. */
export async function searchCompleted(db: FrontlineDb, q: string, signal?: AbortSignal): Promise<string[]> {
  const r = await api('GET /api/chats', { query: { tab: 'completed', q }, signal })
  await putChats(db, r.chats)
  return r.chats.map((c) => c.id)
}

/** One chat into the mirror (a link or a notification may open a chat no list has shown). */
export async function refreshChat(db: FrontlineDb, id: string): Promise<ChatView> {
  const { chat } = await api('GET /api/chats/:id', { params: { id } })
  await putChats(db, [chat])
  return chat
}

/** A page of messages (the newest, or those below `before`) into the mirror. */
export async function loadMessages(db: FrontlineDb, chatId: string, before?: number): Promise<boolean> {
  const r = await api('GET /api/chats/:id/messages', {
    params: { id: chatId },
    query: { before: before ? String(before) : undefined },
  })
  await putMessages(db, r.messages)
  return r.more
}

/** T3: open a chat. With the employee's Accept button off the server takes it for him. */
export async function openChat(db: FrontlineDb, id: string): Promise<ChatView> {
  const r = await api('POST /api/chats/:id/open', { params: { id } })
  await putChats(db, [r.chat])
  return r.chat
}

/** T3: accept a New chat (E_CHAT_TAKEN when a colleague was first). */
export async function acceptChat(db: FrontlineDb, id: string): Promise<ChatView> {
  const r = await api('POST /api/chats/:id/accept', { params: { id } })
  await putChats(db, [r.chat])
  return r.chat
}

/** T8 by hand: complete a chat. */
export async function completeChat(db: FrontlineDb, id: string): Promise<ChatView> {
  const r = await api('POST /api/chats/:id/complete', { params: { id } })
  await putChats(db, [r.chat])
  return r.chat
}

/** T2: the operator has read up to message `n` (on screen with the chat open). */
export async function markRead(db: FrontlineDb, id: string, upToN: number): Promise<void> {
  await db.chats
    .where('id')
    .equals(id)
    .modify((c) => {
      if (c.operatorReadN < upToN) c.operatorReadN = upToN
    })
  await api('POST /api/chats/:id/read', { params: { id }, body: { upToN } }).catch(() => undefined)
}

/** T5: the templates this operator may use into the mirror. */
export async function refreshTemplates(db: FrontlineDb): Promise<void> {
  const { templates } = await api('GET /api/templates')
  await replaceTemplates(db, templates)
}

/** T5: create or change a personal template. */
export async function saveTemplate(
  db: FrontlineDb,
  t: { id?: string; name: string; text: string },
): Promise<TemplateView> {
  const body = { name: t.name, text: t.text }
  const { template: saved } = t.id
    ? await api('PATCH /api/templates/:id', { params: { id: t.id }, body })
    : await api('POST /api/templates', { body })
  await db.templates.put(saved)
  return saved
}

/** T5: delete a personal template. */
export async function deleteTemplate(db: FrontlineDb, id: string): Promise<void> {
  await api('DELETE /api/templates/:id', { params: { id } })
  await db.templates.delete(id)
}

/** Bytes of a stored file (attachments, voice), fetched with the session token. */
export async function fetchFile(id: string): Promise<Blob> {
  const tok = token()
  const res = await fetch(apiUrl('GET /api/files/:id', { params: { id } }), {
    headers: tok ? { authorization: `Bearer ${tok}` } : {},
  }).catch(() => null)
  if (!res) throw new ApiError('E_NETWORK', 0, 'network error')
  if (!res.ok) throw new ApiError('E_NOT_FOUND', res.status, `HTTP ${res.status}`)
  return res.blob()
}

/** The answer's message: the server may wrap it ({ message }) or not. */
function messageOf(data: unknown): MessageView | undefined {
  if (!data || typeof data !== 'object') return undefined
  const m = 'message' in data ? (data as { message: MessageView }).message : (data as MessageView)
  return m && typeof m === 'object' && 'clientMsgId' in m ? m : undefined
}

/** The outbox's transport: text as JSON; files and voice as the raw bytes with their facts in the query. */
export async function httpTransport(item: ItemOf<ChatKind>): Promise<Answer> {
  const tok = token()
  if (!tok) return { status: 401 }
  const headers: Record<string, string> = { authorization: `Bearer ${tok}`, accept: 'application/json' }
  const chatId = (item.payload as ChatPayload).chatId
  let url: string
  let body: BodyInit
  if (item.kind === 'message') {
    const p = item.payload as TextPayload
    url = apiUrl('POST /api/chats/:id/messages', { params: { id: chatId } })
    headers['content-type'] = 'application/json'
    body = JSON.stringify({ clientMsgId: item.id, text: p.text, replyToId: p.replyToId })
  } else {
    const file = item.kind === 'file' ? (item.payload as FilePayload) : null
    url = apiUrl('POST /api/chats/:id/files', {
      params: { id: chatId },
      query: {
        clientMsgId: item.id,
        kind: item.kind,
        name: file?.name,
        replyToId: file?.replyToId ?? undefined,
        durationMs: file ? undefined : String(Math.round((item.payload as VoicePayload).durationMs)),
      },
    })
    const p = item.payload as FilePayload | VoicePayload
    headers['content-type'] = p.type || 'application/octet-stream'
    body = p.blob
  }
  let res: Response
  try {
    res = await fetch(url, { method: 'POST', headers, body })
  } catch {
    noteNetwork('failed')
    return { status: 0, code: 'E_NETWORK' }
  }
  noteNetwork('reached')
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
