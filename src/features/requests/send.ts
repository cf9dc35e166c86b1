/**
 * Sending chat messages exactly once (SPEC T4, N3), on lib/sync's durable outbox. A message gets its
 * clientMsgId when composed: that id is its outbox item's id (kinds message | file | voice, keyed by
 * the chat so a chat's messages leave in the order they were written) and the server's idempotency
 * key — a retry after a lost answer or a reload gets the stored message back, never a copy. The
 * conversation shows the message at once from its local copy in `messages`; the server's copy
 * (same clientMsgId) replaces it when the send succeeds or its event arrives first.
 */
import type { FrontlineDb, MessageRow, OutboxItem } from '../../lib/store/index.ts'
import {
  type Answer,
  type ChatKind,
  type ChatPayload,
  discardRefused,
  enqueue,
  type FilePayload,
  type ItemOf,
  outcomeOf,
  retryItem,
  type SendOutcome,
  type TextPayload,
  type VoicePayload,
} from '../../lib/sync/index.ts'
import { LOCAL_ORD_BASE, putMessages } from './mirror.ts'

// The payloads are not declared into lib/sync's OutboxPayloads: its own tests use these kinds with
// other payloads. They are checked here, where they are made (compose), and by lib/sync's chat
// delivery, which the page and the service worker share (N3).
export type {
  Answer,
  ChatKind,
  ChatPayload,
  FilePayload,
  TextPayload,
  VoicePayload,
} from '../../lib/sync/index.ts'
export { outcomeOf } from '../../lib/sync/index.ts'

export type Composed =
  | { kind: 'message'; payload: TextPayload }
  | { kind: 'file'; payload: FilePayload }
  | { kind: 'voice'; payload: VoicePayload }

export interface Author {
  id: string
  name: string
}

let seq = 0
/** An order key after every server message, increasing in the order messages are composed here. */
export function localOrd(now = Date.now()): number {
  seq = (seq + 1) % 1000
  return LOCAL_ORD_BASE + now * 1000 + seq
}

/** The local copy a composed message shows as until the server has it. */
export function localRow(id: string, author: Author, c: Composed, ord: number): MessageRow {
  const p = c.payload
  return {
    id,
    chatId: p.chatId,
    n: 0,
    clientMsgId: id,
    author: 'operator',
    authorId: author.id,
    authorName: author.name,
    kind: c.kind === 'message' ? 'text' : c.kind,
    text: c.kind === 'message' ? c.payload.text : '',
    replyToId: c.kind === 'voice' ? null : c.payload.replyToId,
    file:
      c.kind === 'message'
        ? null
        : {
            id: '',
            name: c.kind === 'file' ? c.payload.name : 'voice',
            type: c.payload.type,
            size: c.payload.blob.size,
            durationMs: c.kind === 'voice' ? c.payload.durationMs : null,
          },
    at: new Date().toISOString(),
    delivery: 'sent',
    ord,
    local: 'queued',
    ...(c.kind === 'message' ? {} : { blob: c.payload.blob }),
  }
}

/**
 * Keep a composed message: its outbox item first (so nothing is ever shown that cannot leave), then
 * its local copy — unless the server's copy got there first (the item can leave at once).
 */
export async function compose(
  db: FrontlineDb,
  author: Author,
  c: Composed,
  id: string = crypto.randomUUID(),
): Promise<string> {
  const ord = localOrd()
  await enqueue(db, { id, kind: c.kind, key: c.payload.chatId, payload: c.payload } as never)
  await db.transaction('rw', db.messages, async () => {
    if (!(await db.messages.where('clientMsgId').equals(id).first()))
      await db.messages.put(localRow(id, author, c, ord))
  })
  return id
}

/** A sender for the chat kinds over a transport; a sent message's server copy goes into the mirror. */
export function chatSender(
  db: () => FrontlineDb | null,
  transport: (item: ItemOf<ChatKind>) => Promise<Answer>,
) {
  return {
    async send(item: ItemOf<ChatKind>): Promise<SendOutcome> {
      const a = await transport(item)
      const out = outcomeOf(a)
      const d = db()
      if (out.kind === 'sent' && a.message && d) await putMessages(d, [a.message])
      return out
    },
  }
}

/** The state a local message shows, from its outbox item (none: it is on its way into the mirror). */
export function localState(
  item: Pick<OutboxItem, 'state' | 'attempts'> | undefined,
): 'queued' | 'sending' | 'refused' {
  if (!item) return 'sending'
  if (item.state === 'refused') return 'refused'
  return item.state === 'sending' ? 'sending' : 'queued'
}

/** The operator's Retry on a refused message. */
export function retryMessage(db: FrontlineDb, clientMsgId: string): Promise<void> {
  return retryItem(db, clientMsgId)
}

/** Drop a refused message the operator gives up on (its item and its local copy). */
export async function discardMessage(db: FrontlineDb, clientMsgId: string): Promise<void> {
  if (await discardRefused(db, clientMsgId)) await db.messages.delete(clientMsgId)
}

/** The chat a refusal names as where the message may go instead (T9: `E_CHAT_CONFLICT|<chat id>`). */
export function conflictTarget(lastError: string | null | undefined): string | null {
  const [code, id] = (lastError ?? '').split('|')
  return code === 'E_CHAT_CONFLICT' && id ? id : null
}

/**
 * T9: the messages a resume refused (the client has another active chat) go into that chat, in the
 * order they were written: each as a new message there (a new client id: the refused one stays
 * spent), and the refused copy goes. Nothing is dropped before its copy is kept.
 */
export async function resendInto(
  db: FrontlineDb,
  author: Author,
  items: OutboxItem[],
  chatId: string,
): Promise<number> {
  let n = 0
  for (const item of [...items].sort((a, b) => a.seq - b.seq)) {
    const payload = { ...(item.payload as ChatPayload), chatId }
    await compose(db, author, { kind: item.kind as ChatKind, payload } as Composed)
    await discardMessage(db, item.id)
    n++
  }
  return n
}
