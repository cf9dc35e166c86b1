/**
 * Sending chat messages exactly once (SPEC T4, N3). A message gets its clientMsgId when composed; it
 * is written to Dexie at once (the conversation shows it "sending") together with its outbox item,
 * and delivered by the queue in order per chat. The server stores the clientMsgId unique, so a retry
 * after a lost answer or a reload gets the original message back, never a copy.
 *
 * An outbox item's life:
 * ```
 *   queued ──send──▶ sending ──2xx──▶ (gone: the server's copy replaces the local message)
 *     ▲                 │ ├─ network / 5xx / 401 / 408 / 429 ──▶ queued (backoff)
 *     │                 │ └─ other 4xx ──▶ refused (kept, shown with Retry)
 *     └──── Retry ──────┴───────────────────────────────────────────┘
 * ```
 * `deliver` is one kind-aware step (message | file | voice) and `deliveryOutcome` the refused vs
 * retryable rule, so the durable outbox of lib/sync can run them when it lands.
 */
import type { EntityTable } from 'dexie'
import type { MessageView } from '../../../contract/chats.ts'
import type { FrontlineDb, MessageRow, OutboxRow } from '../../lib/store/index.ts'
import { LOCAL_ORD_BASE, putMessages } from './mirror.ts'

export type OutboxBody =
  | { kind: 'message'; ord: number; text: string; replyToId: string | null }
  | { kind: 'file'; ord: number; blob: Blob; name: string; type: string; replyToId: string | null }
  | { kind: 'voice'; ord: number; blob: Blob; type: string; durationMs: number }

export interface ChatOutboxRow extends OutboxRow {
  body: OutboxBody
  attempts?: number
  nextAt?: number
  lastError?: string | null
}

export interface Author {
  id: string
  name: string
}

/** The outbox table seen with the chat items' fields (the table is shared with lib/sync's outbox). */
const outboxOf = (db: FrontlineDb) => db.outbox as unknown as EntityTable<ChatOutboxRow, 'clientMsgId'>

let seq = 0
/** An order key after every server message, increasing in the order messages are composed here. */
export function localOrd(now = Date.now()): number {
  seq = (seq + 1) % 1000
  return LOCAL_ORD_BASE + now * 1000 + seq
}

/** Retry delay after `attempts` failures: 1 s, 2 s, 4 s … capped at 60 s. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempts - 1))
}

/** An answer's status → the item's fate; 0 = the network failed. */
export function deliveryOutcome(status: number): 'sent' | 'retry' | 'refused' {
  if (status >= 200 && status < 300) return 'sent'
  if (status === 0 || status === 401 || status === 408 || status === 429 || status >= 500) return 'retry'
  return 'refused'
}

/** Write a composed message and its outbox item in one transaction (nothing leaves before both exist). */
export async function compose(
  db: FrontlineDb,
  chatId: string,
  author: Author,
  body: OutboxBody,
  clientMsgId: string = crypto.randomUUID(),
): Promise<string> {
  const now = new Date().toISOString()
  const row: MessageRow = {
    id: clientMsgId,
    chatId,
    n: 0,
    clientMsgId,
    author: 'operator',
    authorId: author.id,
    authorName: author.name,
    kind: body.kind === 'message' ? 'text' : body.kind,
    text: body.kind === 'message' ? body.text : '',
    replyToId: body.kind === 'voice' ? null : body.replyToId,
    file:
      body.kind === 'message'
        ? null
        : {
            id: '',
            name: body.kind === 'file' ? body.name : 'voice',
            type: body.type,
            size: body.blob.size,
            durationMs: body.kind === 'voice' ? body.durationMs : null,
          },
    at: now,
    delivery: 'sent',
    ord: body.ord,
    local: 'queued',
    ...(body.kind === 'message' ? {} : { blob: body.blob }),
  }
  const item: ChatOutboxRow = { clientMsgId, chatId, createdAt: now, state: 'pending', body, attempts: 0 }
  await db.transaction('rw', db.messages, db.outbox, async () => {
    await db.messages.put(row)
    await outboxOf(db).put(item)
  })
  return clientMsgId
}

/** One attempt to hand an item to the server: its HTTP status (0 = network) and the stored message. */
export type Transport = (
  item: ChatOutboxRow,
) => Promise<{ status: number; message?: MessageView; code?: string }>

