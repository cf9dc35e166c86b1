/**
 * C10: "a call I declined" is one of My calls. The app reports its operator's decline of a call that
 * rang them; the server records it only for a call of this tenant that was offered to that employee.
 */
import { and, eq, sql } from 'drizzle-orm'
import type { CallView } from '../../../contract/calls.ts'
import { type Db, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { publishCall } from './records.ts'
import { toView } from './views.ts'

const { calls } = schema

/** Records that `employeeId` declined the call with this SIP Call-ID; idempotent. */
export async function recordDeclined(
  db: Db,
  tenantId: string,
  employeeId: string,
  sipCallId: string,
): Promise<CallView> {
  return db.orm.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(calls)
      .where(and(eq(calls.tenantId, tenantId), eq(calls.sipCallId, sipCallId)))
      .for('update')
    // Only a call that rang this employee: nobody can put a stranger's call into their list.
    if (!row?.offeredIds.includes(employeeId)) throw new AppError('E_NOT_FOUND')
    if (row.declinedIds.includes(employeeId)) return toView(tx, row)
    const [updated] = await tx
      .update(calls)
      .set({ declinedIds: sql`array_append(${calls.declinedIds}, ${employeeId}::uuid)` })
      .where(and(eq(calls.tenantId, tenantId), eq(calls.id, row.id)))
      .returning()
    if (!updated) throw new AppError('E_NOT_FOUND')
    await publishCall(tx, updated)
    return toView(tx, updated)
  })
}
