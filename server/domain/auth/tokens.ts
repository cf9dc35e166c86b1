/** Session tokens: 32 random bytes (base64url) given to the client; only their sha256 is stored. */
import crypto from 'node:crypto'

/** A new bearer token. */
export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url')
}

/** The stored form of a token. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex')
}

/** Sliding session lifetime. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000
