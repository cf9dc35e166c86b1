/**
 * What the app says when the server ended a session (probe 13 #14): the reason it gave — the admin
 * deactivated the account, the password was changed on another device, or the admin issued a new one —
 * else that the session ended.
 */
import { t, tError } from '../../lib/i18n/index.ts'

/** The refusal codes that say why (server/domain/auth sessions.ts REFUSED_TOKEN_CODES but the bare one). */
export const TOLD_WHY: ReadonlySet<string> = new Set([
  'E_ACCOUNT_DEACTIVATED',
  'E_SESSION_PASSWORD_CHANGED',
  'E_SESSION_PASSWORD_RESET',
  'E_SESSION_TENANT_SUSPENDED',
])

/** The notice for an ended session of `name`, by the code the server refused it with. */
export function revokedText(code: string, name: string): string {
  return TOLD_WHY.has(code) ? tError(code) : t('account.revoked', { name })
}
