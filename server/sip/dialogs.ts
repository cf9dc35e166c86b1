/**
 * Kamailio's dialogs as its JSON-RPC `dlg.list` reports them (dialog module): the Call-IDs of the calls
 * it still carries. Protocol words stay here; the domain only sees Call-IDs.
 */
import { type RpcCall, RpcError } from './rpc.ts'

/** dialog module states (dlg_hash.h): 1 unconfirmed, 2 early, 3 confirmed without ACK, 4 confirmed, 5 deleted. */
const DELETED = 5

/** The Call-IDs of live dialogs in a `dlg.list` result; null when the answer is not a dialog list. */
export function liveCallIds(result: unknown): Set<string> | null {
  // An empty table is answered with no result at all (jsonrpcs leaves it out).
  if (result === undefined || result === null) return new Set()
  if (!Array.isArray(result)) return null
  const out = new Set<string>()
  for (const d of result) {
    if (typeof d !== 'object' || d === null) return null
    const { 'call-id': callId, state } = d as Record<string, unknown>
    if (typeof callId !== 'string') return null
    if (state !== DELETED) out.add(callId)
  }
  return out
}

/**
 * Asks Kamailio for `dlg.list` (server/sip/rpc.ts); null when it does not answer properly — never an
 * empty set for "could not ask".
 */
export async function fetchLiveCallIds(rpc: RpcCall): Promise<Set<string> | null> {
  const result = await rpc('dlg.list', [], { timeoutMs: 5000 }).then(
    (r) => ({ r }),
    () => null,
  )
  return result && liveCallIds(result.r)
}

/** A dialog's handle for `dlg.end_dlg` (its hash entry and id in Kamailio's dialog table). */
export interface DialogHandle {
  callId: string
  hEntry: number
  hId: number
}

/** The live dialogs of a `dlg.list` answer with their handles; [] for anything else. */
export function dialogHandles(result: unknown): DialogHandle[] {
  if (!Array.isArray(result)) return []
  const out: DialogHandle[] = []
  for (const d of result) {
    if (typeof d !== 'object' || d === null) continue
    const r = d as Record<string, unknown>
    const callId = r['call-id']
    const hEntry = r.h_entry
    const hId = r.h_id
    if (
      typeof callId === 'string' &&
      typeof hEntry === 'number' &&
      typeof hId === 'number' &&
      r.state !== DELETED
    )
      out.push({ callId, hEntry, hId })
  }
  return out
}

/**
 * Probe 13 #6: ends the live dialogs of these Call-IDs — Kamailio sends BYE to both sides (dialog
 * module `send_bye`) and reports the end as for any BYE. Returns the Call-IDs it ended.
 */
export async function endDialogs(rpc: RpcCall, callIds: ReadonlySet<string>): Promise<string[]> {
  if (!callIds.size) return []
  const ended: string[] = []
  for (const d of dialogHandles(await rpc('dlg.list', [], { timeoutMs: 5000 }))) {
    if (!callIds.has(d.callId)) continue
    await rpc('dlg.end_dlg', [d.hEntry, d.hId]).then(
      () => ended.push(d.callId),
      // Ended meanwhile (a BYE crossed): nothing left to end.
      (e: unknown) => {
        if (!(e instanceof RpcError && e.kind === 'fault')) throw e
      },
    )
  }
  return ended
}
