/**
 * Kamailio's dialogs as its JSON-RPC `dlg.list` reports them (dialog module): the Call-IDs of the calls
 * it still carries. Protocol words stay here; the domain only sees Call-IDs.
 */

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
 * Asks Kamailio's /RPC (jsonrpcs over xhttp on its WebSocket port, pbx/README.md) for `dlg.list`;
 * null when it does not answer properly — never an empty set for "could not ask".
 */
export async function fetchLiveCallIds(wsPort: number, internalSecret: string): Promise<Set<string> | null> {
  const res = await fetch(`http://127.0.0.1:${wsPort}/RPC`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-internal-secret': internalSecret },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'dlg.list', id: 1 }),
    signal: AbortSignal.timeout(5000),
  }).catch(() => null)
  if (!res?.ok) return null
  const body = (await res.json().catch(() => null)) as { result?: unknown; error?: unknown } | null
  if (!body || body.error) return null
  return liveCallIds(body.result)
}
