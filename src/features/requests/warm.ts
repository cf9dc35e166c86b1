/**
 * SPEC N3: fill the mirror with what an operator needs offline, without waiting for a screen to be
 * opened — New and In work chats with their latest messages, the leads, the templates. The change
 * feed (lib/sync) keeps it current afterwards; this is the snapshot it starts from. Every part is
 * best effort: offline, each keeps the copy it has.
 */
import type { FrontlineDb } from '../../lib/store/index.ts'
import { startRefreshLeads } from './leads.ts'
import { localChats } from './mirror.ts'
import { loadMessages, refreshTemplates, startRefreshTab } from './remote.ts'

/** How many chats (In work first, then New) get their latest messages loaded. */
export const WARM_CHATS = 30

/** Load the Requests snapshots into `db` (the caller's account's mirror). */
export async function warmRequests(db: FrontlineDb, meId: string | null): Promise<void> {
  const quiet = <T>(p: Promise<T>) => p.catch(() => undefined)
  await Promise.all([
    // Shared with the badge and the Requests screen when they asked first (lib/sync start-reads).
    quiet(startRefreshTab(db, 'active', meId)),
    quiet(startRefreshTab(db, 'new', meId)),
    quiet(startRefreshLeads(db)),
    quiet(refreshTemplates(db)),
  ])
  const chats = [...(await localChats(db, 'active', meId)), ...(await localChats(db, 'new', meId))]
  // One page each, a few at a time: the server is not hit with 30 requests at once.
  const queue = chats.slice(0, WARM_CHATS).map((c) => c.id)
  const worker = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) await quiet(loadMessages(db, id))
  }
  await Promise.all([worker(), worker(), worker()])
}
