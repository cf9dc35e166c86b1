/**
 * `receiveInbound` for many client messages at once (the gateway's inbound queue, issue 8 ingest
 * budget): the same outcome per message — stored once by the provider's id in the client's open chat on
 * the channel (or a new one in New), `n` gap-free, the chat's counters and idle timer moved, one
 * `chat.message` per message to the same audience — in a fixed number of set-based statements per
 * batch instead of ~15 per message. Runs in the caller's transaction (the worker's claim), one tenant.
 *
 * Messages keep the list's order within each chat (the caller passes them by arrival). A message that
 * cannot be stored (channel gone, another tenant's file, oversize) is reported `failed` with a reason
 * and the others are stored. A storing race the batch did not foresee (a message id inserted meanwhile
 * by another path) throws: the caller rolls back and stores those messages one by one.
 */
import { and, eq, inArray, ne, type SQL, sql } from 'drizzle-orm'
import { MESSAGE_MAX_CHARS } from '../../../contract/chats.ts'
import { appendEvents, type Queryable, schema } from '../../db/index.ts'
import { armAutoComplete } from './idle.ts'
import { type InboundMessage, inboundMsgId } from './inbound.ts'
import { distributionOf } from './rows.ts'
import { audienceOf, type ChatRow, chatViewsWhere, messageViewsByIds } from './views.ts'

const { channels, chats, files, messages } = schema
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** What became of one message of a batch. */
export type BatchOutcome =
  | { kind: 'stored'; messageId: string }
  | { kind: 'duplicate'; messageId: string }
  | { kind: 'failed'; reason: string }

/** Why a message cannot be stored at all (no retry mends it), or null. */
function invalid(m: InboundMessage): string | null {
  if (!UUID.test(m.channelId)) return 'E_CHANNEL_OFF'
  if (!m.clientAddress.trim() || m.clientAddress.length > 320) return 'E_VALIDATION: client address'
  if (!m.providerMsgId || m.providerMsgId.length > 300) return 'E_VALIDATION: provider message id'
  if (m.text.length > MESSAGE_MAX_CHARS) return 'E_VALIDATION: text too long'
  if (m.text.includes('\u0000')) return 'E_VALIDATION: NUL in text'
  if (m.fileId && !UUID.test(m.fileId)) return 'E_VALIDATION: fileId'
  return null
}

const pairKey = (channelId: string, address: string) => `${channelId}\u0000${address}`

