/**
 * Versioned migrations: `NNNN_name.sql` files applied in numeric order, each inside one transaction
 * together with its row in schema_migrations, so a half-applied migration cannot exist.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { type Db, queryRows } from './client.ts'

export interface Migration {
  version: number
  name: string
  sql: string
}

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations')

/** Reads ./migrations/NNNN_*.sql. */
export function loadMigrations(dir = DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .map((f) => ({
      version: Number(f.slice(0, 4)),
      name: f.slice(5, -4),
      sql: fs.readFileSync(path.join(dir, f), 'utf8'),
    }))
}

async function appliedVersions(db: Db): Promise<number[]> {
  await db.execScriptInTx(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  )
  const rows = await queryRows<{ version: number }>(
    db.orm,
    sql`SELECT version FROM schema_migrations ORDER BY version`,
  )
  return rows.map((r) => Number(r.version))
}

/**
 * Applies the migrations not yet applied, lowest version first; returns the versions applied now.
 * Refuses duplicate versions, and a database that has a version this code does not know (it is
 * newer than the code) — running old code against a newer schema is how data gets damaged.
 */
export async function migrate(db: Db, migrations: Migration[] = loadMigrations()): Promise<number[]> {
  const sorted = [...migrations].sort((a, b) => a.version - b.version)
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]?.version === sorted[i - 1]?.version)
      throw new Error(`duplicate migration ${sorted[i]?.version}`)
  }
  const applied = new Set(await appliedVersions(db))
  const known = new Set(sorted.map((m) => m.version))
  const unknown = [...applied].filter((v) => !known.has(v))
  if (unknown.length)
    throw new Error(`database has migrations this code does not know: ${unknown.join(', ')}`)
  const done: number[] = []
  for (const m of sorted) {
    if (applied.has(m.version)) continue
    const name = m.name.replace(/'/g, "''")
    // The advisory lock serializes instances starting at once; the primary key catches the loser.
    await db.execScriptInTx(
      `SELECT pg_advisory_xact_lock(727001);\n${m.sql}\n;INSERT INTO schema_migrations (version, name) VALUES (${m.version}, '${name}');`,
    )
    done.push(m.version)
  }
  return done
}
