/**
 * The gateway's two-stage ingest (issue 8 ingest budget). Stage 1, in the webhook: the signature is
 * checked, the payload read, and each client message written as one row of the `inbound` queue
 * (migration 0080) — unique by (channel, provider's id), so a provider's repeat is a no-op — and the
 * 200 goes out: the row is durable. Stage 2, this worker: claims the queue's rows in arrival order and
 * stores them in the chats in batches (`receiveInboundBatch`: a few set-based statements per batch),
 * so a webhook costs one insert and a burst is stored at the rate of batches, not of messages.
 *
 * The claim and the store are one transaction: the rows are locked `FOR UPDATE SKIP LOCKED`, stored,
 * and marked done at its commit. A worker that dies mid-batch leaves no claim behind — its transaction
 * rolls back and the rows are pending again for the next batch (no lease to wait out). One batch runs
 * at a time across instances (a transaction advisory lock), which keeps each chat's order of arrival
 * also across batches; a batch is bounded, so another instance waits at most one batch.
 *
 * A media message's row is written first as `fetching` under a lease (the claim of its provider id:
 * a repeat, on any instance, finds it and fetches nothing); the webhook fetches and keeps the file,
 * then the row becomes pending with it. A webhook that died fetching leaves the lease to run out:
 * the worker stores the message with the note the row was claimed with (file not fetched) — the
 * provider, seeing no 200, retries, finds the claim, and nothing is stored twice.
 *
 * The worker is woken in-process by the webhook that wrote a row (the instance that answered 200 is
 * alive), with a short poll as the safety net for rows another instance left behind.
 */
import { and, inArray, lt, sql } from 'drizzle-orm'
import { bigint, bigserial, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import type { RequestInfo } from '../../../contract/chats.ts'
import { type Db, type Queryable, queryRows } from '../../db/index.ts'
import {
  type BatchOutcome,
  type InboundMessage,
  receiveInbound,
  receiveInboundBatch,
} from '../../domain/chats/index.ts'

/** The queue's rows (0080); only this module reads or writes them. */
export const inbound = pgTable('inbound', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  seq: bigint('seq', { mode: 'number' }),
  tenantId: uuid('tenant_id').notNull(),
  channelId: uuid('channel_id').notNull(),
  providerMsgId: text('provider_msg_id').notNull(),
  clientAddress: text('client_address').notNull(),
  clientName: text('client_name'),
  clientPhone: text('client_phone'),
  text: text('text').notNull(),
  fileId: uuid('file_id'),
  requestInfo: jsonb('request_info').$type<RequestInfo | null>(),
  state: text('state').$type<'fetching' | 'pending' | 'stored' | 'duplicate' | 'failed'>().notNull(),
  leaseUntil: timestamp('lease_until', { withTimezone: true }),
  failReason: text('fail_reason'),
  receivedAt: timestamp('received_at', { withTimezone: true }),
  doneAt: timestamp('done_at', { withTimezone: true }),
})

/** One client message as a webhook queues it (already made inert by the adapter). */
export type QueuedMessage = Omit<InboundMessage, 'clientEmail'>

const rowOf = (tenantId: string, m: QueuedMessage) => ({
  tenantId,
  channelId: m.channelId,
  providerMsgId: m.providerMsgId,
  clientAddress: m.clientAddress,
  clientName: m.clientName ?? null,
  clientPhone: m.clientPhone ?? null,
  text: m.text,
  fileId: m.fileId ?? null,
  requestInfo: m.requestInfo ?? null,
})

/** Stage 1: queues a webhook's messages in one insert; a provider id already queued is skipped. How many are new. */
export async function enqueueInbound(
  q: Queryable,
  tenantId: string,
  ms: readonly QueuedMessage[],
): Promise<number> {
  return (
    await enqueueRows(
      q,
      ms.map((m) => ({ tenantId, m })),
    )
  ).size
}

