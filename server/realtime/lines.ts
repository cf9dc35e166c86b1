/**
 * S1 presence: a device that vanished (offline, tab killed) never un-registers, so the server would
 * count its line live until the registration expires (minutes). Kamailio drops such contacts as soon
 * as their WebSocket closes; this sweep reads its registrar every few seconds, marks the lines it no
 * longer holds as gone and announces the change like a REGISTER would (presence.changed).
 */
import type { Db } from '../db/index.ts'
import { announcePresence } from '../domain/contacts/index.ts'
import { aorsInDump, dropVanished, dumpUsrloc, type RpcCall } from '../sip/index.ts'

export interface LineSweepOptions {
  db: Db
  /** Kamailio's JSON-RPC (server/sip/rpc.ts). */
  rpc: RpcCall
}

/** One pass: compare Kamailio's registrar with the database; returns how many lines went away. */
export async function sweepLines(o: LineSweepOptions): Promise<number> {
  const dumpedAt = new Date()
  const live = aorsInDump(await dumpUsrloc(o.rpc))
  return o.db.orm.transaction(async (tx) => {
    const gone = await dropVanished(tx, live, dumpedAt)
    for (const g of gone) await announcePresence(tx, g.tenantId, g.user)
    return gone.length
  })
}

/** How often the server sweeps (server/schedule.ts runs it beside the call reconciliation). */
export const LINE_SWEEP_MS = 3000
