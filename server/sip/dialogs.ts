/**
 * Kamailio's dialogs as its JSON-RPC `dlg.list` reports them (dialog module): the Call-IDs of the calls
 * it still carries. Protocol words stay here; the domain only sees Call-IDs.
 */
import type { RpcCall } from './rpc.ts'

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
