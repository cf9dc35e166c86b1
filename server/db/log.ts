/**
 * What a failed query may put in the log: its SQLSTATE code and its text, never its parameters. A
 * query's parameters are user input (passwords at login, message text, tokens' hashes), and both
 * drivers attach them to the error — drizzle's DrizzleQueryError repeats them in its message and
 * stack, PGlite's error carries them as `params`, and PostgreSQL's own message often quotes the bad
 * value (`invalid input syntax for type uuid: "…"`). So the driver's message is dropped too.
 */

interface QueryErrorLike extends Error {
  query?: unknown
  params?: unknown
  code?: unknown
  cause?: unknown
}

const hasParams = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && ('params' in e || ('query' in e && 'cause' in e))

/** A copy of a failed-query error without parameters or driver message; other errors unchanged. */
export function redactQueryError(err: unknown): unknown {
  if (!(err instanceof Error)) return err
  const e = err as QueryErrorLike
  if (!hasParams(e) && !hasParams(e.cause)) return err
  // drizzle's error holds the query; the driver's (its cause) the SQLSTATE — PGlite's both.
  const both = [e, e.cause as QueryErrorLike | undefined]
  const pick = (k: 'code' | 'query') =>
    both.map((x) => x?.[k]).find((v) => typeof v === 'string') as string | undefined
  const code = pick('code') ?? 'unknown'
  const query = pick('query') ?? ''
  const safe = new Error(`query failed with SQLSTATE ${code}: ${query}`) as QueryErrorLike
  safe.name = 'QueryError'
  safe.code = code
  safe.query = query
  // Keep where it failed (the frames), not the message lines that held the parameters.
  const stack = e.stack ?? ''
  const afterMessage = stack.includes(e.message)
    ? stack.slice(stack.indexOf(e.message) + e.message.length)
    : ''
  const frames = afterMessage.split('\n').filter((l) => /^\s+at /.test(l))
  safe.stack = [`${safe.name}: ${safe.message}`, ...frames].join('\n')
  return safe
}

/** What the log holds for an error. */
export interface SerializedError {
  [key: string]: unknown
  type: string
  message: string
  stack: string
}

/** The pino `err` serializer: like pino's own (type, message, stack, own fields), after redaction. */
export function serializeError(err: unknown, depth = 0): SerializedError {
  const e = redactQueryError(err)
  if (!(e instanceof Error)) return { type: typeof e, message: String(e), stack: '' }
  const out: SerializedError = { type: e.name, message: e.message, stack: e.stack ?? '' }
  for (const [k, val] of Object.entries(e)) {
    if (k === 'cause' || k in out) continue
    out[k] = val
  }
  if (e.cause !== undefined && depth < 5) out.cause = serializeError(e.cause, depth + 1)
  return out
}

/** A webhook's key: the path segment after `/api/hooks/<kind>/` (any case, doubled slashes). */
const HOOK_KEY = /^(\/+api\/+hooks\/+[^/?#]+\/+)[^/?#]+/i

/**
 * A URL as the log keeps it: a webhook's key segment (`/api/hooks/<kind>/<key>`, the credential
 * providers call with — for a provider that signs nothing, the only one) becomes `…`.
 */
export const redactUrl = (url: string): string => url.replace(HOOK_KEY, '$1…')

/** The request as logged: Fastify's own fields (fastify/lib/logger-pino.js), its URL redacted. */
interface LoggedRequest {
  method: string
  url: string
  headers?: Record<string, unknown>
  host?: string
  ip?: string
  socket?: { remotePort?: number } | null
}

/** Logger serializers for Fastify (server/app.ts). */
export const logSerializers = {
  err: (e: unknown): SerializedError => serializeError(e),
  req: (req: LoggedRequest) => ({
    method: req.method,
    url: redactUrl(String(req.url ?? '')),
    version: req.headers?.['accept-version'] as string | undefined,
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  }),
}
