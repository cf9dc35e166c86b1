/**
 * The Requests REST calls (docs/api.md "Chats"): snapshots into the mirror, the chat actions, the
 * outbox's transport, files fetched as blobs with the token.
 */
import type { ChatsResponse, ChatView, TemplateView } from '../../../contract/chats.ts'
import { ApiError, api, apiUrl } from '../../lib/api/index.ts'
import { noteNetwork } from '../../lib/net/index.ts'
import { token } from '../../lib/session/index.ts'
import type { FrontlineDb } from '../../lib/store/index.ts'
import { type Answer, type ChatKind, deliverChatItem, type ItemOf, startRead } from '../../lib/sync/index.ts'
import { putChats, putMessages, type RequestsTab, replaceTab, replaceTemplates } from './mirror.ts'

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

/**
 * A tab's snapshot as the start reads it: the badge, the Requests screen and the warm-up share one
 * read per start (lib/sync start-reads); after the start it is `refreshTab` itself.
 */
export function startRefreshTab(
  db: FrontlineDb,
  tab: RequestsTab,
  meId: string | null,
): Promise<ChatsResponse> {
  return startRead(`chats:${tab}`, () => refreshTab(db, tab, meId))
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

/** The outbox's transport: lib/sync's chat delivery with the active session's token (N3). */
export function httpTransport(item: ItemOf<ChatKind>): Promise<Answer> {
  return deliverChatItem(item, token(), { network: (reached) => noteNetwork(reached ? 'reached' : 'failed') })
}
