/**
 * Ephemeral SIP credentials for Kamailio's auth_ephemeral module: username `<unix expiry>:<user>`,
 * password base64(HMAC-SHA1(secret, username)). No SIP password is ever stored.
 */
import crypto from 'node:crypto'
import type { Me, SipSettings } from '../../contract/api.ts'

export interface SipConfig {
  secret: string
  wsUrl: string
}

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

/**
 * Fresh ephemeral SIP settings of an employee (LoginResponse, GET /api/me), or null when the tenant
 * has no softphone (SPEC A5).
 */
export function sipSettings(me: Me, sipDomain: string, sip: SipConfig, now = Date.now()): SipSettings | null {
  if (!me.features.softphone) return null
  const expiresAtS = Math.floor(now / 1000) + SIP_CREDENTIAL_TTL_S
  const { username, password } = domainCredentials(sip.secret, me.extension, sipDomain, expiresAtS)
  return {
    wsUrl: sip.wsUrl,
    aor: `sip:${me.extension}@${sipDomain}`,
    domain: sipDomain,
    username,
    password,
    expiresAt: new Date(expiresAtS * 1000).toISOString(),
  }
}
