/**
 * Test databases: every data-layer suite runs on PGlite (a copy of the migrated template) and,
 * when TEST_DATABASE_URL is set (scripts/with-postgres.mjs), on a fresh PostgreSQL database.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { inject } from 'vitest'
import { type Db, openPglite, openPostgres } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'

export interface TestDb {
  db: Db
  dispose(): Promise<void>
}

export interface Target {
  name: 'pglite' | 'postgres'
  /** A migrated, empty database of its own. */
  open(opts?: { migrated?: boolean }): Promise<TestDb>
}

async function pglite(opts?: { migrated?: boolean }): Promise<TestDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-pg-'))
  if (opts?.migrated !== false) fs.cpSync(inject('pgTemplate'), path.join(dir, 'pg'), { recursive: true })
  const db = await openPglite(path.join(dir, 'pg'))
  return {
    db,
    async dispose() {
      await db.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function postgres(baseUrl: string, opts?: { migrated?: boolean }): Promise<TestDb> {
  const name = `t_${crypto.randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  const db = await openPostgres(url.toString())
  if (opts?.migrated !== false) await migrate(db)
  return {
    db,
    async dispose() {
      await db.close()
      const a = new pg.Client({ connectionString: baseUrl })
      await a.connect()
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await a.end()
    },
  }
}

const pgUrl = process.env.TEST_DATABASE_URL

/** The databases every data-layer test runs against. */
export const targets: Target[] = [
  { name: 'pglite', open: pglite },
  ...(pgUrl ? [{ name: 'postgres' as const, open: (o?: { migrated?: boolean }) => postgres(pgUrl, o) }] : []),
]