/** Stores a tenant's batch of client messages (in arrival order); the outcome of each, by index. */
export async function receiveInboundBatch(
  tx: Queryable,
  tenantId: string,
  batch: readonly InboundMessage[],
): Promise<BatchOutcome[]> {
  const out: (BatchOutcome | null)[] = batch.map((m) => {
    const why = invalid(m)
    return why ? { kind: 'failed', reason: why } : null
  })
  const live = () => batch.flatMap((m, i) => (out[i] ? [] : [{ m, i }]))

  // The tenant's channels among those named (another tenant's id is not found: failed). Connected or
  // not: each message was accepted — its webhook answered 200 — while its channel was connected, and
  // a disconnect since must not lose it (probe 15 F2; the webhook refuses once the channel is off).
  const channelIds = [...new Set(live().map(({ m }) => m.channelId))]
  const chans = channelIds.length
    ? await tx
        .select()
        .from(channels)
        .where(and(eq(channels.tenantId, tenantId), inArray(channels.id, channelIds)))
    : []
  const channelById = new Map(chans.map((c) => [c.id, c]))
  // The tenant's files among those named (kind: voice when stored with a length).
  const fileIds = [...new Set(live().flatMap(({ m }) => (m.fileId ? [m.fileId] : [])))]
  const fileRows = fileIds.length
    ? await tx
        .select({ id: files.id, durationMs: files.durationMs })
        .from(files)
        .where(and(eq(files.tenantId, tenantId), inArray(files.id, fileIds)))
    : []
  const fileById = new Map(fileRows.map((f) => [f.id, f]))
  for (const { m, i } of live()) {
    if (!channelById.has(m.channelId)) out[i] = { kind: 'failed', reason: 'E_CHANNEL_OFF' }
    else if (m.fileId && !fileById.has(m.fileId)) out[i] = { kind: 'failed', reason: 'E_VALIDATION: fileId' }
  }

  // Repeats of a stored provider id: the stored message, no event. (Within one batch the caller's
  // queue has made the ids unique already; a second copy here is a repeat of the first.)
  const idOf = batch.map((m) => inboundMsgId(m.channelId, m.providerMsgId))
  const known = await storedIds(
    tx,
    tenantId,
    live().map(({ i }) => idOf[i] as string),
  )
  const firstWith = new Map<string, number>()
  const copies: [number, number][] = []
  for (const { i } of live()) {
    const id = idOf[i] as string
    const stored = known.get(id)
    const first = firstWith.get(id)
    if (stored) out[i] = { kind: 'duplicate', messageId: stored }
    else if (first !== undefined) {
      copies.push([i, first])
      out[i] = { kind: 'failed', reason: 'copy' } // settled below, once the first is stored
    } else firstWith.set(id, i)
  }
  const todo = live()
  const settleCopies = () => {
    for (const [i, first] of copies) {
      const o = out[first]
      out[i] = o && o.kind !== 'failed' ? { kind: 'duplicate', messageId: o.messageId } : (o ?? null)
    }
    return out as BatchOutcome[]
  }
  if (!todo.length) return settleCopies()

  // Open-or-find every (channel, address) at once, locked: messages get their `n` under the lock.
  const firstOf = new Map<string, InboundMessage>()
  for (const { m } of todo) {
    const k = pairKey(m.channelId, m.clientAddress)
    if (!firstOf.has(k)) firstOf.set(k, m)
  }
  const chatOf = new Map<string, { chat: ChatRow; created: boolean }>()
  for (const c of await openChatsAt(tx, tenantId, [...firstOf.values()]))
    chatOf.set(pairKey(c.channelId as string, c.clientAddress as string), { chat: c, created: false })
  const missing = [...firstOf.entries()].filter(([k]) => !chatOf.has(k))
  if (missing.length) {
    const distribution = new Map<string, string[]>()
    for (const [, m] of missing)
      if (!distribution.has(m.channelId))
        distribution.set(
          m.channelId,
          await distributionOf(tx, tenantId, channelById.get(m.channelId)?.config.groupIds),
        )
    const rows = await tx
      .insert(chats)
      .values(
        missing.map(([, m]) => ({
          tenantId,
          channel: channelById.get(m.channelId)?.kind as ChatRow['channel'],
          channelId: m.channelId,
          clientAddress: m.clientAddress,
          state: 'new' as const,
          groupIds: distribution.get(m.channelId) ?? [],
          clientName: m.clientName ?? null,
          clientPhone: m.clientPhone ?? null,
          clientEmail: m.clientEmail ?? null,
          requestInfo: m.requestInfo ?? null,
        })),
      )
      .onConflictDoNothing({
        target: [chats.tenantId, chats.channelId, chats.clientAddress],
        where: sql`state <> 'completed' AND client_address IS NOT NULL AND channel_id IS NOT NULL`,
      })
      .returning()
    for (const c of rows)
      chatOf.set(pairKey(c.channelId as string, c.clientAddress as string), { chat: c, created: true })
    // Opened meanwhile by another writer: theirs, locked.
    const raced = missing.filter(([k]) => !chatOf.has(k)).map(([, m]) => m)
    if (raced.length)
      for (const c of await openChatsAt(tx, tenantId, raced))
        chatOf.set(pairKey(c.channelId as string, c.clientAddress as string), { chat: c, created: false })
  }

  // One insert for every message, each chat's in order from its count + 1.
  const at = new Date()
  const next = new Map<string, number>()
  const values = todo.map(({ m, i }) => {
    const k = pairKey(m.channelId, m.clientAddress)
    const { chat } = chatOf.get(k) ?? failHard('open chat not found under its lock')
    const n = (next.get(chat.id) ?? chat.messageCount) + 1
    next.set(chat.id, n)
    const file = m.fileId ? fileById.get(m.fileId) : null
    return {
      tenantId,
      chatId: chat.id,
      n,
      clientMsgId: idOf[i] as string,
      author: 'client' as const,
      authorId: null,
      kind: file ? (file.durationMs !== null ? ('voice' as const) : ('file' as const)) : ('text' as const),
      text: m.text,
      fileId: m.fileId ?? null,
      externalId: m.providerMsgId.slice(0, 300),
      at,
    }
  })
  const inserted = await tx
    .insert(messages)
    .values(values)
    .onConflictDoNothing({ target: [messages.tenantId, messages.clientMsgId] })
    .returning({ id: messages.id, clientMsgId: messages.clientMsgId })
  // A gap in some chat's `n` otherwise: the caller rolls back and stores one by one.
  if (inserted.length !== values.length) failHard('a message id was stored meanwhile')
  const idByClient = new Map(inserted.map((r) => [r.clientMsgId, r.id]))
  for (const { i } of todo)
    out[i] = { kind: 'stored', messageId: idByClient.get(idOf[i] as string) as string }

  // Each chat's counters in one statement: count, last message, the wait (if not waiting already).
  const counts = [...next.entries()]
  const caseOf = sql.join(
    counts.map(([id, n]) => sql`WHEN ${id}::uuid THEN ${n}::int`),
    sql` `,
  )
  const after = await tx
    .update(chats)
    .set({
      messageCount: sql`CASE ${chats.id} ${caseOf} END`,
      lastMessageAt: at,
      waitingSince: sql`COALESCE(${chats.waitingSince}, ${at.toISOString()}::timestamptz)`,
    })
    .where(
      and(
        eq(chats.tenantId, tenantId),
        inArray(
          chats.id,
          counts.map(([id]) => id),
        ),
      ),
    )
    .returning()
  // T8: every message moves an active chat's idle deadline.
  for (const c of after) if (c.state === 'active') await armAutoComplete(tx, c)

  // The events, as `publish` writes them: one per message, the chat's last one carrying the chat.
  const views = await messageViewsByIds(
    tx,
    tenantId,
    inserted.map((r) => r.id),
  )
  const chatViews = new Map(
    (
      await chatViewsWhere(
        tx,
        and(
          eq(chats.tenantId, tenantId),
          inArray(
            chats.id,
            after.map((c) => c.id),
          ),
        ),
        [],
        after.length,
      )
    ).map((v) => [v.id, v]),
  )
  const beforeOf = new Map([...chatOf.values()].map((o) => [o.chat.id, o.created ? null : o.chat]))
  const afterOf = new Map(after.map((c) => [c.id, c]))
  const byChat = new Map<string, typeof views>()
  for (const v of views) byChat.set(v.chatId, [...(byChat.get(v.chatId) ?? []), v])
  const list: Parameters<typeof appendEvents<'chat.message'>>[2][number][] = []
  // Chats in the order their first message arrived; each chat's messages in n order.
  for (const chatId of new Set(values.map((v) => v.chatId))) {
    const ms = (byChat.get(chatId) ?? []).sort((a, b) => a.n - b.n)
    const audience = audienceOf(beforeOf.get(chatId), afterOf.get(chatId))
    const chat = chatViews.get(chatId)
    for (const [j, message] of ms.entries())
      list.push({
        type: 'chat.message',
        payload: j === ms.length - 1 && chat ? { message, chat } : { message },
        audience,
      })
  }
  await appendEvents(tx, tenantId, list)
  return settleCopies()
}

/** The tenant's stored messages among these client ids: client id → message id. */
async function storedIds(tx: Queryable, tenantId: string, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map()
  const rows = await tx
    .select({ id: messages.id, clientMsgId: messages.clientMsgId })
    .from(messages)
    .where(and(eq(messages.tenantId, tenantId), inArray(messages.clientMsgId, ids)))
  return new Map(rows.map((r) => [r.clientMsgId, r.id]))
}

/** The clients' open chats on their channels, locked until the transaction ends. */
async function openChatsAt(
  tx: Queryable,
  tenantId: string,
  ms: readonly Pick<InboundMessage, 'channelId' | 'clientAddress'>[],
): Promise<ChatRow[]> {
  const pairs: SQL = sql.join(
    ms.map((m) => sql`(${m.channelId}::uuid, ${m.clientAddress}::text)`),
    sql`, `,
  )
  return tx
    .select()
    .from(chats)
    .where(
      and(
        eq(chats.tenantId, tenantId),
        ne(chats.state, 'completed'),
        sql`(${chats.channelId}, ${chats.clientAddress}) IN (${pairs})`,
      ),
    )
    .orderBy(chats.id)
    .for('update')
}

function failHard(why: string): never {
  throw new Error(`inbound batch: ${why}`)
}
