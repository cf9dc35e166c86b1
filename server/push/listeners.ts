/**
 * The pushes the event spine causes (SPEC N1). Every instance's spine sees every event; the listener
 * only records what to push as a durable job keyed by what it is about (PUSH_EVENT_JOB, key
 * `chat:<id>:<waitingSince>`, `lead:<id>`, …) — one job per key ever, so two instances, a replayed
 * event or a chat's second message never push twice — and the job finds the recipients and sends.
 */
import { and, eq, isNull } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import type { StatusMatrix } from '../../contract/status.ts'
import { type Db, enqueueJob, eventsBySeqs, type Queryable, schema } from '../db/index.ts'
import { getMatrix } from '../domain/status/index.ts'
import type { AppDeps } from '../http/context.ts'
import type { Job } from '../jobs/index.ts'
import { admitChatPush, PUSH_CHATS_JOB, pushFoldedChats } from './coalesce.ts'
import { recentKeys } from './recent-keys.ts'
import { type PushDeps, sendPush } from './send.ts'
import { type Candidate, deliveryOf, type Plan, payloadOf, planOf, recipients } from './targets.ts'

export const PUSH_EVENT_JOB = 'push.event'

/** The tenant's active employees with their groups (a tenant has tens, at most a few hundred). */
async function candidates(q: Queryable, tenantId: string): Promise<Candidate[]> {
  const { employees, groupMembers } = schema
  const people = await q
    .select({
      id: employees.id,
      status: employees.status,
      extension: employees.extension,
      acceptButton: employees.acceptButton,
    })
    .from(employees)
    .where(and(eq(employees.tenantId, tenantId), isNull(employees.deactivatedAt)))
  const members = await q
    .select({ employeeId: groupMembers.employeeId, groupId: groupMembers.groupId })
    .from(groupMembers)
    .where(and(eq(groupMembers.tenantId, tenantId)))
  const groups = new Map<string, string[]>()
  for (const m of members) groups.set(m.employeeId, [...(groups.get(m.employeeId) ?? []), m.groupId])
  return people.map((p) => ({ ...p, groupIds: groups.get(p.id) ?? [] }))
}

/** Who may be pushed to in a tenant: its employees and its status matrix (read once per batch of jobs). */
export interface PushAudience {
  people: Candidate[]
  matrix: StatusMatrix
}

async function audienceOf(q: Queryable, tenantId: string): Promise<PushAudience> {
  return { people: await candidates(q, tenantId), matrix: await getMatrix(q, tenantId) }
}

/**
 * Sends a plan's pushes: one sendPush per distinct payload (chats differ by the Accept button).
 * `audience`: the tenant's employees and matrix when the caller has read them already.
 */
export async function pushPlan(
  deps: PushDeps & { db: Db },
  tenantId: string,
  seq: number,
  plan: Plan,
  audience?: PushAudience,
) {
  const q = deps.db.orm
  const { people, matrix } = audience ?? (await audienceOf(q, tenantId))
  let to = recipients(plan, people, matrix)
  const opts = deliveryOf(plan)
  if (!to.length || opts.ttl <= 0) return
  if (plan.kind === 'chat') {
    // One chat push per operator per window; the rest fold into "N new chats" (coalesce.ts).
    const admitted = await admitChatPush(
      q,
      tenantId,
      to.map((p) => p.id),
      seq,
    )
    to = to.filter((p) => admitted.has(p.id))
    if (!to.length) return
  }
  const byButton = [true, false].map((b) => to.filter((p) => p.acceptButton === b))
  await Promise.all(
    byButton
      .filter((list) => list.length)
      .map((list) =>
        sendPush(
          deps,
          tenantId,
          list.map((p) => p.id),
          payloadOf(plan, seq, list[0] as Candidate),
          opts,
        ),
      ),
  )
}

/** Push jobs run per batch at most (a batch's pushes go four at a time, as four single jobs did). */
const PUSH_BATCH = 100

/** Runs a batch of push.event jobs: per job, null (done) or what it threw (retried alone). */
export async function pushEventJobs(
  deps: PushDeps & { db: Db },
  jobs: readonly Pick<Job, 'tenantId' | 'payload'>[],
): Promise<unknown[]> {
  const q = deps.db.orm
  const found = await eventsBySeqs(
    q,
    jobs.map((j) => Number(j.payload.seq)).filter((n) => Number.isSafeInteger(n)),
  )
  const audiences = new Map<string, Promise<PushAudience>>()
  const outcomes: unknown[] = jobs.map(() => null)
  let next = 0
  const one = async (i: number) => {
    const job = jobs[i] as (typeof jobs)[number]
    const ev = found.get(Number(job.payload.seq))
    if (!ev || ev.tenantId !== job.tenantId) return
    const planned = planOf(ev.event)
    if (!planned) return
    let audience = audiences.get(ev.tenantId)
    if (!audience) {
      audience = audienceOf(q, ev.tenantId)
      audiences.set(ev.tenantId, audience)
    }
    await pushPlan(deps, ev.tenantId, ev.event.seq, planned.plan, await audience)
  }
  await Promise.all(
    Array.from({ length: Math.min(4, jobs.length) }, async () => {
      for (let i = next++; i < jobs.length; i = next++)
        try {
          await one(i)
        } catch (e) {
          outcomes[i] = e ?? new Error('push failed')
        }
    }),
  )
  return outcomes
}

/** Wires the listener and its job. */
export function pushListeners(app: FastifyInstance, deps: AppDeps): void {
  app.jobs.handle(PUSH_CHATS_JOB, (job) => pushFoldedChats(deps, job.tenantId ?? '', job.payload))
  // A burst of new chats queues a push job each: they run as batches (one claim, one read of their
  // events, one of each tenant's employees and matrix, one statement marking them done).
  app.jobs.handleBatch(PUSH_EVENT_JOB, (jobs) => pushEventJobs(deps, jobs), { size: PUSH_BATCH })
  // A chat's second message has the same key as its first: skip the INSERT that could only conflict.
  const queued = recentKeys()
  const off = deps.hub.spine.on(async (ev, tenantId) => {
    const planned = planOf(ev)
    if (!planned) return
    const key = `${tenantId}:${planned.key}`
    if (queued.has(key)) return
    try {
      await enqueueJob(deps.db.orm, {
        kind: PUSH_EVENT_JOB,
        key,
        tenantId,
        payload: { seq: ev.seq },
        // A push is worth little late: a few quick tries (its TTL bounds the retries of each send).
        maxAttempts: 3,
      })
      queued.add(key)
    } catch (err) {
      app.log.warn({ err }, 'push: queueing a push failed')
    }
  })
  app.addHook('onClose', async () => off())
}
