/**
 * SPEC N3: the first page of the call history (mine and, where allowed, all) and the missed calls
 * into the mirror at start, so the Calls tab shows them offline even if it was never opened.
 * Best effort: offline, the copy on the device stays.
 */
import type { FrontlineDb } from '../../lib/store/index.ts'
import { startRefreshCalls } from './data.ts'

/** Load the call history snapshots into `db`. */
export async function warmCalls(db: FrontlineDb): Promise<void> {
  await Promise.all(
    (['mine', 'missed', 'all'] as const).map((scope) => startRefreshCalls(db, scope).catch(() => null)),
  )
}
