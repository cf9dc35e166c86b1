/**
 * Every call ends in the record (issue 6 §5). Kamailio's reports end calls as they happen; a report
 * can still be lost (Kamailio restarted, its queue overflowed while the server was down, a path that
 * replies without a transaction). So now and then the records still `ringing` or `answered` are
 * compared with the dialogs Kamailio carries (`dlg.list`), and a record without one is ended — after a
 * grace period, because the route request writes the record just before Kamailio creates the dialog.
 */
import { and, inArray, lt, sql } from 'drizzle-orm'
import { type Db, schema } from '../../db/index.ts'
import { endLost } from './dialog.ts'
import { callBySipId } from './records.ts'

const { calls } = schema

export interface OpenRecord {
  tenantId: string
  sipCallId: string
  startedAt: Date
}

/** The open records to end: no live dialog with their Call-ID, and older than `graceMs`. Pure. */
export function lostRecords<R extends OpenRecord>(
  open: readonly R[],
  live: ReadonlySet<string>,
  now: Date,
  graceMs: number,
): R[] {
  const before = now.getTime() - graceMs
  return open.filter((r) => !live.has(r.sipCallId) && r.startedAt.getTime() < before)
}

/**
 * One pass: ends every open record that `lostRecords` names, each in its own transaction (the row
 * is locked and re-read, so a report that lands meanwhile wins). Returns how many it ended.
 */
export async function reconcileCalls(
  db: Db,
  live: ReadonlySet<string>,
  opts: { graceMs: number; now?: Date },
): Promise<number> {
  const now = opts.now ?? new Date()
  const open = await db.orm
    .select({ tenantId: calls.tenantId, sipCallId: calls.sipCallId, startedAt: calls.startedAt })
    .from(calls)
    .where(
      and(
        inArray(calls.state, ['ringing', 'answered']),
        lt(calls.startedAt, sql`${new Date(now.getTime() - opts.graceMs).toISOString()}::timestamptz`),
      ),
    )
  let ended = 0
  for (const r of lostRecords(open, live, now, opts.graceMs)) {
    const outcome = await db.orm.transaction(async (tx) => {
      const row = await callBySipId(tx, r.tenantId, r.sipCallId)
      return row ? endLost(tx, row, now) : 'ignored'
    })
    if (outcome === 'applied') ended += 1
  }
  return ended
}

/**
 * One reconciliation pass (run every CALL_RECONCILE_MS by the server's scheduler, server/schedule.ts):
 * `reconcileCalls` with the dialogs `listDialogs` reads from Kamailio. When Kamailio cannot be asked
 * (null) the pass is skipped: no answer is not "no dialogs". Returns how many records it ended.
 */
export async function reconcileOnce(o: {
  db: Db
  listDialogs: () => Promise<ReadonlySet<string> | null>
  graceMs: number
  log: (msg: string) => void
}): Promise<number> {
  const live = await o.listDialogs()
  if (!live) return 0
  const n = await reconcileCalls(o.db, live, { graceMs: o.graceMs })
  if (n > 0) o.log(`ended ${n} call record(s) Kamailio has no dialog for`)
  return n
}
