/**
 * Chat pushes per operator (probe 10 finding 5): anonymous website visitors can open chats as fast as
 * the visitor limits allow, and each new chat names no group — a push to every available operator. So
 * an operator gets at most one chat push per CHAT_PUSH_WINDOW_MS: the first chat of a window is pushed
 * as it is (N1), the next ones are counted (`push_chat_windows`, 0092) and one PUSH_CHATS_JOB per
 * operator and window sends "N new chats" at the window's end — which starts the next window.
 */
import { sql } from 'drizzle-orm'
import { CHAT_PUSH_WINDOW_MS } from '../../contract/push.ts'
import { type Db, enqueueJob, type Queryable } from '../db/index.ts'
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
  // Every recipient's window in one statement (it was a statement per operator per new chat), the
  // rows taken in id order: two chats' jobs at once lock them in the same order (no deadlock).
  const rows = rowsOf<{ employee_id: string; last_push_at: string | Date; pending: number }>(
    await q.execute(sql`
      INSERT INTO push_chat_windows (tenant_id, employee_id, last_push_at, pending)
      SELECT ${tenantId}::uuid, id, ${now.toISOString()}::timestamptz, 0
      FROM unnest(${sql.param([...employeeIds])}::uuid[]) AS id
      ORDER BY id
      ON CONFLICT (tenant_id, employee_id) DO UPDATE SET
        pending = CASE WHEN push_chat_windows.last_push_at > ${since.toISOString()}::timestamptz
          THEN push_chat_windows.pending + 1 ELSE 0 END,
        last_push_at = CASE WHEN push_chat_windows.last_push_at > ${since.toISOString()}::timestamptz
          THEN push_chat_windows.last_push_at ELSE ${now.toISOString()}::timestamptz END
      RETURNING employee_id, last_push_at, pending`),
  )
  for (const row of rows) {
    const employeeId = row.employee_id
    if (Number(row.pending) === 0) {
      admitted.add(employeeId)
      continue
    }
    const windowStart = new Date(row.last_push_at).getTime()
    await enqueueJob(q, {
      kind: PUSH_CHATS_JOB,
      key: `${tenantId}:chats:${employeeId}:${windowStart}`,
      tenantId,
      payload: { employeeId, seq },
      runAt: new Date(windowStart + CHAT_PUSH_WINDOW_MS),
      maxAttempts: 3,
      replace: true,
    })
  }
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