/**
 * Queues rows of any webhooks (and tenants) in one statement — one commit (group-commit.ts); a
 * provider id already queued, or twice in the rows, is skipped. The `channel NUL provider id` of the new ones.
 */
export async function enqueueRows(
  q: Queryable,
  rows: readonly { tenantId: string; m: QueuedMessage }[],
): Promise<Set<string>> {
  if (!rows.length) return new Set()
  // One statement of one text whatever the rows: each column one array parameter, unnested in the
  // rows' order (their seq is their order of arrival). A multi-row VALUES cost drizzle and the
  // database a statement of 11 parameters a row to build and parse, at a thousand webhooks a second.
  const col = <T>(f: (r: ReturnType<typeof rowOf>) => T) =>
    sql.param(rows.map((r) => f(rowOf(r.tenantId, r.m))))
  const got = await queryRows<{ channel_id: string; provider_msg_id: string }>(
    q,
    sql`INSERT INTO inbound (tenant_id, channel_id, provider_msg_id, client_address, client_name,
          client_phone, text, file_id, request_info, state)
        SELECT tenant_id, channel_id, provider_msg_id, client_address, client_name, client_phone, text,
          file_id, request_info::jsonb, 'pending'
        FROM unnest(${col((r) => r.tenantId)}::uuid[], ${col((r) => r.channelId)}::uuid[],
          ${col((r) => r.providerMsgId)}::text[], ${col((r) => r.clientAddress)}::text[],
          ${col((r) => r.clientName)}::text[], ${col((r) => r.clientPhone)}::text[], ${col((r) => r.text)}::text[],
          ${col((r) => r.fileId)}::uuid[], ${col((r) => (r.requestInfo ? JSON.stringify(r.requestInfo) : null))}::text[])
          WITH ORDINALITY AS r(tenant_id, channel_id, provider_msg_id, client_address, client_name,
            client_phone, text, file_id, request_info, ord)
        ORDER BY ord
        ON CONFLICT (channel_id, provider_msg_id) DO NOTHING
        RETURNING channel_id, provider_msg_id`,
  )
  return new Set(got.map((r) => `${r.channel_id}\u0000${r.provider_msg_id}`))
}

/**
 * Stage 1 of a media message: claims its provider id before the fetch (`fetching` under a lease).
 * `fallback` is what is stored if the fetch never finishes. The row's id, or null for a repeat.
 */
export async function claimMedia(
  q: Queryable,
  tenantId: string,
  m: QueuedMessage,
  leaseMs: number = MEDIA_LEASE_MS,
): Promise<number | null> {
  const [row] = await q
    .insert(inbound)
    .values({
      ...rowOf(tenantId, m),
      state: 'fetching',
      leaseUntil: new Date(Date.now() + leaseMs),
    })
    .onConflictDoNothing({ target: [inbound.channelId, inbound.providerMsgId] })
    .returning({ id: inbound.id })
  return row?.id ?? null
}

/** The fetch is over: the message (its file kept, or a note) is ready, in line after what arrived meanwhile. */
export async function mediaDone(
  q: Queryable,
  id: number,
  m: { text: string; fileId: string | null },
): Promise<void> {
  await q.execute(
    sql`UPDATE inbound SET state = 'pending', text = ${m.text}, file_id = ${m.fileId},
          lease_until = NULL, seq = nextval('inbound_seq')
        WHERE id = ${id} AND state = 'fetching'`,
  )
}

/** How long a webhook may take to fetch a media before the worker stores its message without it. */
export const MEDIA_LEASE_MS = 120_000

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Rows stored per batch at most. */
const BATCH = 500

export interface InboundQueue {
  /** A row was queued: store it soon (the webhook's instance). */
  kick(): void
  start(): Promise<void>
  /** Stores everything claimable now (tests: the messages of the webhooks sent so far). */
  drain(): Promise<void>
  stop(): Promise<void>
  /** One batch (tests): how many rows it settled. */
  runBatch(): Promise<number>
}

