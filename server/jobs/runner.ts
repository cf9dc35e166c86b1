/**
 * The durable job worker (issue 8 §10): claims due jobs with `FOR UPDATE SKIP LOCKED` under a lease,
 * runs each kind's handler, and records the outcome. Woken by LISTEN/NOTIFY when a job is enqueued
 * (server/db/jobs.ts) and by a timer for the next due job, with a short poll as the safety net for a
 * NOTIFY lost on the way. Every instance runs one; two never hold one job at once.
 *
 * Delivery is at least once: a worker that dies (or stalls past the lease) mid-job leaves the lease
 * to run out and the job is claimed again, so a handler must be idempotent (a delivery keyed by its
 * message id, a CRM POST carrying its delivery id, a timer that re-checks the state it acts on).
 */
import { and, eq, lt, sql } from 'drizzle-orm'
import { type Db, JOBS_CHANNEL, type JobRow, queryRows, schema } from '../db/index.ts'

const { jobs } = schema

/** What a handler gets: the claimed row (attempts counts this one). */
export type Job = Pick<
  JobRow,
  'id' | 'tenantId' | 'kind' | 'key' | 'payload' | 'attempts' | 'maxAttempts' | 'runAt'
>

/** Throw from a handler to retry at a given time (a provider's Retry-After) instead of the backoff. */
export class RetryAt extends Error {
  constructor(
    readonly at: Date,
    reason: string,
  ) {
    super(reason)
  }
}

/**
 * Throw from a handler to wait without spending an attempt: the job cannot run yet for a reason that
 * is no fault of its own (its company is suspended, probe 10 #4) and must not end `failed` meanwhile.
 */
export class Postpone extends RetryAt {}

/** Throw from a handler for a failure no retry can mend (the job ends `failed` at once). */
export class PermanentFailure extends Error {}

export type JobHandler = (job: Job) => Promise<void>

/** The shortest sleep between looks when a due job is held by another worker. */
const MIN_PAUSE_MS = 50

export interface JobRunnerOptions {
  /** Jobs run at once by this worker (default 4). */
  concurrency?: number
  /** How long a claim holds before another worker may take the job again (default 60 s). */
  leaseMs?: number
  /** The safety-net poll (default 5 s). */
  pollMs?: number
  /** Delay before retry N (1-based): default 2 s · 2^(N-1), capped at 10 min, ±20 %. */
  backoffMs?: (attempt: number) => number
  /** Finished jobs are deleted after this long (default 7 days). */
  keepMs?: number
  onError?: (job: Job, e: unknown) => void
}

export const defaultBackoff = (attempt: number) => {
  const base = Math.min(2000 * 2 ** (attempt - 1), 10 * 60_000)
  return Math.round(base * (0.8 + Math.random() * 0.4))
}

export interface JobRunner {
  /** Registers a kind's handler (before or after start). */
  handle(kind: string, handler: JobHandler): void
  start(): Promise<void>
  /** Claims and runs what is due now (tests; the loop does this on its own). Resolves when idle. */
  drain(): Promise<void>
  /** No claim after this; resolves when the jobs in flight have finished. */
  stop(): Promise<void>
}