/** Records the outcome of one attempt in the mirror and the outbox. */
export async function settle(
  db: FrontlineDb,
  item: ChatOutboxRow,
  r: { status: number; message?: MessageView; code?: string },
): Promise<'sent' | 'retry' | 'refused'> {
  const outcome = r.status >= 200 && r.status < 300 && !r.message ? 'retry' : deliveryOutcome(r.status)
  await db.transaction('rw', db.messages, db.outbox, async () => {
    if (outcome === 'sent' && r.message) {
      await db.outbox.delete(item.clientMsgId)
      await putMessages(db, [r.message])
    } else if (outcome === 'retry') {
      const attempts = (item.attempts ?? 0) + 1
      await outboxOf(db).update(item.clientMsgId, {
        state: 'pending',
        attempts,
        nextAt: Date.now() + retryDelayMs(attempts),
        lastError: r.code ?? `HTTP ${r.status}`,
      })
      await db.messages.update(item.clientMsgId, { local: 'queued' })
    } else {
      await outboxOf(db).update(item.clientMsgId, {
        state: 'failed',
        lastError: r.code ?? `HTTP ${r.status}`,
      })
      await db.messages.update(item.clientMsgId, { local: 'refused' })
    }
  })
  return outcome
}

/** Items waiting to leave, grouped per chat, each chat's in the order they were composed. */
export async function pendingByChat(db: FrontlineDb): Promise<ChatOutboxRow[][]> {
  const rows = (await db.outbox.toArray()) as ChatOutboxRow[]
  const by = new Map<string, ChatOutboxRow[]>()
  for (const r of rows) {
    if (r.state === 'failed' || !r.body || typeof r.body !== 'object' || !('kind' in r.body)) continue
    const l = by.get(r.chatId) ?? []
    l.push(r)
    by.set(r.chatId, l)
  }
  for (const l of by.values()) l.sort((a, b) => a.body.ord - b.body.ord)
  return [...by.values()]
}

/**
 * Send what is due, per chat in order: a chat stops at its first item that must wait (so a later
 * message never overtakes an earlier one); a refused item does not hold the chat. Returns the time
 * the next try is due (null = nothing waits).
 */
export async function drainOnce(db: FrontlineDb, send: Transport): Promise<number | null> {
  let next: number | null = null
  for (const items of await pendingByChat(db)) {
    for (const item of items) {
      if ((item.nextAt ?? 0) > Date.now()) {
        next = Math.min(next ?? Number.POSITIVE_INFINITY, item.nextAt ?? 0)
        break
      }
      await db.transaction('rw', db.messages, db.outbox, async () => {
        await outboxOf(db).update(item.clientMsgId, { state: 'sending' })
        await db.messages.update(item.clientMsgId, { local: 'sending' })
      })
      const r = await send(item).catch(() => ({ status: 0 }))
      const outcome = await settle(db, item, r)
      if (outcome === 'retry') {
        const after = (await db.outbox.get(item.clientMsgId)) as ChatOutboxRow | undefined
        next = Math.min(next ?? Number.POSITIVE_INFINITY, after?.nextAt ?? Date.now())
        break
      }
    }
  }
  return next
}

/** The network came back: every waiting item is due now (its backoff was about the old network). */
export async function makeDue(db: FrontlineDb): Promise<void> {
  await outboxOf(db)
    .where('state')
    .anyOf('pending', 'sending')
    .modify((r) => {
      r.nextAt = 0
    })
}

/** The operator's Retry on a refused message: queue it again, due now. */
export async function retryMessage(db: FrontlineDb, clientMsgId: string): Promise<void> {
  await db.transaction('rw', db.messages, db.outbox, async () => {
    await outboxOf(db).update(clientMsgId, { state: 'pending', nextAt: 0, attempts: 0 })
    await db.messages.update(clientMsgId, { local: 'queued' })
  })
}

/** Drop a refused message the operator gives up on. */
export async function discardMessage(db: FrontlineDb, clientMsgId: string): Promise<void> {
  await db.transaction('rw', db.messages, db.outbox, async () => {
    await db.outbox.delete(clientMsgId)
    await db.messages.delete(clientMsgId)
  })
}
