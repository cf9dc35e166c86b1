import { sql } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { type TestDb, targets } from '../test/dbs.ts'
import { queryRows } from './client.ts'
import { loadMigrations, type Migration, migrate } from './migrate.ts'

const m1: Migration = { version: 1, name: 'a', sql: 'CREATE TABLE t_a (id int PRIMARY KEY);' }
const m2: Migration = { version: 2, name: 'b', sql: 'ALTER TABLE t_a ADD COLUMN note text;' }

/** A test on an unmigrated database pays a fresh initdb: seconds on a quiet machine, tens on a loaded one. */
const INITDB_MS = 90_000

describe.each(targets)('migrations on $name', (target) => {
  let t: TestDb | undefined
  afterEach(async () => {
    await t?.dispose()
    t = undefined
  })

  it(
    'applies the real migrations to an empty database, and a second run is a no-op',
    async () => {
      t = await target.open({ migrated: false })
      const first = await migrate(t.db)
      expect(first).toEqual(
        loadMigrations()
          .map((m) => m.version)
          .sort((a, b) => a - b),
      )
      expect(await migrate(t.db)).toEqual([])
      const rows = await queryRows<{ n: number }>(
        t.db.orm,
        sql`SELECT count(*)::int AS n FROM schema_migrations`,
      )
      expect(rows[0]?.n).toBe(first.length)
      // A first initdb of an empty PGlite takes several seconds and ~800 MB; on a loaded machine, tens.
    },
    INITDB_MS,
  )

  it(
    'applies in version order whatever order they are given in (2 depends on 1)',
    async () => {
      t = await target.open({ migrated: false })
      expect(await migrate(t.db, [m2, m1])).toEqual([1, 2])
      await t.db.orm.execute(sql`INSERT INTO t_a (id, note) VALUES (1, 'x')`)
    },
    INITDB_MS,
  )

  it(
    'a failing migration leaves nothing behind (one transaction each)',
    async () => {
      t = await target.open({ migrated: false })
      const bad: Migration = {
        version: 2,
        name: 'bad',
        sql: 'CREATE TABLE t_b (id int); SELECT * FROM no_such_table;',
      }
      await expect(migrate(t.db, [m1, bad])).rejects.toThrow()
      const r = await queryRows<{ v: number }>(t.db.orm, sql`SELECT version AS v FROM schema_migrations`)
      expect(r.map((x) => x.v)).toEqual([1])
      const b = await queryRows<{ r: unknown }>(t.db.orm, sql`SELECT to_regclass('t_b') AS r`)
      expect(b[0]?.r).toBeNull()
    },
    INITDB_MS,
  )

  it(
    'refuses a database that is newer than the code',
    async () => {
      t = await target.open({ migrated: false })
      await migrate(t.db, [m1, m2])
      await expect(migrate(t.db, [m1])).rejects.toThrow(/does not know: 2/)
    },
    INITDB_MS,
  )
})
