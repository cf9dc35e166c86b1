/**
 * Ephemeral SIP credentials for Kamailio's auth_ephemeral module: username `<unix expiry>:<user>`,
 * password base64(HMAC-SHA1(secret, username)). No SIP password is ever stored.
 */
import crypto from 'node:crypto'

/** Credential lifetime; GET /api/me re-issues them. */
export const SIP_CREDENTIAL_TTL_S = 12 * 60 * 60

/** Makes the username/password pair for `user` valid until `expiresAtS` (unix seconds). */
export function ephemeralCredentials(
  secret: string,
  user: string,
  expiresAtS: number,
): { username: string; password: string } {
  const username = `${expiresAtS}:${user}`
  const password = crypto.createHmac('sha1', secret).update(username).digest('base64')
  return { username, password }
}
