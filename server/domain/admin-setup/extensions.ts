/**
 * Internal numbers are one space per tenant (SPEC C3: a colleague or a group "by its extension"):
 * an employee, a group and a virtual number never share one, or a call could not know where it goes.
 */
import { and, eq, ne, or, sql } from 'drizzle-orm'
import { type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'

const { employees, groups, tenants, virtualNumbers } = schema

/**
 * Serialises the tenant's number-space edits: taken inside the edit's transaction before the checks,
 * so two admins adding the same extension at once cannot both pass.
 */
export async function lockNumberSpace(tx: Queryable, tenantId: string): Promise<void> {
  // The same lock the employees' seat and extension decisions take (domain/employees lockTenant).
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`seats:${tenantId}`}))`)
  const [t] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId))
  if (!t) throw new AppError('E_NOT_FOUND')
}

/** Throws E_EXTENSION_TAKEN when `extension` is an employee's, another group's or a virtual number's. */
export async function assertExtensionFree(
  q: Queryable,
  tenantId: string,
  extension: string,
  except: { groupId?: string; employeeId?: string } = {},
): Promise<void> {
  const [emp] = await q
    .select({ id: employees.id })
    .from(employees)
    .where(
      and(
        eq(employees.tenantId, tenantId),
        eq(employees.extension, extension),
        except.employeeId ? ne(employees.id, except.employeeId) : undefined,
      ),
    )
    .limit(1)
  const [grp] = await q
    .select({ id: groups.id })
    .from(groups)
    .where(
      and(
        eq(groups.tenantId, tenantId),
        eq(groups.extension, extension),
        except.groupId ? ne(groups.id, except.groupId) : undefined,
      ),
    )
    .limit(1)
  const [vn] = await q
    .select({ id: virtualNumbers.id })
    .from(virtualNumbers)
    .where(
      and(
        eq(virtualNumbers.tenantId, tenantId),
        or(eq(virtualNumbers.number, extension), eq(virtualNumbers.number, sql`${`+${extension}`}`)),
      ),
    )
    .limit(1)
  if (emp || grp || vn) throw new AppError('E_EXTENSION_TAKEN')
}
