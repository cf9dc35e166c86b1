/** Typed fetch client for /api (docs/api.md): Bearer token, coded errors. */
import type { ErrorBody } from '../../../contract/index.ts'
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
let onUnauthorized: (token: string) => void = () => {}

/** Tell the client where the active session token comes from and who hears about a revoked one. */
export function configureApi(opts: {
  token: () => string | null
  unauthorized: (token: string) => void
}): void {
  tokenSource = opts.token
  onUnauthorized = opts.unauthorized
}

interface RequestOpts {
  body?: unknown
  /** Use this token instead of the active account's (validating a saved account, logging one out). */
  token?: string | null
  signal?: AbortSignal
}

/** Call the API; resolves with the parsed JSON (undefined for 204) or throws ApiError. */
export async function api<T>(method: string, path: string, opts: RequestOpts = {}): Promise<T> {
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
  if (res.status === 204) return undefined as T
  const data: unknown = await res.json().catch(() => null)
  if (!res.ok) {
    const err = (data as ErrorBody | null)?.error
    const code = typeof err?.code === 'string' ? err.code : res.status >= 500 ? 'E_INTERNAL' : 'E_BAD_REQUEST'
    if (res.status === 401 && token && opts.token === undefined) onUnauthorized(token)
    const details = Array.isArray(err?.details) ? err.details.filter((d) => typeof d === 'string') : []
    throw new ApiError(code, res.status, typeof err?.message === 'string' ? err.message : code, details)
  }
  return data as T
}
