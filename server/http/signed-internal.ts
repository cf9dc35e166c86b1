/**
 * Probe 10 #9: the tenant CLI proves it knows the internal secret without sending it. Whatever answers
 * at the configured URL (a stale run/server.json, another local process on the port) learns nothing
 * it could reuse: the request carries an HMAC-SHA256, keyed by the secret, over the method, the path,
 * a timestamp, a nonce and the body's SHA-256:
 *
 *   x-internal-signature: v1 t=<unix ms> n=<nonce hex> b=<sha256(body) hex> s=<hmac hex>
 *
 * The server takes it within WINDOW_MS of its own clock and each nonce once (remembered for the
 * window, in memory: the CLI talks to the one server on loopback, so a per-process memory is enough
 * to make a captured request useless a second time). The body is checked against `b` when it is read.
 */
import crypto from 'node:crypto'

/** How far a signature's time may be from the server's. */
export const WINDOW_MS = 30_000
export const SIGNATURE_HEADER = 'x-internal-signature'

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex')
const mac = (secret: string, method: string, path: string, t: string, n: string, b: string) =>
  crypto.createHmac('sha256', secret).update(`v1\n${method}\n${path}\n${t}\n${n}\n${b}`).digest('hex')

/** The header for a request (the CLI's side). */
export function signInternal(
  secret: string,
  method: string,
  path: string,
  body: string,
  now = Date.now(),
): string {
  const t = String(now)
  const n = crypto.randomBytes(16).toString('hex')
  const b = sha256(body)
  return `v1 t=${t} n=${n} b=${b} s=${mac(secret, method, path, t, n, b)}`
}

/** Verifies signatures and remembers the nonces it took (the server's side; one per app). */
export class InternalSignatures {
  private readonly seen = new Map<string, number>()
  constructor(private readonly secret: string) {}

  /** The signed body hash when the header is good, fresh and new; null otherwise. */
  verify(header: unknown, method: string, path: string, now = Date.now()): string | null {
    if (typeof header !== 'string' || header.length > 400) return null
    const m = /^v1 t=(\d{1,16}) n=([0-9a-f]{32}) b=([0-9a-f]{64}) s=([0-9a-f]{64})$/.exec(header)
    if (!m) return null
    const [, t, n, b, s] = m as unknown as [string, string, string, string, string]
    if (Math.abs(now - Number(t)) > WINDOW_MS) return null
    const want = Buffer.from(mac(this.secret, method, path, t, n, b), 'hex')
    if (!crypto.timingSafeEqual(want, Buffer.from(s, 'hex'))) return null
    for (const [k, until] of this.seen) if (until < now) this.seen.delete(k)
    if (this.seen.has(n)) return null
    this.seen.set(n, now + 2 * WINDOW_MS)
    return b
  }
}

/** Whether the raw body is the one signed. */
export function bodyMatches(raw: string, signedHash: string): boolean {
  return crypto.timingSafeEqual(Buffer.from(sha256(raw), 'hex'), Buffer.from(signedHash, 'hex'))
}
