/**
 * SPEC S1, S2, S5: statuses are data (the tenant's matrix); the server enforces them. Every later
 * rule (routing, transfers, chat distribution) asks `mayOperator`/`assertMay`.
 */
import { and, eq, inArray } from 'drizzle-orm'
import {
  isOnlineStatus,
  type StatusAbility,
  type StatusMatrix,
  statusAllows,
} from '../../../contract/status.ts'
import { appendEvent, type Db, type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { audit } from '../admin-setup/audit.ts'
import { recordAudit } from '../audit/index.ts'

const { employees, statusLog, tenants } = schema

/** The status every new employee starts in; a matrix must keep it. */
export const INITIAL_STATUS = 'off_work'

/** The tenant's status matrix. */
export async function getMatrix(q: Queryable, tenantId: string): Promise<StatusMatrix> {
  const [t] = await q.select({ m: tenants.statusMatrix }).from(tenants).where(eq(tenants.id, tenantId))
  if (!t) throw new AppError('E_NOT_FOUND')
  return t.m
}

/** May this employee do `ability` in their current status? False for an unknown employee. */
export async function mayOperator(
  q: Queryable,
  tenantId: string,
  employeeId: string,
  ability: StatusAbility,
): Promise<boolean> {
  const [row] = await q
    .select({ status: employees.status, matrix: tenants.statusMatrix })
    .from(employees)
    .innerJoin(tenants, eq(tenants.id, employees.tenantId))
    .where(and(eq(employees.tenantId, tenantId), eq(employees.id, employeeId)))
  return row ? statusAllows(row.matrix, row.status, ability) : false
}

/** Throws E_STATUS_FORBIDS unless `mayOperator`. */
export async function assertMay(
  q: Queryable,
  tenantId: string,
  employeeId: string,
  ability: StatusAbility,
): Promise<void> {
  if (!(await mayOperator(q, tenantId, employeeId, ability))) throw new AppError('E_STATUS_FORBIDS')
}

/**
 * Sets an employee's status: the row, the status_log entry and the `status.changed` event commit
 * together. Setting the current status again changes nothing and emits nothing. `byId`: a supervisor
 * forcing it (S3) — the log and the event name him, and the audit log records the change.
 */
export async function setStatus(
  db: Db,
  tenantId: string,
  employeeId: string,
  status: string,
  byId: string | null = null,
): Promise<{ status: string; at: string }> {
  return db.orm.transaction(async (tx) => {
    const [row] = await tx
      .select({
        status: employees.status,
        since: employees.statusSince,
        matrix: tenants.statusMatrix,
        deactivatedAt: employees.deactivatedAt,
      })
      .from(employees)
      .innerJoin(tenants, eq(tenants.id, employees.tenantId))
      .where(and(eq(employees.tenantId, tenantId), eq(employees.id, employeeId)))
      .for('update')
    if (!row) throw new AppError('E_NOT_FOUND')
    // A deactivated employee stays off work (issue 13): nobody may force him back into routing.
    if (byId && row.deactivatedAt) throw new AppError('E_NOT_FOUND')
    if (!row.matrix.some((s) => s.id === status)) throw new AppError('E_UNKNOWN_STATUS')
    if (row.status === status) return { status, at: row.since.toISOString() }
    const at = new Date()
    const forced = byId !== null && byId !== employeeId ? byId : null
    let byName = ''
    if (forced) {
      const [by] = await tx
        .select({ name: employees.name })
        .from(employees)
        .where(and(eq(employees.tenantId, tenantId), eq(employees.id, forced)))
      if (!by) throw new AppError('E_NOT_FOUND')
      byName = by.name
    }
    await tx
      .update(employees)
      .set({ status, statusSince: at })
      .where(and(eq(employees.tenantId, tenantId), eq(employees.id, employeeId)))
    await tx.insert(statusLog).values({ tenantId, employeeId, status, at, setBy: forced })
    await appendEvent(tx, tenantId, 'status.changed', {
      employeeId,
      status,
      online: isOnlineStatus(row.matrix, status),
      at: at.toISOString(),
      ...(forced ? { byId: forced, byName } : {}),
    })
    if (forced)
      await recordAudit(tx, tenantId, {
        actorId: forced,
        action: 'employee.status',
        entity: 'employee',
        entityId: employeeId,
        before: { status: row.status },
        after: { status },
      })
    return { status, at: at.toISOString() }
  })
}

/**
 * Replaces the tenant's matrix (admin, SPEC S2). Decision: a matrix that drops a status someone
 * currently holds is refused with E_STATUS_IN_USE (details = the ids, then `holder:<id>:<name>` each), rather than silently moving
 * people to off_work — an admin's edit must not change an operator's readiness mid-call. The
 * initial status (off_work) must stay, since new employees and the seed start in it.
 */
export async function setMatrix(
  db: Db,
  tenantId: string,
  matrix: StatusMatrix,
  /** The admin making the change, for the audit log (issue 13). */
  actorId: string | null = null,
): Promise<StatusMatrix> {
  if (!matrix.some((s) => s.id === INITIAL_STATUS)) {
    throw new AppError('E_VALIDATION', [`matrix: the status "${INITIAL_STATUS}" must stay`])
  }
  // A company where no status takes calls cannot be called at all (issue 13 §2 "keep it sane").
  if (!matrix.some((s) => s.allows.softphoneIn || s.allows.mobileIn)) throw new AppError('E_MATRIX_NO_CALLS')
  return db.orm.transaction(async (tx) => {
    const [t] = await tx
      .select({ id: tenants.id, before: tenants.statusMatrix })
      .from(tenants)
      .where(eq(tenants.id, tenantId))
      .for('update')
    if (!t) throw new AppError('E_NOT_FOUND')
    const ids = matrix.map((s) => s.id)
    const held = await tx
      .selectDistinct({ status: employees.status })
      .from(employees)
      .where(eq(employees.tenantId, tenantId))
    const dropped = held.map((h) => h.status).filter((s) => !ids.includes(s))
    if (dropped.length) {
      // Who holds them, so the admin's screen can say whom to move (probe 13 UI #5): after the ids,
      // one `holder:<status id>:<name>` per employee (ids have no colon).
      const holders = await tx
        .select({ status: employees.status, name: employees.name })
        .from(employees)
        .where(and(eq(employees.tenantId, tenantId), inArray(employees.status, dropped)))
        .orderBy(employees.name)
      throw new AppError('E_STATUS_IN_USE', [
        ...dropped.sort(),
        ...holders.map((h) => `holder:${h.status}:${h.name}`),
      ])
    }
    await tx.update(tenants).set({ statusMatrix: matrix }).where(eq(tenants.id, tenantId))
    await appendEvent(tx, tenantId, 'statuses.updated', { matrix })
    if (actorId)
      await audit(tx, tenantId, {
        actorId,
        action: 'statuses.update',
        entity: 'statuses',
        entityId: null,
        before: t.before,
        after: matrix,
      })
    return matrix
  })
}

/** Ids of the employees (of those given) whose status allows `ability` (group availability, routing). */
export async function employeesAllowed(
  q: Queryable,
  tenantId: string,
  employeeIds: string[],
  ability: StatusAbility,
): Promise<string[]> {
  if (!employeeIds.length) return []
  const matrix = await getMatrix(q, tenantId)
  const rows = await q
    .select({ id: employees.id, status: employees.status })
    .from(employees)
    .where(and(eq(employees.tenantId, tenantId), inArray(employees.id, employeeIds)))
  return rows.filter((r) => statusAllows(matrix, r.status, ability)).map((r) => r.id)
}
