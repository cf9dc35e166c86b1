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

/**
 * A credential bound to the domain too: auth_ephemeral's autheph_check_from/_to then compare
 * user@domain (Kamailio auth_ephemeral docs, "username (or username and domain)"), so a line of one
 * tenant cannot be used in another tenant's domain. Used for guests and the gateway account.
 */
export function domainCredentials(
  secret: string,
  user: string,
  domain: string,
  expiresAtS: number,
): { username: string; password: string } {
  return ephemeralCredentials(secret, `${user}@${domain}`, expiresAtS)
}

/** The SIP user of the demo "phone network" account (S1 mobile column, C5 transfer to a number). */
export const GATEWAY_USER = 'gateway'

/** Demo-site caller users look like this (route: only virtual numbers, SPEC issue 3 §6). */
export const GUEST_PREFIX = 'guest-'
