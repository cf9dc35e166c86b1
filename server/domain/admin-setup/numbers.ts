/**
 * The admin's virtual numbers (issue 13 §2, SPEC C1): number (E.164), name and source ("Sales ·
 * website"), and the group or employee it rings. Routing reads them for every call
 * (calls/snapshot.ts): a retarget rules the next call.
 */
import { and, asc, eq } from 'drizzle-orm'
import type { NumberTarget, VirtualNumberInput, VirtualNumberView } from '../../../contract/admin-setup.ts'
import { type Db, type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { normalisePhone } from '../channels/index.ts'
import { audit } from './audit.ts'
import { lockNumberSpace } from './extensions.ts'

const { employees, groups, virtualNumbers } = schema

type Row = typeof virtualNumbers.$inferSelect

function view(r: Row): VirtualNumberView {
  const target: NumberTarget | null = r.groupId
    ? { kind: 'group', id: r.groupId }
    : r.employeeId
      ? { kind: 'employee', id: r.employeeId }
      : null
  return { id: r.id, number: r.number, name: r.name, source: r.source, target }
}

/** The tenant's virtual numbers, by number. */
export async function listNumbers(q: Queryable, tenantId: string): Promise<VirtualNumberView[]> {
  const rows = await q
    .select()
    .from(virtualNumbers)
    .where(eq(virtualNumbers.tenantId, tenantId))
    .orderBy(asc(virtualNumbers.number))
  return rows.map(view)
}

/** The number in E.164 (libphonenumber-js), or E_NUMBER_INVALID. */
export function e164(raw: string): string {
  try {
    return normalisePhone(raw)
  } catch {
    throw new AppError('E_NUMBER_INVALID')
  }
}

/** The target as columns; another tenant's or an unknown id is E_VALIDATION, a deactivated employee E_NUMBER_TARGET_INACTIVE. */
async function targetColumns(q: Queryable, tenantId: string, t: NumberTarget) {
  if (t.kind === 'group') {
    const [found] = await q
      .select({ id: groups.id })
      .from(groups)
      .where(and(eq(groups.tenantId, tenantId), eq(groups.id, t.id)))
    if (!found) throw new AppError('E_VALIDATION', ['target: unknown id'])
  } else {
    const [found] = await q
      .select({ id: employees.id, deactivatedAt: employees.deactivatedAt })
      .from(employees)
      .where(and(eq(employees.tenantId, tenantId), eq(employees.id, t.id)))
      .for('update')
    if (!found) throw new AppError('E_VALIDATION', ['target: unknown id'])
    // Probe 13 #8: a deactivated employee answers no calls — the number would ring nobody.
    if (found.deactivatedAt) throw new AppError('E_NUMBER_TARGET_INACTIVE')
  }
  return t.kind === 'group' ? { groupId: t.id, employeeId: null } : { groupId: null, employeeId: t.id }
}

/** Whether a number is taken by any tenant (the column is unique across tenants: one carrier line). */
async function assertNumberFree(q: Queryable, number: string, exceptId?: string): Promise<void> {
  const [row] = await q
    .select({ id: virtualNumbers.id })
    .from(virtualNumbers)
    .where(eq(virtualNumbers.number, number))
  if (row && row.id !== exceptId) throw new AppError('E_NUMBER_TAKEN')
}

/** Adds a virtual number. */
export async function addNumber(db: Db, tenantId: string, actorId: string, input: VirtualNumberInput) {
  const number = e164(input.number)
  return db.orm.transaction(async (tx) => {
    await lockNumberSpace(tx, tenantId)
    const cols = await targetColumns(tx, tenantId, input.target)
    await assertNumberFree(tx, number)
    const [row] = await tx
      .insert(virtualNumbers)
      .values({ tenantId, number, name: input.name, source: input.source, ...cols })
      .returning()
    if (!row) throw new Error('virtual number insert returned nothing')
    const after = view(row)
    await audit(tx, tenantId, {
      actorId,
      action: 'number.create',
      entity: 'virtual_number',
      entityId: row.id,
      before: null,
      after,
    })
    return after
  })
}

/** Edits a virtual number (its number, name, source, target); 404 for another tenant's id. */
export async function editNumber(
  db: Db,
  tenantId: string,
  actorId: string,
  id: string,
  input: VirtualNumberInput,
) {
  const number = e164(input.number)
  return db.orm.transaction(async (tx) => {
    await lockNumberSpace(tx, tenantId)
    const [old] = await tx
      .select()
      .from(virtualNumbers)
      .where(and(eq(virtualNumbers.tenantId, tenantId), eq(virtualNumbers.id, id)))
    if (!old) throw new AppError('E_NOT_FOUND')
    const cols = await targetColumns(tx, tenantId, input.target)
    await assertNumberFree(tx, number, id)
    const [row] = await tx
      .update(virtualNumbers)
      .set({ number, name: input.name, source: input.source, ...cols })
      .where(and(eq(virtualNumbers.tenantId, tenantId), eq(virtualNumbers.id, id)))
      .returning()
    if (!row) throw new AppError('E_NOT_FOUND')
    const after = view(row)
    await audit(tx, tenantId, {
      actorId,
      action: 'number.update',
      entity: 'virtual_number',
      entityId: id,
      before: view(old),
      after,
    })
    return after
  })
}

/** Removes a virtual number (its calls keep the number they were made to). */
export async function removeNumber(db: Db, tenantId: string, actorId: string, id: string): Promise<void> {
  await db.orm.transaction(async (tx) => {
    const [old] = await tx
      .delete(virtualNumbers)
      .where(and(eq(virtualNumbers.tenantId, tenantId), eq(virtualNumbers.id, id)))
      .returning()
    if (!old) throw new AppError('E_NOT_FOUND')
    await audit(tx, tenantId, {
      actorId,
      action: 'number.delete',
      entity: 'virtual_number',
      entityId: id,
      before: view(old),
      after: null,
    })
  })
}
