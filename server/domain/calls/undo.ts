/**
 * C9 "Undo" of "Mark handled": the call comes back to the shared list for everyone (`call.updated`
 * with the mark cleared; the apps' mirrors put it back). Only the employee who marked it may undo his
 * mark, and only a mark: a call handled by a successful call back stays handled.
 */
import { and, eq } from 'drizzle-orm'
import type { CallView } from '../../../contract/calls.ts'
import { type Db, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { lockedMissed, publishCall } from './records.ts'
import { toView } from './views.ts'

const { calls } = schema

/** POST /api/calls/missed/:id/undo — idempotent: an unhandled call is answered as it is. */
export async function undoHandled(
  db: Db,
  tenantId: string,
  employeeId: string,
  id: string,
): Promise<CallView> {
  return db.orm.transaction(async (tx) => {
    const row = await lockedMissed(tx, tenantId, id)
    if (!row.handledAt) return toView(tx, row)
    if (row.handledHow !== 'mark' || row.handledById !== employeeId) throw new AppError('E_FORBIDDEN')
    const [open] = await tx
      .update(calls)
      .set({ handledAt: null, handledById: null, handledHow: null })
      .where(and(eq(calls.tenantId, tenantId), eq(calls.id, id)))
      .returning()
    if (!open) throw new AppError('E_NOT_FOUND')
    const view = await toView(tx, open)
    await publishCall(tx, open, {}, view)
    return view
  })
}
