/**
 * A subscription's keys (RFC 8291): p256dh must be a point on P-256 — a point off the curve makes
 * every send throw at encryption — and auth a 16-octet secret. Checked at subscribe and before a send.
 */
import crypto from 'node:crypto'

let probe: crypto.ECDH | null = null

/** Why the keys cannot be used, or null. */
export function keysProblem(p256dh: string, auth: string): string | null {
  const point = Buffer.from(p256dh, 'base64url')
  if (point.length !== 65 || point[0] !== 4) return 'keys.p256dh: not an uncompressed P-256 point'
  try {
    if (!probe) {
      probe = crypto.createECDH('prime256v1')
      probe.generateKeys()
    }
    probe.computeSecret(point)
  } catch {
    return 'keys.p256dh: not a point on P-256'
  }
  if (Buffer.from(auth, 'base64url').length !== 16) return 'keys.auth: must be 16 octets'
  return null
}
