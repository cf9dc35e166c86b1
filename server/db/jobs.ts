/**
 * The durable job queue's writes (table `jobs`, 0030): enqueue inside the caller's transaction (the
 * job exists exactly when the write that wants it commits), cancel, and read what is queued. The
 * worker that runs them is server/jobs/.
 */
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Queryable } from './client.ts'
import { jobs } from './schema.ts'

/** The LISTEN/NOTIFY channel that wakes the workers (payload: the job's run_at in ms, or empty). */
export const JOBS_CHANNEL = 'frontline_jobs'

export type JobRow = typeof jobs.$inferSelect

export interface NewJob {
  kind: string
  /** Dedupe key: at most one job per (kind, key), ever (see `replace`). */
  key?: string | null
  tenantId?: string | null
  payload?: Record<string, unknown>
  /** When it becomes due (default now). */
  runAt?: Date
  maxAttempts?: number
  /**
   * With a key that exists: a job not running now is queued again with this payload and time (a timer
   * re-armed, a scheduled message edited). Without it, enqueueing a key twice is a no-op.
   */
  replace?: boolean
}

/** Enqueues a job (inside a transaction it becomes visible, and wakes workers, at commit). */
export async function enqueueJob(q: Queryable, job: NewJob): Promise<JobRow | null> {
  const values = {
    kind: job.kind,
    key: job.key ?? null,
    tenantId: job.tenantId ?? null,
    payload: job.payload ?? {},
    runAt: job.runAt ?? new Date(),
    maxAttempts: job.maxAttempts ?? 10,
  }
  const insert = q.insert(jobs).values(values)
  const [row] = job.replace
    ? await insert
        .onConflictDoUpdate({
          target: [jobs.kind, jobs.key],
          targetWhere: sql`key IS NOT NULL`,
          set: {
            payload: values.payload,
            runAt: values.runAt,
            maxAttempts: values.maxAttempts,
            state: 'queued',
            attempts: 0,
            lastError: null,
            lockedUntil: null,
            doneAt: null,
          },
          setWhere: sql`${jobs.state} <> 'running'`,
        })
        .returning()
    : await insert
        .onConflictDoNothing({ target: [jobs.kind, jobs.key], where: sql`key IS NOT NULL` })
        .returning()
  if (row) await q.execute(sql`SELECT pg_notify(${JOBS_CHANNEL}, ${String(row.runAt.getTime())})`)
  return row ?? null
}

/** Cancels a queued job; false when it is running, finished or unknown (it ran, or runs now). */
export async function cancelJob(q: Queryable, kind: string, key: string): Promise<boolean> {
  const rows = await q
    .update(jobs)
    .set({ state: 'cancelled', doneAt: new Date() })
    .where(and(eq(jobs.kind, kind), eq(jobs.key, key), eq(jobs.state, 'queued')))
    .returning({ id: jobs.id })
  return rows.length > 0
}

/** A job by kind and key (any state), or null. */
export async function jobByKey(q: Queryable, kind: string, key: string): Promise<JobRow | null> {
  const [row] = await q
    .select()
    .from(jobs)
    .where(and(eq(jobs.kind, kind), eq(jobs.key, key)))
  return row ?? null
}

/** The queued or running jobs of a kind for a tenant (lists like a chat's scheduled messages). */
export async function pendingJobs(q: Queryable, tenantId: string, kind: string): Promise<JobRow[]> {
  return q
    .select()
    .from(jobs)
    .where(and(eq(jobs.tenantId, tenantId), eq(jobs.kind, kind), inArray(jobs.state, ['queued', 'running'])))
    .orderBy(jobs.runAt, jobs.id)
}
