/**
 * What Kamailio's registrar holds now, read over its JSON-RPC (`ul.dump`, pbx/README.md). A browser
 * whose WebSocket closed without un-registering (device offline, tab killed) loses its contacts in
 * usrloc at once (`handle_lost_tcp`), but no REGISTER tells the server: the sweep compares.
 */

/** `user@domain` of every AOR in an `ul.dump` answer (any nesting; matched by its "AoR" keys). */
export function aorsInDump(dump: unknown): Set<string> {
  const out = new Set<string>()
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) for (const y of x) walk(y)
    else if (x && typeof x === 'object')
      for (const [k, v] of Object.entries(x)) {
        if (k === 'AoR' && typeof v === 'string') out.add(v.toLowerCase())
        else walk(v)
      }
  }
  walk(dump)
  return out
}

/** Calls `ul.dump` on Kamailio's /RPC (loopback, internal secret). */
export async function dumpUsrloc(wsPort: number, internalSecret: string): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${wsPort}/RPC`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-internal-secret': internalSecret },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'ul.dump', params: [], id: 1 }),
    signal: AbortSignal.timeout(2000),
  })
  if (!res.ok) throw new Error(`ul.dump: HTTP ${res.status}`)
  const body = (await res.json()) as { result?: unknown; error?: { message: string } }
  if (body.error) throw new Error(`ul.dump: ${body.error.message}`)
  return body.result
}
