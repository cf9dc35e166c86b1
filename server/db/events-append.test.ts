/**
 * Appending events (issue 8 ingest budget): the per-tenant lock, the insert and the NOTIFY are one
 * statement, one or many events; the events come back as written, in the list's order, and a tenant's
 * appends still commit in seq order (the second waits for the first's lock, on PostgreSQL).
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTenant } from '../domain/tenants/index.ts'
import { type TestDb, targets } from '../test/dbs.ts'
import { appendEvent, appendEvents, type Db, eventsSince, lastSeq, type Queryable } from './index.ts'

const status = (s: string) => ({ employeeId: 'e', status: s, online: true, at: '' })

/** The statements issued through `q` (every query builder and execute goes through one of these). */
function counting(q: Queryable) {
  const n = { statements: 0 }
  const proxy = new Proxy(q, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver)
      if (typeof v !== 'function') return v
      if (['execute', 'select', 'insert', 'update', 'delete'].includes(String(prop))) n.statements++
      return v.bind(target)
    },
  })
  return { q: proxy as Queryable, n }
}

describe.each(targets)('appending events on $name', (target) => {
  let t: TestDb
  let db: Db
  let tenant = ''
  beforeAll(async () => {
    t = await target.open()
    db = t.db
    tenant = await createTenant(db.orm, {
      name: 'append',
      slug: 'append',
      sipDomain: 'append.test',
      seats: 1,
      features: { softphone: false, omni: false },
    })
  })
  afterAll(() => t.dispose())

  it('one event: one statement; it comes back as stored (seq, payload, time)', async () => {
    const odd = { employeeId: `e'"\\{}`, status: 'ёжик 😀', online: true, at: '' }
    const c = { n: { statements: 0 } }
    const ev = await db.orm.transaction(async (tx) => {
      const w = counting(tx)
      c.n = w.n
      return appendEvent(w.q, tenant, 'status.changed', odd, { employeeIds: ['a'] })
    })
    expect(c.n.statements).toBe(1)
    const [back] = await eventsSince(db.orm, tenant, ev.seq - 1, 1)
    expect(back).toEqual(ev)
    expect(ev.payload).toEqual(odd)
    expect(Math.abs(Date.parse(ev.at) - Date.now())).toBeLessThan(3600_000)
  })

  it('many events: one statement; seqs in the list order, audiences kept', async () => {
    const before = await lastSeq(db.orm, tenant)
    const c = { n: { statements: 0 } }
    await db.orm.transaction(async (tx) => {
      const w = counting(tx)
      c.n = w.n
      await appendEvents(
        w.q,
        tenant,
        ['a', 'b', 'c', 'd'].map((s, i) => ({
          type: 'status.changed' as const,
          payload: status(s),
          audience: i % 2 ? { employeeIds: [s] } : null,
        })),
      )
    })
    expect(c.n.statements).toBe(1)
    const got = await eventsSince(db.orm, tenant, before, 10)
    expect(got.map((e) => (e.payload as { status: string }).status)).toEqual(['a', 'b', 'c', 'd'])
    expect(got.map((e) => e.seq)).toEqual([...got.map((e) => e.seq)].sort((x, y) => x - y))
  })

  it.runIf(target.name === 'postgres')(
    "a second append waits on the first's lock until it commits: the tenant's events commit in seq order",
    async () => {
      let release: () => void = () => {}
      const held = new Promise<void>((r) => {
        release = r
      })
      let appended: () => void = () => {}
      const firstIn = new Promise<void>((r) => {
        appended = r
      })
      const first = db.orm.transaction(async (tx) => {
        const ev = await appendEvent(tx, tenant, 'status.changed', status('first'))
        appended()
        await held
        return ev
      })
      await firstIn
      let secondDone = false
      const second = db.orm
        .transaction((tx) => appendEvent(tx, tenant, 'status.changed', status('second')))
        .finally(() => {
          secondDone = true
        })
      // The second append is seen waiting for the advisory lock the first holds.
      for (let i = 0; ; i++) {
        const r = (await db.orm.execute(
          sql`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
        )) as unknown as { rows: { n: number }[] }
        if (r.rows[0]?.n === 1) break
        if (i > 500 || secondDone) throw new Error('the second append did not wait for the lock')
        await new Promise((ok) => setTimeout(ok, 10))
      }
      expect(secondDone).toBe(false)
      release()
      const ev1 = await first
      const ev2 = await second
      expect(ev2.seq).toBeGreaterThan(ev1.seq)
    },
  )
})
