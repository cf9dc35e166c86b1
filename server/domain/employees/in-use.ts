/**
 * Probe 13 #8: what still counts on an employee when he is deactivated. A virtual number that rings him
 * would ring nobody, so deactivating him is refused (E_EMPLOYEE_IN_USE, details: the numbers) until the
 * admin points it elsewhere — as deleting a group a number rings is (E_GROUP_IN_USE).
 */
import { and, asc, eq } from 'drizzle-orm'
import { type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'

const { virtualNumbers } = schema

/** E_EMPLOYEE_IN_USE when a virtual number of the tenant rings this employee. */
export async function assertNoNumberRings(q: Queryable, tenantId: string, employeeId: string): Promise<void> {
  const used = await q
    .select({ number: virtualNumbers.number })
    .from(virtualNumbers)
    .where(and(eq(virtualNumbers.tenantId, tenantId), eq(virtualNumbers.employeeId, employeeId)))
    .orderBy(asc(virtualNumbers.number))
  if (used.length)
    throw new AppError(
      'E_EMPLOYEE_IN_USE',
      used.map((u) => u.number),
    )
}
