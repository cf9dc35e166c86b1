/**
 * The pushes the event spine causes (SPEC N1). Every instance's spine sees every event; the listener
 * only records what to push as a durable job keyed by what it is about (PUSH_EVENT_JOB, key
 * `chat:<id>:<waitingSince>`, `lead:<id>`, …) — one job per key ever, so two instances, a replayed
 * event or a chat's second message never push twice — and the job finds the recipients and sends.
 */
import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import type { StatusMatrix } from '../../contract/status.ts'
import { type Db, eventBySeq, JOBS_CHANNEL, type Queryable, queryRows } from '../db/index.ts'
import type { AppDeps } from '../http/context.ts'
import { admitChatPush, PUSH_CHATS_JOB, pushFoldedChats } from './coalesce.ts'
import { recentKeys } from './recent-keys.ts'
import { type PushDeps, sendPush } from './send.ts'
import { type Candidate, deliveryOf, type Plan, payloadOf, planOf, recipients } from './targets.ts'

export const PUSH_EVENT_JOB = 'push.event'

/**
 * What a plan's fan-out reads, in one statement: the tenant's status matrix and its active employees
 * who have a push subscription (no one else can be pushed to — nor counted in a chat window), each with
 * their groups (a tenant has tens, at most a few hundred). Null: no such tenant.
 */
async function audienceOf(
  q: Queryable,
  tenantId: string,
): Promise<{ matrix: StatusMatrix; people: Candidate[] } | null> {
  const [row] = await queryRows<{ matrix: StatusMatrix; people: Candidate[] | string }>(
    q,
    sql`SELECT t.status_matrix AS matrix,
          COALESCE((
            SELECT json_agg(json_build_object('id', e.id, 'status', e.status, 'extension', e.extension,
              'acceptButton', e.accept_button,
              'groupIds', COALESCE((SELECT json_agg(m.group_id) FROM group_members m
                WHERE m.tenant_id = e.tenant_id AND m.employee_id = e.id), '[]'::json)))
            FROM employees e
            WHERE e.tenant_id = t.id AND e.deactivated_at IS NULL
              AND EXISTS (SELECT 1 FROM push_subscriptions s
                WHERE s.tenant_id = e.tenant_id AND s.employee_id = e.id)), '[]'::json) AS people
        FROM tenants t WHERE t.id = ${tenantId}::uuid`,
  )
  if (!row) return null
  const people = typeof row.people === 'string' ? (JSON.parse(row.people) as Candidate[]) : row.people
  return { matrix: row.matrix, people }
}

/** Sends a plan's pushes: one sendPush per distinct payload (chats differ by the Accept button). */
export async function pushPlan(deps: PushDeps & { db: Db }, tenantId: string, seq: number, plan: Plan) {
  const q = deps.db.orm
  const audience = await audienceOf(q, tenantId)
  if (!audience) return
  let to = recipients(plan, audience.people, audience.matrix)
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

/**
 * Queues an event's push job — only when someone of the tenant has a push subscription: without one
 * the job could send nothing, and its claim, reads and finish were a third of a gateway burst's
 * statements (issue 8 ingest budget: a new chat each). One statement: the gated INSERT (one job per
 * key, ever) and the workers' wake-up, as enqueueJob's two. True when a job was queued.
 */
export async function enqueuePushEvent(q: Queryable, tenantId: string, key: string, seq: number) {
  const rows = await queryRows<{ queued: boolean }>(
    q,
    sql`WITH job AS (
          INSERT INTO jobs (kind, key, tenant_id, payload, max_attempts)
          SELECT ${PUSH_EVENT_JOB}, ${key}, ${tenantId}::uuid, ${JSON.stringify({ seq })}::jsonb,
            -- A push is worth little late: a few quick tries (its TTL bounds the retries of each send).
            3
          WHERE EXISTS (SELECT 1 FROM push_subscriptions WHERE tenant_id = ${tenantId}::uuid)
          ON CONFLICT (kind, key) WHERE key IS NOT NULL DO NOTHING
          RETURNING run_at)
        SELECT pg_notify(${JOBS_CHANNEL}, (floor(extract(epoch FROM run_at) * 1000))::bigint::text) IS NULL AS queued
        FROM job`,
  )
  return rows.length > 0
}

/** Wires the listener and its job. */
export function pushListeners(app: FastifyInstance, deps: AppDeps): void {
  app.jobs.handle(PUSH_CHATS_JOB, (job) => pushFoldedChats(deps, job.tenantId ?? '', job.payload))
  app.jobs.handle(PUSH_EVENT_JOB, async (job) => {
    const found = await eventBySeq(deps.db.orm, Number(job.payload.seq))
    if (!found || found.tenantId !== job.tenantId) return
    const planned = planOf(found.event)
    if (planned) await pushPlan(deps, found.tenantId, found.event.seq, planned.plan)
  })
  // A chat's second message has the same key as its first: skip the INSERT that could only conflict.
  const queued = recentKeys()
  const off = deps.hub.spine.on(async (ev, tenantId) => {
    const planned = planOf(ev)
    if (!planned) return
    const key = `${tenantId}:${planned.key}`
    if (queued.has(key)) return
    try {
      await enqueuePushEvent(deps.db.orm, tenantId, key, ev.seq)
      queued.add(key)
    } catch (err) {
      app.log.warn({ err }, 'push: queueing a push failed')
    }
  })
  app.addHook('onClose', async () => off())
}
