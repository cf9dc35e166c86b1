/**
 * What Kamailio's registrar holds now, read over its JSON-RPC (`ul.dump`, pbx/README.md). A browser
 * whose WebSocket closed without un-registering (device offline, tab killed) loses its contacts in
 * usrloc at once (`handle_lost_tcp`), but no REGISTER tells the server: the sweep compares.
 */
import type { RpcCall } from './rpc.ts'

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

/** Calls `ul.dump` through Kamailio's JSON-RPC (server/sip/rpc.ts); throws an RpcError when it cannot. */
export function dumpUsrloc(rpc: RpcCall): Promise<unknown> {
  return rpc('ul.dump')
}
