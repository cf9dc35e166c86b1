/**
 * SPEC S3: every employee's live status, how long he has been in it, and today's calls and chats;
 * the supervisor may force a status (the change itself is `setStatus` with the supervisor as `byId`,
 * so the log, the event and the audit entry commit together).
 */
import { and, desc, eq, gte, isNull, or, sql } from 'drizzle-orm'
import type { OperatorLive } from '../../../contract/supervisor.ts'
import { type Db, type Queryable, schema } from '../../db/index.ts'
import { setStatus } from '../status/index.ts'

const { calls, chats, employees, statusLog } = schema

/** The tenant's active employees as the supervisor watches them; counts are from `since` on. */
export async function listOperators(q: Queryable, tenantId: string, since: Date): Promise<OperatorLive[]> {
  const rows = await q
    .select({
      id: employees.id,
      name: employees.name,
      role: employees.role,
      extension: employees.extension,
      status: employees.status,
      since: employees.statusSince,
    })
    .from(employees)
    .where(and(eq(employees.tenantId, tenantId), isNull(employees.deactivatedAt)))
    .orderBy(employees.name, employees.id)
  const callCounts = await q
    .select({ id: employees.id, n: sql<number>`count(*)::int` })
    .from(calls)
    .innerJoin(
      employees,
      and(
        eq(employees.tenantId, calls.tenantId),
        or(eq(calls.answeredById, employees.id), eq(calls.callerEmployeeId, employees.id)),
      ),
    )
    .where(and(eq(calls.tenantId, tenantId), gte(calls.startedAt, since)))
    .groupBy(employees.id)
  const chatCounts = await q
    .select({ id: chats.assigneeId, n: sql<number>`count(*)::int` })
    .from(chats)
    .where(
      and(
        eq(chats.tenantId, tenantId),
        gte(sql`coalesce(${chats.acceptedAt}, ${chats.createdAt})`, since),
        sql`${chats.assigneeId} IS NOT NULL`,
      ),
    )
    .groupBy(chats.assigneeId)
  // Who forced each current status: the latest log row per employee, when it has a setter.
  const latest = await q
    .selectDistinctOn([statusLog.employeeId], {
      employeeId: statusLog.employeeId,
      status: statusLog.status,
      setByName: employees.name,
    })
    .from(statusLog)
    .leftJoin(employees, and(eq(employees.tenantId, statusLog.tenantId), eq(employees.id, statusLog.setBy)))
    .where(eq(statusLog.tenantId, tenantId))
    .orderBy(statusLog.employeeId, desc(statusLog.at))
  const count = (xs: { id: string | null; n: number }[], id: string) => xs.find((x) => x.id === id)?.n ?? 0
  return rows.map((r) => {
    const last = latest.find((l) => l.employeeId === r.id)
    return {
      id: r.id,
      name: r.name,
      role: r.role,
      extension: r.extension,
      status: r.status,
      since: r.since.toISOString(),
      setByName: last && last.status === r.status ? (last.setByName ?? null) : null,
      calls: count(callCounts, r.id),
      chats: count(chatCounts, r.id),
    }
  })
}

/** S3: the supervisor `byId` sets `employeeId`'s status (same tenant only: another's id is E_NOT_FOUND). */
export function forceStatus(db: Db, tenantId: string, byId: string, employeeId: string, status: string) {
  return setStatus(db, tenantId, employeeId, status, byId)
}
