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

  it('a batch kind: due jobs claimed and run together, each once across two racing workers; a job that failed is retried alone', async () => {
    const kind = `batch-${uniq()}`
    for (let i = 0; i < 30; i++) await enqueueJob(db.orm, { kind, key: String(i), payload: { i } })
    const calls: number[][] = []
    const failedOnce = new Set<number>()
    const mk = () => {
      const r = createJobRunner(db, { backoffMs: () => 0 })
      r.handleBatch(
        kind,
        async (list) => {
          calls.push(list.map((j) => j.payload.i as number))
          return list.map((j) => {
            const i = j.payload.i as number
            if (i === 7 && !failedOnce.has(i)) {
              failedOnce.add(i)
              return new Error('send failed')
            }
            return null
          })
        },
        { size: 8 },
      )
      return r
    }
    const a = mk()
    const b = mk()
    for (let k = 0; k < 3; k++) await Promise.all([a.drain(), b.drain()])
    const ran = calls.flat()
    // 30 once each, and 7 once more (its first run failed).
    expect(ran.length).toBe(31)
    expect(new Set(ran).size).toBe(30)
    expect(ran.filter((i) => i === 7).length).toBe(2)
    // Batched: no call bigger than the size, and fewer calls than jobs.
    expect(Math.max(...calls.map((c) => c.length))).toBeLessThanOrEqual(8)
    expect(calls.length).toBeLessThan(10)
    const [left] = await queryRows<{ n: number }>(
      db.orm,
      sql`SELECT count(*)::int AS n FROM jobs WHERE kind = ${kind} AND state <> 'done'`,
    )
    expect(left?.n).toBe(0)
    expect((await jobByKey(db.orm, kind, '7'))?.attempts).toBe(2)
    expect((await jobByKey(db.orm, kind, '8'))?.attempts).toBe(1)
  })

  it('a batch handler that throws fails each of its jobs alone (a permanent failure ends them)', async () => {
    const kind = `batch-throw-${uniq()}`
    await enqueueJob(db.orm, { kind, key: 'a' })
    await enqueueJob(db.orm, { kind, key: 'b' })
    const r = createJobRunner(db, { backoffMs: () => 0 })
    let calls = 0
    r.handleBatch(kind, async () => {
      calls++
      throw new PermanentFailure('no such tenant')
    })
    await r.drain()
    await r.drain()
    expect(calls).toBe(1)
    expect((await jobByKey(db.orm, kind, 'a'))?.state).toBe('failed')
    expect((await jobByKey(db.orm, kind, 'b'))?.lastError).toBe('no such tenant')
  })

  it('a started worker runs a batch kind woken by NOTIFY, beside single jobs', async () => {
    const kind = `batch-wake-${uniq()}`
    const single = `single-${uniq()}`
    const r = createJobRunner(db, { pollMs: 60_000 })
    const got: string[] = []
    let settle: () => void = () => {}
    const both = new Promise<void>((res) => {
      settle = res
    })
    const seen = (k: string) => {
      got.push(k)
      if (got.length === 3) settle()
    }
    r.handleBatch(kind, async (list) => list.map((j) => seen(j.key as string) ?? null))
    r.handle(single, async (j) => seen(j.key as string))
    await r.start()
    await db.orm.transaction(async (tx) => {
      await enqueueJob(tx, { kind, key: 'b1' })
      await enqueueJob(tx, { kind, key: 'b2' })
      await enqueueJob(tx, { kind: single, key: 's1' })
    })
    await both
    expect(got.sort()).toEqual(['b1', 'b2', 's1'])
    await r.stop()
  })

  it('jobs queued one after another (a burst of pushes) are claimed together: NOTIFYs within notifyGatherMs make one wake', async () => {
    const kind = `gather-${uniq()}`
    const r = createJobRunner(db, { pollMs: 60_000, notifyGatherMs: 1000 })
    const calls: string[][] = []
    let settle: () => void = () => {}
    const all = new Promise<void>((res) => {
      settle = res
    })
    r.handleBatch(kind, async (list) => {
      calls.push(list.map((j) => j.key as string))
      if (calls.flat().length === 5) settle()
      return list.map(() => null)
    })
    await r.start()
    // Let start's own first look finish (it would take a job queued meanwhile at once).
    await new Promise((res) => setTimeout(res, 300))
    // 30 ms apart: each would be claimed alone by a worker that wakes at once.
    for (let i = 0; i < 5; i++) {
      await enqueueJob(db.orm, { kind, key: `g${i}` })
      await new Promise((res) => setTimeout(res, 30))
    }
    await all
    expect(calls).toEqual([['g0', 'g1', 'g2', 'g3', 'g4']])
    await r.stop()
  })
})
