/**
 * S1 presence: a device that vanished (offline, tab killed) never un-registers, so the server would
 * count its line live until the registration expires (minutes). Kamailio drops such contacts as soon
 * as their WebSocket closes; this sweep reads its registrar every few seconds, marks the lines it no
 * longer holds as gone and announces the change like a REGISTER would (presence.changed).
 */
import type { Db } from '../db/index.ts'
import { callsToCut, endCutCall } from '../domain/calls/index.ts'
import { announcePresence } from '../domain/contacts/index.ts'
import type { Spine } from '../events/spine.ts'
import {
  aorsInDump,
  dropVanished,
  dumpUsrloc,
  endDialogs,
  type RpcCall,
  syncAllLines,
  syncTenantLines,
} from '../sip/index.ts'

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

/**
 * Issue 13: keeps Kamailio's line bans (server/sip/lineban.ts) in step with the database — all
 * tenants now, then each tenant whose lines a `lines:` notice says changed (a deactivation, a
 * suspension…). Returns the unsubscribe. Failures are reported to `onError`; the next notice or the
 * next start writes the whole state again.
 */
export async function watchLines(
  o: LineSweepOptions & { spine: Spine; onError: (e: unknown) => void },
): Promise<() => void> {
  await syncAllLines(o.db.orm, o.rpc).catch(o.onError)
  return o.spine.onNotice(async (n) => {
    if (n.kind !== 'lines.changed') return
    // The sweep marks the lines just unregistered as gone at once (presence), not at the next pass.
    await syncTenantLines(o.db.orm, o.rpc, n.tenantId)
      .then(() => sweepLines(o))
      .then(() => cutCalls(o, n.tenantId))
      .catch(o.onError)
  })
}

/**
 * Probe 13 #6: the calls in progress of a suspended tenant, or of a deactivated employee, end too —
 * Kamailio sends BYE to both sides — and their records end now (the callee is free at once).
 * Returns how many records it ended.
 */
export async function cutCalls(o: LineSweepOptions, tenantId: string): Promise<number> {
  const ids = await callsToCut(o.db, tenantId)
  if (!ids.length) return 0
  await endDialogs(o.rpc, new Set(ids))
  let ended = 0
  for (const id of ids) if ((await endCutCall(o.db, tenantId, id)) === 'applied') ended += 1
  return ended
}
