/**
 * One database interface over two drivers: PGlite (embedded, DATA_DIR/pg) by default and
 * node-postgres when DATABASE_URL is set. Both go through the same drizzle schema.
 */
import fs from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import type { SQL } from 'drizzle-orm'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import pg from 'pg'
import * as schema from './schema.ts'

export type Orm = PgDatabase<PgQueryResultHKT, typeof schema>
/** A drizzle transaction handle (same query API as Orm). */
export type Tx = Parameters<Parameters<Orm['transaction']>[0]>[0]
/** Anything that runs queries: the database or an open transaction. */
export type Queryable = Orm | Tx

export interface Db {
  kind: 'pglite' | 'postgres'
  orm: Orm
  /** Runs a multi-statement SQL script inside one transaction (migrations). */
  execScriptInTx(script: string): Promise<void>
  /** LISTEN on a channel; resolves to an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>
  close(): Promise<void>
}

/** Opens PGlite in `dir` (created if missing). */
export async function openPglite(dir: string): Promise<Db> {
  fs.mkdirSync(path.dirname(dir), { recursive: true })
  const client = await PGlite.create(dir)
  const orm = drizzlePglite({ client, schema }) as unknown as Orm
  return {
    kind: 'pglite',
    orm,
    async execScriptInTx(script) {
      await client.transaction(async (tx) => {
        await tx.exec(script)
      })
    },
    listen: (channel, fn) => client.listen(channel, fn),
    close: () => client.close(),
  }
}

/** Connects to PostgreSQL at `url` (a pool for queries, one dedicated client per LISTEN). */
export async function openPostgres(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  // A pool error (server gone) must not crash the process; queries will fail and be reported.
  pool.on('error', () => {})
  await pool.query('SELECT 1')
  const orm = drizzlePg({ client: pool, schema }) as unknown as Orm
  const listeners = new Set<pg.Client>()
  return {
    kind: 'postgres',
    orm,
    async execScriptInTx(script) {
      const c = await pool.connect()
      try {
        await c.query('BEGIN')
        await c.query(script)
        await c.query('COMMIT')
      } catch (e) {
        await c.query('ROLLBACK').catch(() => {})
        throw e
      } finally {
        c.release()
      }
    },
    async listen(channel, fn) {
      if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`)
      const c = new pg.Client({ connectionString: url })
      c.on('error', () => {})
      await c.connect()
      c.on('notification', (n) => {
        if (n.channel === channel && n.payload !== undefined) fn(n.payload)
      })
      await c.query(`LISTEN ${channel}`)
      listeners.add(c)
      return async () => {
        listeners.delete(c)
        await c.end().catch(() => {})
      }
    },
    async close() {
      await Promise.all([...listeners].map((c) => c.end().catch(() => {})))
      await pool.end()
    },
  }
}

/** Runs raw SQL and returns its rows (both drivers answer `{ rows }`). */
export async function queryRows<T>(q: Queryable, query: SQL): Promise<T[]> {
  const res = (await q.execute(query)) as unknown as { rows: T[] }
  return res.rows
}
