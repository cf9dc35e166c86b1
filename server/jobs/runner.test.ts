/** Durable jobs (issue 8 §10): claimed once across workers, retried with backoff, leases recovered. */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cancelJob, type Db, enqueueJob, jobByKey, queryRows } from '../db/index.ts'
import { type TestDb, targets } from '../test/dbs.ts'
import { createJobRunner, type Job, PermanentFailure, Postpone, RetryAt } from './runner.ts'

describe.each(targets)('durable jobs on $name', (target) => {
  let t: TestDb
  let db: Db
  beforeAll(async () => {
    t = await target.open()
    db = t.db
  })
  afterAll(() => t.dispose())

  const uniq = () => crypto.randomUUID()

  it('two workers racing over 60 jobs run each exactly once', async () => {
    const kind = `race-${uniq()}`
    for (let i = 0; i < 60; i++) await enqueueJob(db.orm, { kind, key: String(i), payload: { i } })
    const ran: number[] = []
    const mk = () => {
      const r = createJobRunner(db, { concurrency: 3 })
      r.handle(kind, async (job) => {
        await new Promise((res) => setTimeout(res, 1))
        ran.push(job.payload.i as number)
      })
      return r
    }
    const a = mk()
    const b = mk()
    await Promise.all([a.drain(), b.drain(), a.drain(), b.drain()])
    expect(ran.length).toBe(60)
    expect(new Set(ran).size).toBe(60)
    const [left] = await queryRows<{ n: number }>(
      db.orm,
      sql`SELECT count(*)::int AS n FROM jobs WHERE kind = ${kind} AND state <> 'done'`,
    )
    expect(left?.n).toBe(0)
  })

  it('a key is queued once; replace re-arms a queued job; cancel stops it', async () => {
    const kind = `key-${uniq()}`
    expect(await enqueueJob(db.orm, { kind, key: 'k', payload: { v: 1 } })).not.toBeNull()
    expect(await enqueueJob(db.orm, { kind, key: 'k', payload: { v: 2 } })).toBeNull()
    const later = new Date(Date.now() + 3600_000)
    const replaced = await enqueueJob(db.orm, {
      kind,
      key: 'k',
      payload: { v: 3 },
      runAt: later,
      replace: true,
    })
    expect(replaced?.payload).toEqual({ v: 3 })
    const seen: unknown[] = []
    const r = createJobRunner(db)
    r.handle(kind, async (job) => {
      seen.push(job.payload)
    })
    await r.drain()
    expect(seen).toEqual([]) // not due
    expect(await cancelJob(db.orm, kind, 'k')).toBe(true)
    expect(await cancelJob(db.orm, kind, 'k')).toBe(false)
    expect((await jobByKey(db.orm, kind, 'k'))?.state).toBe('cancelled')
  })

  it('a failing handler is retried with backoff until it succeeds; a permanent failure stops at once', async () => {
    const kind = `retry-${uniq()}`
    await enqueueJob(db.orm, { kind, key: 'a' })
    await enqueueJob(db.orm, { kind, key: 'p' })
    let calls = 0
    const r = createJobRunner(db, { backoffMs: () => 0 })
    r.handle(kind, async (job) => {
      if (job.key === 'p') throw new PermanentFailure('no such chat')
      calls++
      if (calls < 3) throw new Error(`HTTP 500 (${calls})`)
    })
    for (let i = 0; i < 5; i++) await r.drain()
    expect(calls).toBe(3)
    const a = await jobByKey(db.orm, kind, 'a')
    expect(a?.state).toBe('done')
    expect(a?.attempts).toBe(3)
    const p = await jobByKey(db.orm, kind, 'p')
    expect(p?.state).toBe('failed')
    expect(p?.lastError).toBe('no such chat')
  })

  it('RetryAt puts the job back at the given time; max attempts ends it as failed', async () => {
    const kind = `at-${uniq()}`
    await enqueueJob(db.orm, { kind, key: 'x', maxAttempts: 2 })
    await enqueueJob(db.orm, { kind, key: 'y' })
    const at = new Date(Date.now() + 60_000)
    const r = createJobRunner(db, { backoffMs: () => 0 })
    r.handle(kind, async (job) => {
      if (job.key === 'y') throw new RetryAt(at, 'Retry-After: 60')
      throw new Error('down')
    })
    for (let i = 0; i < 3; i++) await r.drain()
    expect((await jobByKey(db.orm, kind, 'x'))?.state).toBe('failed')
    const y = await jobByKey(db.orm, kind, 'y')
    expect(y?.state).toBe('queued')
    expect(y?.runAt.getTime()).toBe(at.getTime())
  })

  it('Postpone (a suspended company, probe 10 #4) puts the job back without spending an attempt', async () => {
    const kind = `postpone-${uniq()}`
    await enqueueJob(db.orm, { kind, key: 'p', maxAttempts: 1 })
    const r = createJobRunner(db, { backoffMs: () => 0 })
    let postponed = 0
    r.handle(kind, async () => {
      if (postponed < 3) {
        postponed++
        throw new Postpone(new Date(Date.now() - 1), 'tenant suspended')
      }
    })
    for (let i = 0; i < 5; i++) await r.drain()
    expect(postponed).toBe(3)
    const p = await jobByKey(db.orm, kind, 'p')
    expect(p?.state).toBe('done')
  })

  it('a job whose worker died (lease ran out) is claimed again; the dead claim cannot record an outcome', async () => {
    const kind = `lease-${uniq()}`
    await enqueueJob(db.orm, { kind, key: 'z' })
    // Worker A claims and "dies": its handler never finishes.
    const a = createJobRunner(db, { leaseMs: 1 })
    let release: () => void = () => {}
    const stuck = new Promise<void>((res) => {
      release = res
    })
    const firstClaims: Job[] = []
    a.handle(kind, async (job) => {
      firstClaims.push(job)
      await stuck
      throw new Error('late failure of a dead claim')
    })
    const aRun = a.drain()
    await expect.poll(() => firstClaims.length).toBe(1)
    await new Promise((res) => setTimeout(res, 20))
    const b = createJobRunner(db)
    const runs: number[] = []
    b.handle(kind, async (job) => {
      runs.push(job.attempts)
    })
    await b.drain()
    expect(runs).toEqual([2])
    release()
    await aRun
    const z = await jobByKey(db.orm, kind, 'z')
    expect(z?.state).toBe('done')
  })

  it('a started worker is woken by NOTIFY when a job is enqueued and runs it', async () => {
    const kind = `wake-${uniq()}`
    const r = createJobRunner(db, { pollMs: 60_000 })
    const done = new Promise<Job>((res) => r.handle(kind, async (job) => res(job)))
    await r.start()
    await db.orm.transaction(async (tx) => {
      await enqueueJob(tx, { kind, key: 'n', payload: { hello: 'world' } })
    })
    expect((await done).payload).toEqual({ hello: 'world' })
    await r.stop()
  })

  it('a job enqueued for later runs when its time comes (the worker arms a timer, not a poll)', async () => {
    const kind = `timer-${uniq()}`
    const r = createJobRunner(db, { pollMs: 60_000 })
    const done = new Promise<Job>((res) => r.handle(kind, async (job) => res(job)))
    await r.start()
    // Another kind's job due long before (no handler here) must neither wake this worker in a loop nor hide this one.
    await enqueueJob(db.orm, { kind: `unhandled-${uniq()}`, key: 'u' })
    await enqueueJob(db.orm, { kind, key: 't', runAt: new Date(Date.now() + 300) })
    expect((await done).key).toBe('t')
    await r.stop()
  })
})
