/**
 * Chat pushes per operator (probe 10 finding 5): anonymous website visitors can open chats as fast as
 * the visitor limits allow, and each new chat names no group — a push to every available operator. So
 * an operator gets at most one chat push per CHAT_PUSH_WINDOW_MS: the first chat of a window is pushed
 * as it is (N1), the next ones are counted (`push_chat_windows`, 0092) and one PUSH_CHATS_JOB per
 * operator and window sends "N new chats" at the window's end — which starts the next window.
 */
import { sql } from 'drizzle-orm'
import { CHAT_PUSH_WINDOW_MS } from '../../contract/push.ts'
import { type Db, JOBS_CHANNEL, type Queryable } from '../db/index.ts'
import { getMatrix } from '../domain/status/index.ts'
import { type PushDeps, sendPush } from './send.ts'
import { statusTakes } from './targets.ts'

export const PUSH_CHATS_JOB = 'push.chats'

const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? r : ((r as { rows?: T[] }).rows ?? [])) as T[]

/**
 * Which of `employeeIds` get this chat's own push now; the others' chats are counted and their
 * window's "N new chats" job is queued (seq: the latest event folded in).
 */
export async function admitChatPush(
  q: Queryable,
  tenantId: string,
  employeeIds: readonly string[],
  seq: number,
  now = new Date(),
): Promise<Set<string>> {
  const admitted = new Set<string>()
  if (!employeeIds.length) return admitted
  const since = new Date(now.getTime() - CHAT_PUSH_WINDOW_MS)
  // One statement for every recipient (issue 8 ingest budget: it ran once per new chat, and a fold
  // was two more — the job's INSERT and the workers' NOTIFY): the windows, taken in id order (two
  // chats' jobs at once lock them in the same order: no deadlock); for each window already open, its
  // "N new chats" job queued — or, queued already, given this chat's seq (the latest folded in) — and
  // the workers woken only for a job that is new. A job of the window that already runs or ran is left
  // as it is (its push has started the next window).
  const rows = rowsOf<{ employee_id: string; pending: number }>(
    await q.execute(sql`
      WITH w AS (
        INSERT INTO push_chat_windows (tenant_id, employee_id, last_push_at, pending)
        SELECT ${tenantId}::uuid, id, ${now.toISOString()}::timestamptz, 0
        FROM unnest(${sql.param([...employeeIds])}::uuid[]) AS id
        ORDER BY id
        ON CONFLICT (tenant_id, employee_id) DO UPDATE SET
          pending = CASE WHEN push_chat_windows.last_push_at > ${since.toISOString()}::timestamptz
            THEN push_chat_windows.pending + 1 ELSE 0 END,
          last_push_at = CASE WHEN push_chat_windows.last_push_at > ${since.toISOString()}::timestamptz
            THEN push_chat_windows.last_push_at ELSE ${now.toISOString()}::timestamptz END
        RETURNING employee_id, last_push_at, pending),
      j AS (
        INSERT INTO jobs (kind, key, tenant_id, payload, run_at, max_attempts)
        SELECT ${PUSH_CHATS_JOB},
          ${tenantId} || ':chats:' || w.employee_id || ':' || floor(extract(epoch FROM w.last_push_at) * 1000)::bigint,
          ${tenantId}::uuid, jsonb_build_object('employeeId', w.employee_id, 'seq', ${seq}::bigint),
          w.last_push_at + ${`${CHAT_PUSH_WINDOW_MS} milliseconds`}::interval, 3
        FROM w WHERE w.pending > 0
        ON CONFLICT (kind, key) WHERE key IS NOT NULL DO UPDATE SET payload = excluded.payload
          WHERE jobs.state = 'queued'
        RETURNING (xmax = 0) AS fresh, run_at)
      SELECT w.employee_id, w.pending,
        (SELECT count(pg_notify(${JOBS_CHANNEL}, floor(extract(epoch FROM j.run_at) * 1000)::bigint::text))
           FROM j WHERE j.fresh) AS woken
      FROM w`),
  )
  for (const row of rows) if (Number(row.pending) === 0) admitted.add(row.employee_id)
  return admitted
}

/** The window's end: the chats counted meanwhile as one push; it starts the next window. */
export async function pushFoldedChats(
  deps: PushDeps & { db: Db },
  tenantId: string,
  payload: Record<string, unknown>,
): Promise<void> {
  const q = deps.db.orm
  const employeeId = String(payload.employeeId)
  const [row] = rowsOf<{ n: number; status: string }>(
    await q.execute(sql`
      UPDATE push_chat_windows w SET pending = 0, last_push_at = now()
      FROM (SELECT pending AS n FROM push_chat_windows
            WHERE tenant_id = ${tenantId} AND employee_id = ${employeeId} FOR UPDATE) o,
           employees e
      WHERE w.tenant_id = ${tenantId} AND w.employee_id = ${employeeId} AND o.n > 0
        AND e.tenant_id = w.tenant_id AND e.id = w.employee_id
      RETURNING o.n AS n, e.status AS status`),
  )
  if (!row || !(Number(row.n) > 0)) return
  if (!statusTakes(await getMatrix(q, tenantId), row.status, 'chats')) return
  await sendPush(
    deps,
    tenantId,
    [employeeId],
    { kind: 'chats', seq: Number(payload.seq) || 0, count: Number(row.n) },
    { urgency: 'high', ttl: 3600 },
  )
}
