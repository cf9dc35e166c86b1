/**
 * SPEC A1: login, bearer sessions with sliding expiry, logout, session list. Seats are accounts
 * (issue 13: server/domain/employees), not sessions: an active employee may sign in on any number of
 * devices; a deactivated one, or anyone of a suspended tenant, may not.
 */
import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm'
import type { ChangePasswordResponse } from '../../../contract/admin.ts'
import type { LoginResponse, Role, SessionInfo } from '../../../contract/api.ts'
import type { ErrorCode } from '../../../contract/errors.ts'
import {
  announceLinesChanged,
  appendEvent,
  cutLines,
  type Db,
  EVENTS_CHANNEL,
  type Queryable,
  schema,
} from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { loadMe, type MintSip } from './me.ts'
import { dummyHash, hashPassword, verifyPassword } from './password.ts'
import type { LoginThrottle } from './throttle.ts'
import { hashToken, newToken, SESSION_TTL_MS } from './tokens.ts'

const { employees, sessions, tenants } = schema

/**
 * A revocation is announced on the events channel (payload `revoked:<session id>`) so every instance's
 * hub closes that session's sockets; sharing the channel keeps it ordered with the events after it.
 */
export const SESSION_REVOKED_PREFIX = 'revoked:'

/** Who is calling: resolved from a bearer token. */
export interface Principal {
  sessionId: string
  employeeId: string
  tenantId: string
  role: Role
  /** Probe 13 #13: signed in with an issued password; only the set-password step is answered (gate below). */
  oneTimePassword?: boolean
}

/**
 * Probe 13 #13: what a session signed in with a one-time (issued) password may call until the employee
 * sets his own: his profile (the app learns it must ask), the new password, and signing out.
 */
export const ONE_TIME_ALLOWED: ReadonlySet<string> = new Set([
  'GET /api/me',
  'PUT /api/me/password',
  'POST /api/auth/logout',
])

/** E_PASSWORD_CHANGE_REQUIRED for any other route while the caller's password is a one-time one. */
export function requireOwnPassword(p: Principal, route: string): void {
  if (p.oneTimePassword && !ONE_TIME_ALLOWED.has(route)) throw new AppError('E_PASSWORD_CHANGE_REQUIRED')
}

/** Why the server ends a session, told to its device (migration 0215 `revoked_reason`). */
export type RevokeReason = 'password_changed' | 'password_reset'

/** The codes `authenticate` refuses a token with (each a 401: the app signs that account out). */
export const REFUSED_TOKEN_CODES: ReadonlySet<string> = new Set([
  'E_AUTH_REQUIRED',
  'E_ACCOUNT_DEACTIVATED',
  'E_SESSION_PASSWORD_CHANGED',
  'E_SESSION_PASSWORD_RESET',
  'E_SESSION_TENANT_SUSPENDED',
])

export interface LoginInput {
  login: string
  password: string
  ip: string
  userAgent: string
}

/**
 * Counts the attempt first (throttle.ts: refused over the limits before any hashing), checks the
 * password (the same answer and similar time for an unknown login, a deactivated account and a wrong
 * password), refuses a suspended tenant, and opens a session.
 */
export async function login(
  db: Db,
  deps: { throttle: LoginThrottle; mintSip: MintSip },
  input: LoginInput,
): Promise<LoginResponse> {
  const loginName = input.login.toLowerCase()
  const attempt = await deps.throttle.attempt(db.orm, loginName, input.ip)
  if (!attempt.admitted) throw new AppError('E_RATE_LIMITED')
  const [emp] = await db.orm.select().from(employees).where(eq(employees.login, loginName))
  const ok = await verifyPassword(input.password, emp?.passwordHash ?? (await dummyHash()))
  if (!emp || !ok) throw new AppError('E_BAD_CREDENTIALS')
  // Told only to someone who knows the password: the account exists, and the admin switched it off.
  if (emp.deactivatedAt) throw new AppError('E_ACCOUNT_DEACTIVATED')
  await deps.throttle.succeeded(db.orm, attempt)
  const token = newToken()
  const [t] = await db.orm
    .select({ suspendedAt: tenants.suspendedAt })
    .from(tenants)
    .where(eq(tenants.id, emp.tenantId))
  if (t?.suspendedAt) throw new AppError('E_TENANT_SUSPENDED')
  await db.orm.insert(sessions).values({
    tenantId: emp.tenantId,
    employeeId: emp.id,
    tokenHash: hashToken(token),
    userAgent: input.userAgent.slice(0, 300),
    expiresAt: new Date(Date.now() + SESSION_TTL_MS),
  })
  const { me, sipDomain, sipNotBefore } = await loadMe(db.orm, emp.tenantId, emp.id)
  // A one-time password gets no SIP line: nothing but the set-password step until his own (probe 13 #13).
  return { token, me, sip: me.mustChangePassword ? null : deps.mintSip(me, sipDomain, sipNotBefore) }
}