export function createJobRunner(db: Db, opts: JobRunnerOptions = {}): JobRunner {
  const concurrency = opts.concurrency ?? 4
  const leaseMs = opts.leaseMs ?? 60_000
  const pollMs = opts.pollMs ?? 5000
  const backoff = opts.backoffMs ?? defaultBackoff
  const keepMs = opts.keepMs ?? 7 * 24 * 3600_000
  const handlers = new Map<string, JobHandler>()
  const inFlight = new Set<Promise<void>>()
  let stopped = false
  let started = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let unlisten: (() => Promise<void>) | null = null
  let pumping: Promise<void> | null = null
  let again = false
  let lastPurge = 0

  const claim = async (n: number): Promise<Job[]> => {
    const kinds = [...handlers.keys()]
    if (!kinds.length || n <= 0) return []
    const until = new Date(Date.now() + leaseMs)
    // Due and queued, or running under a lease that ran out (its worker died or stalled).
    return (
      await queryRows<Record<string, unknown>>(
        db.orm,
        sql`UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = ${until}
            WHERE id IN (
              SELECT id FROM jobs
              WHERE kind IN (${sql.join(
                kinds.map((k) => sql`${k}`),
                sql`, `,
              )})
                AND ((state = 'queued' AND run_at <= now()) OR (state = 'running' AND locked_until < now()))
              ORDER BY run_at, id
              LIMIT ${n}
              FOR UPDATE SKIP LOCKED)
            RETURNING id, tenant_id, kind, key, payload, attempts, max_attempts, run_at`,
      )
    ).map((r) => ({
      id: Number(r.id),
      tenantId: (r.tenant_id as string | null) ?? null,
      kind: r.kind as string,
      key: (r.key as string | null) ?? null,
      payload: r.payload as Record<string, unknown>,
      attempts: Number(r.attempts),
      maxAttempts: Number(r.max_attempts),
      runAt: new Date(r.run_at as string),
    }))
  }

  /** Records the outcome, only while this claim still holds (attempts unchanged, still running). */
  const finish = async (job: Job, e: unknown) => {
    const mine = and(eq(jobs.id, job.id), eq(jobs.attempts, job.attempts), eq(jobs.state, 'running'))
    if (e === null) {
      await db.orm.update(jobs).set({ state: 'done', doneAt: new Date(), lockedUntil: null }).where(mine)
      return
    }
    const reason = (e instanceof Error ? e.message : String(e)).slice(0, 1000)
    if (e instanceof Postpone) {
      await db.orm
        .update(jobs)
        .set({
          state: 'queued',
          runAt: e.at,
          lockedUntil: null,
          lastError: reason,
          attempts: job.attempts - 1,
        })
        .where(mine)
      return
    }
    const last = e instanceof PermanentFailure || job.attempts >= job.maxAttempts
    if (last) {
      await db.orm
        .update(jobs)
        .set({ state: 'failed', doneAt: new Date(), lockedUntil: null, lastError: reason })
        .where(mine)
      return
    }
    const at = e instanceof RetryAt ? e.at : new Date(Date.now() + backoff(job.attempts))
    await db.orm
      .update(jobs)
      .set({ state: 'queued', runAt: at, lockedUntil: null, lastError: reason })
      .where(mine)
  }

  const run = async (job: Job) => {
    const handler = handlers.get(job.kind)
    let outcome: unknown = null
    try {
      if (!handler) throw new Error(`no handler for ${job.kind}`)
      await handler(job)
    } catch (e) {
      outcome = e ?? new Error('handler threw nothing')
      opts.onError?.(job, e)
    }
    await finish(job, outcome).catch((e) => opts.onError?.(job, e))
  }

  const purge = async () => {
    if (Date.now() - lastPurge < 3600_000) return
    lastPurge = Date.now()
    await db.orm
      .delete(jobs)
      .where(
        and(
          sql`${jobs.state} IN ('done', 'failed', 'cancelled')`,
          lt(jobs.doneAt, new Date(Date.now() - keepMs)),
        ),
      )
  }

  /** Claims while there is room and work; then arms the timer for the next due job. */
  const pump = async (): Promise<void> => {
    do {
      again = false
      while (!stopped) {
        const room = concurrency - inFlight.size
        if (room <= 0) break
        const claimed = await claim(room)
        if (!claimed.length) break
        for (const job of claimed) {
          const p = run(job).finally(() => {
            inFlight.delete(p)
            if (!stopped) wake()
          })
          inFlight.add(p)
        }
      }
    } while (again && !stopped)
    await purge().catch(() => undefined)
    await arm()
  }

  /**
   * Sleeps until the next job of a kind this worker runs falls due (or a lease it could retake runs
   * out), at most `pollMs`. A due job it could not claim (another worker holds it) is looked at again
   * after a short pause, never in a tight loop.
   */
  const arm = async () => {
    if (stopped) return
    clearTimeout(timer)
    let delay = pollMs
    const kinds = [...handlers.keys()]
    if (kinds.length) {
      const list = sql.join(
        kinds.map((k) => sql`${k}`),
        sql`, `,
      )
      const [next] = await queryRows<{ ms: number | string | null }>(
        db.orm,
        sql`SELECT (extract(epoch FROM min(t) - now()) * 1000)::float8 AS ms FROM (
              SELECT min(run_at) AS t FROM jobs WHERE state = 'queued' AND kind IN (${list})
              UNION ALL
              SELECT min(locked_until) FROM jobs WHERE state = 'running' AND kind IN (${list})) due`,
      ).catch(() => [{ ms: null }])
      if (next?.ms !== null && next?.ms !== undefined)
        delay = Math.min(pollMs, Math.max(MIN_PAUSE_MS, Number(next.ms) + 5))
    }
    timer = setTimeout(wake, delay)
    timer.unref()
  }

  const wake = () => {
    if (stopped) return
    if (pumping) {
      again = true
      return
    }
    pumping = pump()
      .catch(() => undefined)
      .finally(() => {
        pumping = null
        if (again && !stopped) wake()
      })
  }

  return {
    handle(kind, handler) {
      handlers.set(kind, handler)
      if (started) wake()
    },
    async start() {
      if (started) return
      started = true
      unlisten = await db.listen(JOBS_CHANNEL, () => wake())
      wake()
    },
    async drain() {
      for (;;) {
        if (pumping) await pumping
        const claimed = await claim(concurrency)
        // A pump woken while we claimed may hold a job it has not put in flight yet: wait for it.
        if (!claimed.length && !inFlight.size && !pumping) return
        await Promise.all([...claimed.map(run), ...inFlight])
      }
    },
    async stop() {
      stopped = true
      clearTimeout(timer)
      await unlisten?.().catch(() => undefined)
      if (pumping) await pumping
      await Promise.all([...inFlight])
    },
  }
}
