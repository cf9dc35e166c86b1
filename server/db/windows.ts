/**
 * Rate counters whose window starts at a key's first hit (the login throttle, the guest limits). A
 * row per key holds its count and when its window began; a hit after the window is over starts a new
 * one at that hit. Unlike windows aligned to the clock, a burst that straddles a clock edge cannot
 * get twice the limit, and a test never waits out an edge. Each hit is one statement (an upsert
 * returning the new counts), so parallel hits cannot slip between a read and a write; the table is
 * shared by every instance on the database.
 */
import { type SQL, sql } from 'drizzle-orm'
import { type Queryable, queryRows } from './client.ts'

/** Tables shaped `(key text PRIMARY KEY, count integer, window_start timestamptz)`. */
export type CounterTable = 'login_attempts' | 'guest_rate_hits'

/** A key's count after the hit, and the start of the window it was counted in. */
export interface Counted {
  key: string
  count: number
  windowStart: string
}

/** `at`, or the database's clock. */
const instant = (at?: Date): SQL => (at ? sql`${at.toISOString()}::timestamptz` : sql`now()`)

/** Counts one hit of each of `keys` in its window of `windowSec`; `at` defaults to the database's now(). */
export async function countHits(
  q: Queryable,
  table: CounterTable,
  keys: readonly string[],
  windowSec: number,
  at?: Date,
): Promise<Counted[]> {
  const t = sql.raw(table)
  const now = instant(at)
  const fresh = sql`${t}.window_start > excluded.window_start - make_interval(secs => ${windowSec})`
  const rows = await queryRows<{ key: string; count: number; ws: string }>(
    q,
    sql`INSERT INTO ${t} (key, count, window_start)
        VALUES ${sql.join(
          keys.map((k) => sql`(${k}, 1, ${now})`),
          sql`, `,
        )}
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN ${fresh} THEN ${t}.count + 1 ELSE 1 END,
          window_start = CASE WHEN ${fresh} THEN ${t}.window_start ELSE excluded.window_start END
        RETURNING key, count, window_start::text AS ws`,
  )
  return rows.map((r) => ({ key: r.key, count: Number(r.count), windowStart: r.ws }))
}

/** Deletes the rows whose window began more than `windowSec` before `at` (default now()). */
export async function dropExpired(
  q: Queryable,
  table: CounterTable,
  windowSec: number,
  at?: Date,
): Promise<void> {
  await q.execute(
    sql`DELETE FROM ${sql.raw(table)} WHERE window_start < ${instant(at)} - make_interval(secs => ${windowSec})`,
  )
}
