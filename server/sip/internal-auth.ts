/**
 * /internal/sip/* is for the local Kamailio only: the request must come from loopback and carry the
 * shared secret (compared in constant time, so its bytes cannot be guessed one by one by timing).
 */
import crypto from 'node:crypto'

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])

/** Is this a request Kamailio may make? */
export function internalAllowed(ip: string, header: string | string[] | undefined, secret: string): boolean {
  if (!LOOPBACK.has(ip)) return false
  if (typeof header !== 'string') return false
  const a = crypto.createHash('sha256').update(header).digest()
  const b = crypto.createHash('sha256').update(secret).digest()
  return crypto.timingSafeEqual(a, b)
}
