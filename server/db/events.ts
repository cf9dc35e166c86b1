/** The change feed (`events`): append inside the caller's transaction, read by seq. */
import { and, asc, eq, gt, lte, type SQL, sql } from 'drizzle-orm'
import type { EventPayloads, EventType, ServerEvent } from '../../contract/events.ts'
import { type Queryable, queryRows } from './client.ts'
import { type Audience, events } from './schema.ts'

export type { Audience }

/**
 * The LISTEN/NOTIFY channel. An event's payload is `<seq>:<tenant id>` (a bare `<seq>` from an older
 * instance is still understood); `revoked:<session id>` and `groups:<tenant id>` are notices that
 * travel in order with the events (server/events/spine.ts).
 */
export const EVENTS_CHANNEL = 'frontline_events'

/** Notice: the tenant's group membership changed (the hub re-reads who is in which group). */
export const GROUPS_CHANGED_PREFIX = 'groups:'

/** Announces a change of the tenant's group membership; inside a transaction it goes out at commit. */
export async function announceGroupsChanged(q: Queryable, tenantId: string): Promise<void> {
  await q.execute(sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${GROUPS_CHANGED_PREFIX + tenantId})`)
}

/**
 * Notice: the tenant's SIP lines must be re-checked (an employee deactivated, re-activated or given
 * another extension; the tenant suspended or re-activated). The server that runs Kamailio bans or
 * frees the lines and unregisters the banned ones (server/sip/lineban.ts).
 */
export const LINES_CHANGED_PREFIX = 'lines:'

/** Announces that the tenant's lines changed; inside a transaction it goes out at commit. */
export async function announceLinesChanged(q: Queryable, tenantId: string): Promise<void> {
  await q.execute(sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${LINES_CHANGED_PREFIX + tenantId})`)
}

/** An event as the spine hands it to listeners: the wire shape, its tenant and who may see it. */
export interface SpineEvent {
  tenantId: string
  event: ServerEvent
  audience: Audience | null
}

/**
 * Appends an event and NOTIFYs its seq at commit. Call it last in the transaction: the per-tenant
 * advisory lock, held until commit, makes a tenant's events commit in seq order, so a live
 * listener that has seen seq N can never later see a smaller one (the resume dedupe relies on it).
 */
export async function appendEvent<K extends EventType>(
  tx: Queryable,
  tenantId: string,
  type: K,
  payload: EventPayloads[K],
  audience: Audience | null = null,
): Promise<ServerEvent> {
  const [row] = await queryRows<{ seq: string | number; payload: unknown; at_ms: number }>(
    tx,
    insertEvents(
      tenantId,
      [{ type, payload, audience }],
      sql`SELECT seq, payload, floor(extract(epoch FROM at) * 1000)::float8 AS at_ms,
            pg_notify(${EVENTS_CHANNEL}, seq::text || ':' || ${tenantId}::text)
          FROM ins`,
    ),
  )
  if (!row) throw new Error('event insert returned nothing')
  return toServerEvent({ seq: Number(row.seq), type, payload: row.payload, at: new Date(Number(row.at_ms)) })
}

/**
 * `appendEvent` for many events of one tenant in one statement (the gateway's batched ingest): one
 * advisory lock, one insert (seqs in the list's order), one NOTIFY of the last seq — the spine reads a
 * tenant's events up to the seq notified, so the ones before it are delivered with it, in order.
 */
export async function appendEvents<K extends EventType>(
  tx: Queryable,
  tenantId: string,
  list: readonly { type: K; payload: EventPayloads[K]; audience: Audience | null }[],
): Promise<void> {
  if (!list.length) return
  await tx.execute(
    insertEvents(
      tenantId,
      list,
      sql`SELECT pg_notify(${EVENTS_CHANNEL}, max(seq)::text || ':' || ${tenantId}::text) FROM ins`,
    ),
  )
}

/**
 * The lock, the insert and the NOTIFY as ONE statement (issue 8 ingest budget: three round trips per
 * append were a tenth of a gateway batch's statements, and every write of the app appends). The
 * advisory lock is a FROM item every row is joined with, so it is held before the first row takes
 * its seq; the rows are inserted in the list's order (seqs ascending); `then` reads `ins` (the
 * inserted rows' seq, payload, at) and NOTIFYs. One statement text whatever the count: each column
 * one array parameter.
 */
function insertEvents(
  tenantId: string,
  list: readonly { type: string; payload: unknown; audience: Audience | null }[],
  then: SQL,
): SQL {
  return sql`WITH ins AS (
      INSERT INTO events (tenant_id, type, payload, audience)
      SELECT ${tenantId}::uuid, e.type, e.payload::jsonb, e.audience::jsonb
      FROM (SELECT pg_advisory_xact_lock(hashtext(${`events:${tenantId}`}))) AS lock,
        unnest(${sql.param(list.map((e) => e.type))}::text[],
          ${sql.param(list.map((e) => JSON.stringify(e.payload)))}::text[],
          ${sql.param(list.map((e) => (e.audience === null ? null : JSON.stringify(e.audience))))}::text[])
          WITH ORDINALITY AS e(type, payload, audience, ord)
      ORDER BY e.ord
      RETURNING seq, payload, at)
    ${then}`
}

type Row = typeof events.$inferSelect

/** Row → wire shape. */
export function toServerEvent(row: Pick<Row, 'seq' | 'type' | 'payload' | 'at'>): ServerEvent {
  return {
    kind: 'event',
    seq: Number(row.seq),
    type: row.type,
    payload: row.payload,
    at: row.at.toISOString(),
  } as ServerEvent
}

/** A tenant's events after `since`, oldest first, at most `limit`. */
export async function eventsSince(
  q: Queryable,
  tenantId: string,
  since: number,
  limit: number,
): Promise<ServerEvent[]> {
  const rows = await q
    .select()
    .from(events)
    .where(and(eq(events.tenantId, tenantId), gt(events.seq, since)))
    .orderBy(asc(events.seq))
    .limit(limit)
  return rows.map(toServerEvent)
}

/**
 * A tenant's events with `after < seq <= upTo` (no upper bound when null), oldest first, with their
 * audience: what the spine delivers and a socket's resume filters.
 */
export async function spineEvents(
  q: Queryable,
  tenantId: string,
  after: number,
  upTo: number | null,
  limit: number,
): Promise<SpineEvent[]> {
  const where = [eq(events.tenantId, tenantId), gt(events.seq, after)]
  if (upTo !== null) where.push(lte(events.seq, upTo))
  const rows = await q
    .select()
    .from(events)
    .where(and(...where))
    .orderBy(asc(events.seq))
    .limit(limit)
  return rows.map((row) => ({ tenantId: row.tenantId, event: toServerEvent(row), audience: row.audience }))
}

/** One event by seq with its tenant (for NOTIFY fan-out), or null. */
export async function eventBySeq(q: Queryable, seq: number): Promise<SpineEvent | null> {
  const [row] = await q.select().from(events).where(eq(events.seq, seq))
  return row ? { tenantId: row.tenantId, event: toServerEvent(row), audience: row.audience } : null
}

/** The tenant's last seq (0 when none). */
export async function lastSeq(q: Queryable, tenantId: string): Promise<number> {
  const [row] = await q
    .select({ m: sql<string | null>`max(${events.seq})` })
    .from(events)
    .where(eq(events.tenantId, tenantId))
  return Number(row?.m ?? 0)
}
