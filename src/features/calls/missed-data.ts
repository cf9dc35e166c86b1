/**
 * C9 "Mark handled" of a folded row and its Undo: every call of the row, each through the server
 * (which tells everyone: `missed.handled`, then `call.updated` on Undo); the answers are mirrored at
 * once so the row leaves (and comes back) without waiting for the feed.
 */
import type { CallView } from '../../../contract/calls.ts'
import { api } from '../../lib/api/index.ts'
import type { FrontlineDb } from '../../lib/store/index.ts'

/** Marks the calls handled; the ids this operator's mark handled (what Undo may give back). */
export async function markCalls(db: FrontlineDb | null, ids: readonly string[], me: string | null) {
  const done = await Promise.all(
    ids.map((id) => api('POST /api/calls/missed/:id/handle', { params: { id } })),
  )
  if (db) await db.calls.bulkPut(done)
  return done.filter((c) => c.handledHow === 'mark' && c.handledById === me).map((c) => c.id)
}

/** Undo of this operator's marks: the calls are open again for everyone. */
export async function undoMarks(db: FrontlineDb | null, ids: readonly string[]): Promise<CallView[]> {
  const back = await Promise.all(ids.map((id) => api('POST /api/calls/missed/:id/undo', { params: { id } })))
  if (db) await db.calls.bulkPut(back)
  return back
}
