/** SPEC A1: login with seat limit, bearer sessions with sliding expiry, logout, session list. */
import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm'
import type { LoginResponse, Role, SessionInfo } from '../../../contract/api.ts'
import { type Db, EVENTS_CHANNEL, type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { loadMe, type MintSip } from './me.ts'
import { dummyHash, verifyPassword } from './password.ts'
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
}

export interface LoginInput {
  login: string
  password: string
  ip: string
  userAgent: string
}

/**
 * Counts the attempt first (throttle.ts: refused over the limits before any hashing), checks the
 * password (the same answer and similar time for an unknown login and a wrong password), applies the
 * seat limit, and opens a session.
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
  await deps.throttle.succeeded(db.orm, attempt)
  const token = newToken()
  await db.orm.transaction(async (tx) => {
    // Serialize logins of one tenant so two at once cannot both take the last seat.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`seats:${emp.tenantId}`}))`)
    const [t] = await tx.select({ seats: tenants.seats }).from(tenants).where(eq(tenants.id, emp.tenantId))
    const live = and(
      eq(sessions.tenantId, emp.tenantId),
      isNull(sessions.revokedAt),
      gt(sessions.expiresAt, sql`now()`),
    )
    const [mine] = await tx
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(live, eq(sessions.employeeId, emp.id)))
      .limit(1)
    if (!mine) {
      const [c] = await tx
        .select({ n: sql<number>`count(DISTINCT ${sessions.employeeId})::int` })
        .from(sessions)
        .where(and(live, ne(sessions.employeeId, emp.id)))
      if ((c?.n ?? 0) >= (t?.seats ?? 0)) throw new AppError('E_SEAT_LIMIT')
    }
    await tx.insert(sessions).values({
      tenantId: emp.tenantId,
      employeeId: emp.id,
      tokenHash: hashToken(token),
      userAgent: input.userAgent.slice(0, 300),
      expiresAt: new Date(Date.now() + SESSION_TTL_MS),
    })
  })
  const { me, sipDomain } = await loadMe(db.orm, emp.tenantId, emp.id)
  return { token, me, sip: deps.mintSip(me, sipDomain) }
}

/** Resolves a bearer token to a live session, extending it (sliding expiry, written at most once a minute). */
export async function authenticate(q: Queryable, token: string): Promise<Principal> {
  if (!token || token.length > 200) throw new AppError('E_AUTH_REQUIRED')
  const [row] = await q
    .select({ s: sessions, role: employees.role })
    .from(sessions)
    .innerJoin(
      employees,
      and(eq(employees.id, sessions.employeeId), eq(employees.tenantId, sessions.tenantId)),
    )
    .where(
      and(
        eq(sessions.tokenHash, hashToken(token)),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql`now()`),
      ),
    )
  if (!row) throw new AppError('E_AUTH_REQUIRED')
  const { s } = row
  if (Date.now() - s.lastSeenAt.getTime() > 60_000) {
    await q
      .update(sessions)
      .set({ lastSeenAt: new Date(), expiresAt: new Date(Date.now() + SESSION_TTL_MS) })
      .where(and(eq(sessions.tenantId, s.tenantId), eq(sessions.id, s.id)))
  }
  return { sessionId: s.id, employeeId: s.employeeId, tenantId: s.tenantId, role: row.role }
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
