/**
 * The signed visitor id (issue 7 §2): `v1.<payload>.<mac>`, payload = base64url JSON
 * `{ t: tenant id, v: visitor id, e: expiry (unix s) }`, mac = base64url HMAC-SHA256(visitorSecret,
 * "v1." + payload). The browser keeps it (the widget in localStorage); the widget, the demo site's
 * "Call us" button and later the tracking snippet send it, so one visitor is one id everywhere.
 * Nothing secret is inside: it only proves the server issued this id for this tenant, until `e`.
 */
import crypto from 'node:crypto'
import { AppError } from '../errors.ts'

const PREFIX = 'v1.'
/** A visitor token lives this long; every session (page load with the widget) renews it. */
export const VISITOR_TOKEN_TTL_S = 180 * 24 * 60 * 60
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export interface VisitorClaims {
  tenantId: string
  visitorId: string
  /** Expiry, unix seconds. */
  expiresAt: number
}

const mac = (secret: string, signed: string) =>
  crypto.createHmac('sha256', secret).update(signed).digest('base64url')

/** Signs a visitor token. */
export function signVisitorToken(
  secret: string,
  claims: { tenantId: string; visitorId: string },
  now = Date.now(),
): { token: string; expiresAt: number } {
  const expiresAt = Math.floor(now / 1000) + VISITOR_TOKEN_TTL_S
  const payload = Buffer.from(
    JSON.stringify({ t: claims.tenantId, v: claims.visitorId, e: expiresAt }),
  ).toString('base64url')
  return { token: `${PREFIX}${payload}.${mac(secret, PREFIX + payload)}`, expiresAt }
}

/**
 * The claims of a token this server signed that has not expired; E_VISITOR_TOKEN otherwise (forged,
 * altered, expired, malformed). With `tenantId`, a token of another tenant is refused the same way.
 */
export function verifyVisitorToken(
  secret: string,
  token: string,
  opts: { tenantId?: string; now?: number } = {},
): VisitorClaims {
  const bad = () => new AppError('E_VISITOR_TOKEN')
  if (token.length > 400 || !token.startsWith(PREFIX)) throw bad()
  const [payload, sig, ...rest] = token.slice(PREFIX.length).split('.')
  if (!payload || !sig || rest.length) throw bad()
  const want = Buffer.from(mac(secret, PREFIX + payload))
  const got = Buffer.from(sig)
  if (got.length !== want.length || !crypto.timingSafeEqual(got, want)) throw bad()
  let c: { t?: unknown; v?: unknown; e?: unknown }
  try {
    c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof c
  } catch {
    throw bad()
  }
  if (typeof c.t !== 'string' || typeof c.v !== 'string' || !UUID.test(c.t) || !UUID.test(c.v)) throw bad()
  if (typeof c.e !== 'number' || !Number.isSafeInteger(c.e)) throw bad()
  if (c.e * 1000 <= (opts.now ?? Date.now())) throw bad()
  if (opts.tenantId && opts.tenantId !== c.t) throw bad()
  return { tenantId: c.t, visitorId: c.v, expiresAt: c.e }
}