/** Resolves a bearer token to a live session, extending it (sliding expiry, written at most once a minute). */
export async function authenticate(q: Queryable, token: string): Promise<Principal> {
  if (!token || token.length > 200) throw new AppError('E_AUTH_REQUIRED')
  const [row] = await q
    .select({ s: sessions, role: employees.role, oneTime: employees.passwordOneTime })
    .from(sessions)
    .innerJoin(
      employees,
      and(eq(employees.id, sessions.employeeId), eq(employees.tenantId, sessions.tenantId)),
    )
    .innerJoin(tenants, eq(tenants.id, sessions.tenantId))
    .where(
      and(
        eq(sessions.tokenHash, hashToken(token)),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql`now()`),
        // Issue 13: revoking is the live cut; these make an old token useless even if one were missed.
        isNull(employees.deactivatedAt),
        isNull(tenants.suspendedAt),
      ),
    )
  if (!row) throw new AppError(await whyRefused(q, token))
  const { s } = row
  if (Date.now() - s.lastSeenAt.getTime() > 60_000) {
    await q
      .update(sessions)
      .set({ lastSeenAt: new Date(), expiresAt: new Date(Date.now() + SESSION_TTL_MS) })
      .where(and(eq(sessions.tenantId, s.tenantId), eq(sessions.id, s.id)))
  }
  return {
    sessionId: s.id,
    employeeId: s.employeeId,
    tenantId: s.tenantId,
    role: row.role,
    oneTimePassword: row.oneTime,
  }
}

/** Revokes one of the caller's own sessions; E_NOT_FOUND for anything else. */
export async function revokeSession(q: Queryable, p: Principal, sessionId: string): Promise<void> {
  const done = await q
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(sessions.tenantId, p.tenantId),
        eq(sessions.employeeId, p.employeeId),
        eq(sessions.id, sessionId),
        isNull(sessions.revokedAt),
      ),
    )
    .returning({ id: sessions.id })
  if (!done.length) throw new AppError('E_NOT_FOUND')
  // Inside a transaction the NOTIFY goes out on commit; otherwise right after the update committed.
  await q.execute(sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${SESSION_REVOKED_PREFIX + sessionId})`)
}

/** Whether a session is still live (not revoked, not expired); for sockets authenticated earlier. */
export async function sessionLive(q: Queryable, tenantId: string, sessionId: string): Promise<boolean> {
  const [row] = await q
    .select({ id: sessions.id })
    .from(sessions)
    .where(
      and(
        eq(sessions.tenantId, tenantId),
        eq(sessions.id, sessionId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql`now()`),
      ),
    )
  return !!row
}

/** The caller's live sessions, newest first, the current one flagged. */
export async function listSessions(q: Queryable, p: Principal): Promise<SessionInfo[]> {
  const rows = await q
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.tenantId, p.tenantId),
        eq(sessions.employeeId, p.employeeId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql`now()`),
      ),
    )
    .orderBy(desc(sessions.lastSeenAt))
  return rows.map((s) => ({
    id: s.id,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    userAgent: s.userAgent,
    current: s.id === p.sessionId,
  }))
}

/**
 * Revokes the live sessions of a tenant (or of one employee in it), but `except`; each revocation is
 * NOTIFYed so every instance closes those sockets (at commit inside a transaction). Returns how many.
 */
export async function revokeAllSessions(
  q: Queryable,
  tenantId: string,
  opts: { employeeId?: string; except: string | null; reason?: RevokeReason },
): Promise<number> {
  const done = await q
    .update(sessions)
    .set({ revokedAt: new Date(), revokedReason: opts.reason ?? null })
    .where(
      and(
        eq(sessions.tenantId, tenantId),
        isNull(sessions.revokedAt),
        ...(opts.employeeId ? [eq(sessions.employeeId, opts.employeeId)] : []),
        ...(opts.except ? [ne(sessions.id, opts.except)] : []),
      ),
    )
    .returning({ id: sessions.id })
  for (const s of done)
    await q.execute(sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${SESSION_REVOKED_PREFIX + s.id})`)
  return done.length
}

