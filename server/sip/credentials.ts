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
 * The expiry of a credential minted now for a line whose last cut is `notBefore` (server/db/line-cuts.ts):
 * counted from that second when it is still ahead, so Kamailio's check (expiry − TTL ≥ not before)
 * admits it while refusing every credential minted before the cut.
 */
export function credentialExpiry(now: number, notBefore = 0): number {
  return Math.max(Math.floor(now / 1000), notBefore) + SIP_CREDENTIAL_TTL_S
}

/**
 * Fresh ephemeral SIP settings of an employee (LoginResponse, GET /api/me), or null when the tenant
 * has no softphone (SPEC A5). `notBefore`: his line's last cut (probe 13 #1).
 */
export function sipSettings(
  me: Me,
  sipDomain: string,
  sip: SipConfig,
  now = Date.now(),
  notBefore = 0,
): SipSettings | null {
  if (!me.features.softphone) return null
  const expiresAtS = credentialExpiry(now, notBefore)
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
