/** Accounts (SPEC A1, A2): passwords, tokens, sessions, login throttling. */
export { loadMe, type MintSip } from './me.ts'
export { hashPassword, passwordVerifications, verifyPassword } from './password.ts'
export { FailureLimiter } from './rate-limit.ts'
export {
  authenticate,
  changeOwnPassword,
  type LoginInput,
  listSessions,
  login,
  ONE_TIME_ALLOWED,
  type Principal,
  REFUSED_TOKEN_CODES,
  type RevokeReason,
  requireOwnPassword,
  revokeAllSessions,
  revokeSession,
  SESSION_REVOKED_PREFIX,
  sessionLive,
} from './sessions.ts'
export {
  type Attempt,
  LOGIN_LIMITS,
  type LoginLimits,
  LoginThrottle,
  PASSWORD_CHANGE_LIMITS,
  PASSWORD_ISSUE_LIMITS,
} from './throttle.ts'
export { hashToken, newToken, SESSION_TTL_MS } from './tokens.ts'
