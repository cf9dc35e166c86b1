/**
 * Probe 13 #15: whether an admin's "new password" would hash at all — an active employee of his
 * tenant other than himself. Only those are counted by the route's throttle: a refusal (404, E_SELF)
 * costs no hash, and counting it let an id sweep use up the company's allowance.
 */
import { and, eq, isNull } from 'drizzle-orm'
import { type Queryable, schema } from '../../db/index.ts'

export async function wouldIssuePassword(
  q: Queryable,
  tenantId: string,
  actorId: string,
  id: string,
): Promise<boolean> {
  if (id === actorId) return false
  const { employees } = schema
  const [row] = await q
    .select({ id: employees.id })
    .from(employees)
    .where(and(eq(employees.tenantId, tenantId), eq(employees.id, id), isNull(employees.deactivatedAt)))
  return Boolean(row)
}