/**
 * SPEC A1 / issue 13: the employee changes his own password; the current one is required
 * (E_WRONG_PASSWORD), and on request his other sessions end (this one stays).
 */
export async function changeOwnPassword(
  db: Db,
  throttle: LoginThrottle,
  p: Principal & { ip: string },
  input: { current: string; next: string; signOutOthers: boolean },
): Promise<ChangePasswordResponse> {
  // Probe 10 #6: counted before the hash is checked, like a login (throttle.ts). Probe 13 #15: a
  // success counts too (it hashes twice), so no account can make the server hash without end.
  const attempt = await throttle.attempt(db.orm, `pw\0${p.tenantId}\0${p.employeeId}`, p.ip)
  if (!attempt.admitted) throw new AppError('E_RATE_LIMITED')
  const [emp] = await db.orm
    .select({ hash: employees.passwordHash })
    .from(employees)
    .where(and(eq(employees.tenantId, p.tenantId), eq(employees.id, p.employeeId)))
  if (!emp || !(await verifyPassword(input.current, emp.hash))) throw new AppError('E_WRONG_PASSWORD')
  const hash = await hashPassword(input.next)
  return db.orm.transaction(async (tx) => {
    await tx
      .update(employees)
      // His own password now: a one-time (issued) one is spent (probe 13 #13).
      .set({ passwordHash: hash, passwordOneTime: false })
      .where(and(eq(employees.tenantId, p.tenantId), eq(employees.id, p.employeeId)))
    const endedSessions = input.signOutOthers
      ? await revokeAllSessions(tx, p.tenantId, {
          employeeId: p.employeeId,
          except: p.sessionId,
          reason: 'password_changed',
        })
      : 0
    if (input.signOutOthers) {
      // Probe 13 #1: the other devices lose the SIP line too (credentials refused, unregistered);
      // this session's app re-reads /api/me on employee.updated and registers with fresh ones.
      const [e] = await tx
        .select({ ext: employees.extension })
        .from(employees)
        .where(and(eq(employees.tenantId, p.tenantId), eq(employees.id, p.employeeId)))
      if (e) await cutLines(tx, p.tenantId, [e.ext])
      await announceLinesChanged(tx, p.tenantId)
      await appendEvent(
        tx,
        p.tenantId,
        'employee.updated',
        { employeeId: p.employeeId },
        { employeeIds: [p.employeeId] },
      )
    }
    return { endedSessions }
  })
}

/**
 * Why a token is refused, told to its device: the admin deactivated the account, or (probe 13 #14) the
 * session was ended because the password was changed elsewhere or reset by the admin.
 */
async function whyRefused(q: Queryable, token: string): Promise<ErrorCode> {
  const [row] = await q
    .select({ at: employees.deactivatedAt, reason: sessions.revokedReason, suspended: tenants.suspendedAt })
    .from(sessions)
    .innerJoin(
      employees,
      and(eq(employees.id, sessions.employeeId), eq(employees.tenantId, sessions.tenantId)),
    )
    .innerJoin(tenants, eq(tenants.id, sessions.tenantId))
    .where(eq(sessions.tokenHash, hashToken(token)))
  // Probe 13 UI #20: a suspended company's people were told "sign in again", and then could not.
  if (row?.suspended) return 'E_SESSION_TENANT_SUSPENDED'
  if (row?.at) return 'E_ACCOUNT_DEACTIVATED'
  if (row?.reason === 'password_changed') return 'E_SESSION_PASSWORD_CHANGED'
  if (row?.reason === 'password_reset') return 'E_SESSION_PASSWORD_RESET'
  return 'E_AUTH_REQUIRED'
}
