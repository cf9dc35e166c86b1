/**
 * The one client of Kamailio's JSON-RPC (jsonrpcs over xhttp on its WebSocket port, `/RPC`, guarded by
 * the internal secret header; pbx/README.md). The server's polls, the launcher's readiness check and
 * the tests all ask through it, so the keep-alive retry and the timeout are in one place.
 */

/** How a call failed: nothing answered, no answer in time, a non-2xx status, a JSON-RPC error, or an answer that is not JSON-RPC. */
export type RpcFailure = 'unreachable' | 'timeout' | 'http' | 'fault' | 'bad-answer'

/** A failed JSON-RPC call; `kind` says how, `status` is the HTTP status for `http`. */
export class RpcError extends Error {
  override readonly name = 'RpcError'
  constructor(
    readonly method: string,
    readonly kind: RpcFailure,
    detail: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(`kamailio /RPC ${method}: ${detail}`, options)
  }
}

/** Calls one JSON-RPC method and resolves with its `result` (undefined when Kamailio leaves it out). */
export type RpcCall = (method: string, params?: unknown[], opts?: { timeoutMs?: number }) => Promise<unknown>

export interface RpcOptions {
  /** Kamailio's WebSocket/HTTP port on loopback. */
  port: number
  /** The internal secret Kamailio's xhttp route checks. */
  secret: string
  host?: string
  /** Per attempt; default 2 s. */
  timeoutMs?: number
}

/**
 * Kamailio closes an idle keep-alive connection as it likes; a request that went out on one it had
 * just closed fails with "other side closed" (undici UND_ERR_SOCKET) or ECONNRESET, seen under load.
 * Every method we call is a read or an idempotent htable set/delete (line bans), so asking again is
 * safe — up to three times: the pool may hold more than one connection Kamailio has just closed.
 */
function closedUnderUs(e: unknown): boolean {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause
  return (
    cause?.code === 'UND_ERR_SOCKET' ||
    cause?.code === 'ECONNRESET' ||
    (typeof cause?.message === 'string' && cause.message.includes('other side closed'))
  )
}

/** A client for the Kamailio at `127.0.0.1:port` (or `host`). */
export function kamailioRpc(o: RpcOptions): RpcCall {
  const url = `http://${o.host ?? '127.0.0.1'}:${o.port}/RPC`
  return async (method, params = [], opts = {}) => {
    const timeoutMs = opts.timeoutMs ?? o.timeoutMs ?? 2000
    const ask = () =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-internal-secret': o.secret },
        body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }),
        signal: AbortSignal.timeout(timeoutMs),
      })
    const failed = (e: unknown): never => {
      if ((e as { name?: unknown }).name === 'TimeoutError')
        throw new RpcError(method, 'timeout', `no answer in ${timeoutMs} ms`, undefined, { cause: e })
      throw new RpcError(method, 'unreachable', String((e as { cause?: unknown }).cause ?? e), undefined, {
        cause: e,
      })
    }
    const attempt = (left: number): Promise<Response> =>
      ask().catch((e: unknown) => (left > 0 && closedUnderUs(e) ? attempt(left - 1) : Promise.reject(e)))
    const res = await attempt(2).catch(failed)
    if (!res.ok) {
      await res.body?.cancel()
      throw new RpcError(method, 'http', `answered HTTP ${res.status}`, res.status)
    }
    const body = (await res.json().catch((e: unknown) => {
      if ((e as { name?: unknown }).name === 'TimeoutError') failed(e)
      throw new RpcError(method, 'bad-answer', 'answer is not JSON', undefined, { cause: e })
    })) as unknown
    if (!body || typeof body !== 'object') throw new RpcError(method, 'bad-answer', 'answer is not an object')
    const { result, error } = body as { result?: unknown; error?: { message?: unknown } }
    if (error) throw new RpcError(method, 'fault', String(error.message ?? JSON.stringify(error)))
    return result
  }
}