export interface InboundQueueOptions {
  /** The safety-net poll (default 1 s). */
  pollMs?: number
  /** Done rows are deleted after this long (default 3 days: providers' retries are over by then). */
  keepMs?: number
  batch?: number
  /** The pause after a batch, for the next one to gather (default 20 ms). */
  lingerMs?: number
  onError?: (e: unknown) => void
  /** Tests: runs inside a batch's transaction after the messages are stored (a crash injected there). */
  afterStore?: () => Promise<void>
  /** Tests: stores a tenant's part of a batch (default receiveInboundBatch; a failure injected there). */
  storeBatch?: typeof receiveInboundBatch
}

/** A tenant's part of a batch could not be stored as a whole: the batch runs again, carefully. */
class NotWhole extends Error {
  constructor(override readonly cause: unknown) {
    super('inbound batch: stored again part by part')
  }
}

/** The queue's worker (stage 2), one per instance. */
export function createInboundQueue(db: Db, opts: InboundQueueOptions = {}): InboundQueue {
  const pollMs = opts.pollMs ?? 1000
  const keepMs = opts.keepMs ?? 3 * 24 * 3600_000
  const size = opts.batch ?? BATCH
  const lingerMs = opts.lingerMs ?? 20
  const store = opts.storeBatch ?? receiveInboundBatch
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let pumping: Promise<void> | null = null
  let again = false
  let lastPurge = 0

  /**
   * One batch. First without savepoints (two statements a tenant saved: most batches store whole);
   * when a tenant's part cannot be stored as a whole, the transaction is rolled back and the batch
   * runs again `careful`: each tenant's part in a savepoint, and one that fails again stored message
   * by message, each failing alone.
   */
  const runBatch = async (): Promise<number> => {
    try {
      return await batchOnce(false)
    } catch (e) {
      if (!(e instanceof NotWhole)) throw e
      opts.onError?.(e.cause)
      return batchOnce(true)
    }
  }
  const batchOnce = async (careful: boolean): Promise<number> =>
    db.orm.transaction(async (tx) => {
      // One batch at a time across instances: a chat's messages are stored in their order of arrival.
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('frontline:inbound'))`)
      const rows = (
        await queryRows<Record<string, unknown>>(
          tx,
          sql`SELECT id, tenant_id, channel_id, provider_msg_id, client_address, client_name, client_phone,
                text, file_id, request_info
              FROM inbound
              -- Two partial-index scans (an OR of the two would scan the whole table, done rows too).
              WHERE id IN (
                (SELECT id FROM inbound WHERE state = 'pending' ORDER BY seq LIMIT ${size})
                UNION ALL
                (SELECT id FROM inbound WHERE state = 'fetching' AND lease_until < now()
                 ORDER BY lease_until LIMIT ${size}))
              ORDER BY seq
              LIMIT ${size}
              FOR UPDATE SKIP LOCKED`,
        )
      ).map((r) => ({
        id: Number(r.id),
        tenantId: r.tenant_id as string,
        m: {
          channelId: r.channel_id as string,
          providerMsgId: r.provider_msg_id as string,
          clientAddress: r.client_address as string,
          clientName: (r.client_name as string | null) ?? null,
          clientPhone: (r.client_phone as string | null) ?? null,
          text: r.text as string,
          fileId: (r.file_id as string | null) ?? null,
          requestInfo: (r.request_info as RequestInfo | null) ?? null,
        } satisfies InboundMessage,
      }))
      if (!rows.length) return 0
      const byTenant = new Map<string, typeof rows>()
      for (const r of rows) byTenant.set(r.tenantId, [...(byTenant.get(r.tenantId) ?? []), r])
      const outcomes = new Map<number, BatchOutcome>()
      for (const [tenantId, list] of byTenant) {
        let got: BatchOutcome[]
        if (!careful) {
          try {
            got = await store(
              tx,
              tenantId,
              list.map((r) => r.m),
            )
          } catch (e) {
            throw new NotWhole(e)
          }
        } else
          try {
            // A savepoint: a batch that cannot be stored as a whole leaves nothing behind …
            got = await tx.transaction((sp) =>
              store(
                sp,
                tenantId,
                list.map((r) => r.m),
              ),
            )
          } catch (e) {
            opts.onError?.(e)
            // … and its messages are stored one by one, each failing alone.
            got = []
            for (const r of list) got.push(await storeAlone(tx, tenantId, r.m))
          }
        for (const [i, r] of list.entries())
          outcomes.set(r.id, got[i] ?? { kind: 'failed', reason: 'no outcome' })
      }
      await opts.afterStore?.()
      await settle(tx, outcomes)
      return rows.length
    })

  const purge = async () => {
    if (Date.now() - lastPurge < 3600_000) return
    lastPurge = Date.now()
    await db.orm.delete(inbound).where(lt(inbound.doneAt, new Date(Date.now() - keepMs)))
  }

  const pump = async () => {
    do {
      again = false
      // After a batch, a pause before the next: the webhooks queue meanwhile (on PGlite they cannot
      // while a batch holds its one connection), so under load batches grow instead of the worker
      // storing one message per transaction; when idle, a webhook's message is stored at once.
      // On PGlite the pause is as long as the batch took (at least lingerMs): the worker takes at most
      // about half of its one connection from the webhooks, and a batch's fixed cost is spread wider.
      // PostgreSQL serves the webhooks on other connections meanwhile: lingerMs is enough there.
      for (;;) {
        if (stopped) break
        const t0 = performance.now()
        if ((await runBatch()) === 0) break
        await sleep(db.kind === 'pglite' ? Math.max(lingerMs, performance.now() - t0) : lingerMs)
      }
    } while (again && !stopped)
    await purge().catch(() => undefined)
    arm()
  }
  const arm = () => {
    if (stopped) return
    clearTimeout(timer)
    timer = setTimeout(wake, pollMs)
    timer.unref()
  }
  const wake = () => {
    if (stopped) return
    if (pumping) {
      again = true
      return
    }
    pumping = pump()
      .catch((e) => {
        opts.onError?.(e)
        arm()
      })
      .finally(() => {
        pumping = null
        if (again && !stopped) wake()
      })
  }

  return {
    kick: wake,
    runBatch,
    async start() {
      stopped = false
      wake()
    },
    async drain() {
      for (;;) {
        if (pumping) await pumping
        if ((await runBatch()) === 0 && !pumping) return
      }
    },
    async stop() {
      stopped = true
      clearTimeout(timer)
      await pumping
    },
  }
}

/** A message the batch could not take, stored alone (the path a webhook took before the queue). */
async function storeAlone(tx: Queryable, tenantId: string, m: InboundMessage): Promise<BatchOutcome> {
  try {
    const r = await receiveInbound(tx, tenantId, m, true)
    return { kind: r.created ? 'stored' : 'duplicate', messageId: r.message.id }
  } catch (e) {
    const code = (e as { code?: unknown }).code
    return { kind: 'failed', reason: (typeof code === 'string' ? code : String(e)).slice(0, 500) }
  }
}

/** Marks the batch's rows done: stored / duplicate in one statement each, failed ones with their reason. */
async function settle(tx: Queryable, outcomes: Map<number, BatchOutcome>) {
  const ids = (kind: BatchOutcome['kind']) =>
    [...outcomes.entries()].filter(([, o]) => o.kind === kind).map(([id]) => id)
  const now = new Date()
  for (const state of ['stored', 'duplicate'] as const) {
    const list = ids(state)
    if (list.length)
      await tx
        .update(inbound)
        .set({ state, doneAt: now, leaseUntil: null })
        .where(and(inArray(inbound.id, list)))
  }
  for (const [id, o] of outcomes)
    if (o.kind === 'failed')
      await tx
        .update(inbound)
        .set({ state: 'failed', failReason: o.reason, doneAt: now, leaseUntil: null })
        .where(inArray(inbound.id, [id]))
}
