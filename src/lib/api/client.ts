/**
 * Typed fetch client for /api (docs/api.md): Bearer token, coded errors. A call names its route by
 * its key in contract/routes.ts; the path parameters, query and body are typed from it, and so is
 * the answer:
 *
 *   const page = await api('GET /api/calls', { query: { scope: 'all', before } })   // CallPage
 *   await api('DELETE /api/auth/sessions/:id', { params: { id } })
 *   await api('PUT /api/me/status', { body: { status } })
 */
import type { ErrorBody } from '../../../contract/index.ts'
import type { ApiReply, ApiRouteKey, ApiRoutes } from '../../../contract/routes.ts'
import { isNetworkError, noteNetwork } from '../net/index.ts'

/** A failed call: `code` is from the contract catalogue, or E_NETWORK when the server was unreachable. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    /** The error's `details` (e.g. E_CHAT_TAKEN: who took the chat). */
    readonly details: string[] = [],
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

let tokenSource: () => string | null = () => null
let onUnauthorized: (token: string, code: string) => void = () => {}

/** Tell the client where the active session token comes from and who hears about a revoked one. */
export function configureApi(opts: {
  token: () => string | null
  unauthorized: (token: string, code: string) => void
}): void {
  tokenSource = opts.token
  onUnauthorized = opts.unauthorized
}

interface CallOpts {
  /** Use this token instead of the active account's (validating a saved account, logging one out). */
  token?: string | null
  signal?: AbortSignal
}

/** No properties: `Empty extends T` holds when nothing in T is required. */
type Empty = Record<never, never>

/** The `:name` parameters of a route key's path. */
type ParamNames<P extends string> = P extends `${string}:${infer N}/${infer Rest}`
  ? N | ParamNames<Rest>
  : P extends `${string}:${infer N}`
    ? N
    : never

/** What a call of route K takes besides the key: each part required when the route has one. */
export type ApiOpts<K extends ApiRouteKey> = CallOpts &
  ([ParamNames<K>] extends [never] ? { params?: never } : { params: Record<ParamNames<K>, string> }) &
  (ApiRoutes[K] extends { body: infer B } ? { body: B } : { body?: never }) &
  (ApiRoutes[K] extends { query: infer Q }
    ? Empty extends Q
      ? { query?: Q }
      : { query: Q }
    : { query?: never })

/** The options argument may be left out when nothing in it is required. */
type ApiArgs<K extends ApiRouteKey> = Empty extends ApiOpts<K> ? [opts?: ApiOpts<K>] : [opts: ApiOpts<K>]

type UrlParts<K extends ApiRouteKey> = Pick<ApiOpts<K>, 'params' | 'query'>
type UrlArgs<K extends ApiRouteKey> = Empty extends UrlParts<K> ? [parts?: UrlParts<K>] : [parts: UrlParts<K>]

type QueryValue = string | number | boolean | null | undefined

/**
 * The URL of route K: `:params` filled in (encoded), the query's defined values appended. For calls
 * that are not JSON (raw uploads, audio) made with fetch.
 */
export function apiUrl<K extends ApiRouteKey>(route: K, ...args: UrlArgs<K>): string {
  const parts = (args[0] ?? {}) as { params?: Record<string, string>; query?: object }
  const path = route.slice(route.indexOf(' ') + 1).replace(/:(\w+)/g, (_, name: string) => {
    const value = parts.params?.[name]
    if (value === undefined) throw new Error(`apiUrl: ${route} needs :${name}`)
    return encodeURIComponent(value)
  })
  const qs = new URLSearchParams()
  for (const [k, val] of Object.entries(parts.query ?? {}) as [string, QueryValue][])
    if (val !== undefined && val !== null) qs.set(k, String(val))
  const q = qs.toString()
  return q ? `${path}?${q}` : path
}

/** Call route K; resolves with its answer (undefined for 204) or throws ApiError. */
export function api<K extends ApiRouteKey>(route: K, ...args: ApiArgs<K>): Promise<ApiReply<K>> {
  const opts = args[0] as (CallOpts & { body?: unknown }) | undefined
  return send(
    route.slice(0, route.indexOf(' ')),
    (apiUrl as (r: string, p?: unknown) => string)(route, opts),
    opts,
  ) as Promise<ApiReply<K>>
}

async function send(
  method: string,
  path: string,
  opts: CallOpts & { body?: unknown } = {},
): Promise<unknown> {
  const token = opts.token === undefined ? tokenSource() : opts.token
  const headers: Record<string, string> = { accept: 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    })
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e
    // A6: a request that failed at the network level says the device is offline, whatever
    // navigator.onLine claims.
    if (isNetworkError(e)) noteNetwork('failed')
    throw new ApiError('E_NETWORK', 0, 'network error')
  }
  noteNetwork('reached')
  if (res.status === 204) return undefined
  const data: unknown = await res.json().catch(() => null)
  if (!res.ok) {
    const err = (data as ErrorBody | null)?.error
    const code = typeof err?.code === 'string' ? err.code : res.status >= 500 ? 'E_INTERNAL' : 'E_BAD_REQUEST'
    if (res.status === 401 && token && opts.token === undefined) onUnauthorized(token, code)
    const details = Array.isArray(err?.details) ? err.details.filter((d) => typeof d === 'string') : []
    throw new ApiError(code, res.status, typeof err?.message === 'string' ? err.message : code, details)
  }
  return data
}
