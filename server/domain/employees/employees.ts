/**
 * Employees as the admin runs them (issue 13, SPEC A1): create (extension offered), edit, issue a
 * password (answered once), deactivate and re-activate. Seats are accounts — active employees — as the
 * plan counts them ("the number of accounts is set by the plan"): creating or re-activating one over
 * the limit is E_SEAT_LIMIT, whoever is signed in. Every change is one transaction that ends with its
 * audit entry; cutting a deactivated employee off (sessions, sockets, SIP line) happens in it too, by
 * revoking his sessions (the hubs close his sockets on the NOTIFY at commit) and announcing the
 * tenant's lines changed (the server with the PBX bans and unregisters his line, server/sip/lineban.ts).
 */
import crypto from 'node:crypto'
import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm'
import type {
  CreateEmployeeBody,
  EditEmployeeBody,
  EmployeeAdminView,
  EmployeePasswordResponse,
  EmployeesAdminResponse,
} from '../../../contract/admin.ts'
import {
  announceLinesChanged,
  appendEvent,
  cutLines,
  type Db,
  type Queryable,
  schema,
} from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { recordAudit } from '../audit/index.ts'
import { hashPassword, revokeAllSessions } from '../auth/index.ts'
import { releaseChatsOf } from '../chats/index.ts'
import { INITIAL_STATUS } from '../status/index.ts'
import { assertNoNumberRings } from './in-use.ts'
import { normaliseMobile } from './mobile.ts'

const { employees, groups, tenants, virtualNumbers } = schema

/** Who makes the change: an admin of the tenant (the route checked the role). */
export interface Actor {
  tenantId: string
  employeeId: string
}

type Row = typeof employees.$inferSelect

/** What the admin sees of an employee; also the audit snapshot (no password hash). */
export function adminView(e: Row): EmployeeAdminView {
  return {
    id: e.id,
    name: e.name,
    login: e.login,
    role: e.role,
    extension: e.extension,
    mobile: e.mobile,
    acceptButton: e.acceptButton,
    active: !e.deactivatedAt,
    deactivatedAt: e.deactivatedAt?.toISOString() ?? null,
    createdAt: e.createdAt.toISOString(),
  }
}

/** The audit snapshot: what an admin may change (not timestamps). */
function snap(e: Row): Record<string, unknown> {
  const { deactivatedAt: _d, createdAt: _c, ...rest } = adminView(e)
  return rest
}

/** A one-time password: 12 characters from an alphabet without look-alikes (0/O, 1/l/I). */
export function newPassword(): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'
  const bytes = crypto.randomBytes(12)
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('')
}

/** Serializes seat and extension decisions of one tenant (two creates cannot take the last seat). */
async function lockTenant(tx: Queryable, tenantId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`seats:${tenantId}`}))`)
}

/** Active accounts and the plan's number. */
export async function seatsOf(q: Queryable, tenantId: string): Promise<{ total: number; used: number }> {
  const [t] = await q.select({ seats: tenants.seats }).from(tenants).where(eq(tenants.id, tenantId))
  const [c] = await q
    .select({ n: sql<number>`count(*)::int` })
    .from(employees)
    .where(and(eq(employees.tenantId, tenantId), isNull(employees.deactivatedAt)))
  return { total: t?.seats ?? 0, used: c?.n ?? 0 }
}

/** E_SEAT_LIMIT unless one more active account fits the plan. Call under lockTenant. */
export async function assertSeatFree(tx: Queryable, tenantId: string): Promise<void> {
  const s = await seatsOf(tx, tenantId)
  if (s.used >= s.total) throw new AppError('E_SEAT_LIMIT')
}

/**
 * Whether an internal number is taken in the tenant: by another employee (active or not — his
 * history keeps it), a group, or a virtual number.
 */
export async function extensionTaken(
  q: Queryable,
  tenantId: string,
  ext: string,
  exceptEmployeeId?: string,
): Promise<boolean> {
  const byEmployee = await q
    .select({ id: employees.id })
    .from(employees)
    .where(
      and(
        eq(employees.tenantId, tenantId),
        eq(employees.extension, ext),
        ...(exceptEmployeeId ? [ne(employees.id, exceptEmployeeId)] : []),
      ),
    )
    .limit(1)
  if (byEmployee.length) return true
  const byGroup = await q
    .select({ id: groups.id })
    .from(groups)
    .where(and(eq(groups.tenantId, tenantId), eq(groups.extension, ext)))
    .limit(1)
  if (byGroup.length) return true
  const byNumber = await q
    .select({ id: virtualNumbers.id })
    .from(virtualNumbers)
    .where(and(eq(virtualNumbers.tenantId, tenantId), eq(virtualNumbers.number, ext)))
    .limit(1)
  return byNumber.length > 0
}

/** The extension offered for a new employee: the lowest free number from 101 up. */
export async function nextExtension(q: Queryable, tenantId: string): Promise<string> {
  const used = new Set<string>()
  for (const r of await q
    .select({ x: employees.extension })
    .from(employees)
    .where(eq(employees.tenantId, tenantId)))
    used.add(r.x)
  for (const r of await q.select({ x: groups.extension }).from(groups).where(eq(groups.tenantId, tenantId)))
    used.add(r.x)
  for (const r of await q
    .select({ x: virtualNumbers.number })
    .from(virtualNumbers)
    .where(eq(virtualNumbers.tenantId, tenantId)))
    used.add(r.x)
  for (let n = 101; n < 1_000_000; n++) if (!used.has(String(n))) return String(n)
  throw new AppError('E_EXTENSION_TAKEN')
}

/** The tenant's employees for the admin area, with seats and the extension a new one would get. */
export async function listEmployeesAdmin(q: Queryable, tenantId: string): Promise<EmployeesAdminResponse> {
  const rows = await q
    .select()
    .from(employees)
    .where(eq(employees.tenantId, tenantId))
    .orderBy(asc(employees.extension))
  return {
    employees: rows.map(adminView),
    seats: await seatsOf(q, tenantId),
    nextExtension: await nextExtension(q, tenantId),
    loginDomain:
      (await q.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, tenantId)))[0]?.slug ?? '',
  }
}

/** A unique violation (login is unique across tenants; extension per tenant) as its coded error. */
function uniqueError(e: unknown): AppError | null {
  const err = e as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } }
  const code = err.code ?? err.cause?.code
  if (code !== '23505') return null
  const c = `${err.constraint ?? err.cause?.constraint ?? ''} ${String((e as Error).message ?? '')}`
  return new AppError(c.includes('login') ? 'E_LOGIN_TAKEN' : 'E_EXTENSION_TAKEN')
}

async function inTx<T>(db: Db, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  try {
    return await db.orm.transaction(fn)
  } catch (e) {
    throw uniqueError(e) ?? e
  }
}

async function lockedRow(tx: Queryable, tenantId: string, id: string): Promise<Row> {
  const [row] = await tx
    .select()
    .from(employees)
    .where(and(eq(employees.tenantId, tenantId), eq(employees.id, id)))
    .for('update')
  if (!row) throw new AppError('E_NOT_FOUND')
  return row
}

/** E_LAST_ADMIN when `row` is the tenant's only active admin. */
async function assertNotLastAdmin(tx: Queryable, tenantId: string, row: Row): Promise<void> {
  if (row.role !== 'admin' || row.deactivatedAt) return
  const [c] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(employees)
    .where(
      and(
        eq(employees.tenantId, tenantId),
        eq(employees.role, 'admin'),
        isNull(employees.deactivatedAt),
        ne(employees.id, row.id),
      ),
    )
  if ((c?.n ?? 0) === 0) throw new AppError('E_LAST_ADMIN')
}

/**
 * Probe 10 #7: logins are one namespace across tenants, so a tenant's logins end with `@<its slug>`:
 * a login without `@` gets the suffix, a login with another suffix is E_LOGIN_DOMAIN. One tenant can
 * then neither take another's logins nor learn from E_LOGIN_TAKEN whether they exist.
 */
export async function loginInTenant(q: Queryable, tenantId: string, login: string): Promise<string> {
  const [t] = await q.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, tenantId))
  if (!t) throw new AppError('E_NOT_FOUND')
  const at = login.indexOf('@')
  const full = at < 0 ? `${login}@${t.slug}` : login
  const local = full.slice(0, full.indexOf('@'))
  if (full !== `${local}@${t.slug}` || local.length === 0) throw new AppError('E_LOGIN_DOMAIN')
  if (full.length > 64) throw new AppError('E_VALIDATION')
  return full
}

/**
 * Creates an employee with a new password (answered once). `actorId` null = the platform (the tenant
 * CLI creating the first admin). Runs in `tx` when given (tenant creation), else its own transaction.
 */
export async function addEmployee(
  q: Queryable,
  tenantId: string,
  actorId: string | null,
  body: CreateEmployeeBody,
  /** The demo seed's known password; otherwise one is issued, one-time (probe 13 #13). */
  given?: string,
): Promise<EmployeePasswordResponse> {
  const password = given ?? newPassword()
  const mobile = normaliseMobile(body.mobile)
  const login = await loginInTenant(q, tenantId, body.login)
  await lockTenant(q, tenantId)
  await assertSeatFree(q, tenantId)
  const [taken] = await q
    .select({ id: employees.id })
    .from(employees)
    .where(eq(employees.login, login))
    .limit(1)
  if (taken) throw new AppError('E_LOGIN_TAKEN')
  const extension = body.extension ?? (await nextExtension(q, tenantId))
  if (await extensionTaken(q, tenantId, extension)) throw new AppError('E_EXTENSION_TAKEN')
  const [row] = await q
    .insert(employees)
    .values({
      tenantId,
      login,
      passwordHash: await hashPassword(password),
      name: body.name,
      role: body.role,
      extension,
      mobile,
      acceptButton: body.acceptButton,
      status: INITIAL_STATUS,
      passwordOneTime: given === undefined,
    })
    .returning()
  if (!row) throw new Error('employee insert returned nothing')
  await recordAudit(q, tenantId, {
    actorId,
    action: 'employee.create',
    entity: 'employee',
    entityId: row.id,
    before: null,
    after: snap(row),
  })
  return { employee: adminView(row), password }
}

/** POST /api/admin/employees. */
export function createEmployeeByAdmin(
  db: Db,
  a: Actor,
  body: CreateEmployeeBody,
): Promise<EmployeePasswordResponse> {
  return inTx(db, (tx) => addEmployee(tx, a.tenantId, a.employeeId, body))
}

/** PATCH /api/admin/employees/:id: name, role, extension, mobile, the Accept button. */
export function editEmployee(
  db: Db,
  a: Actor,
  id: string,
  body: EditEmployeeBody,
): Promise<EmployeeAdminView> {
  return inTx(db, async (tx) => {
    await lockTenant(tx, a.tenantId)
    const before = await lockedRow(tx, a.tenantId, id)
    if (body.role && body.role !== 'admin') await assertNotLastAdmin(tx, a.tenantId, before)
    if (body.extension && body.extension !== before.extension) {
      if (await extensionTaken(tx, a.tenantId, body.extension, id)) throw new AppError('E_EXTENSION_TAKEN')
    }
    const patch = Object.fromEntries(
      Object.entries({
        ...body,
        mobile: body.mobile === undefined ? undefined : normaliseMobile(body.mobile),
      }).filter(([, v]) => v !== undefined),
    )
    if (!Object.keys(patch).length) return adminView(before)
    const [after] = await tx
      .update(employees)
      .set(patch)
      .where(and(eq(employees.tenantId, a.tenantId), eq(employees.id, id)))
      .returning()
    if (!after) throw new AppError('E_NOT_FOUND')
    await recordAudit(tx, a.tenantId, {
      actorId: a.employeeId,
      action: 'employee.update',
      entity: 'employee',
      entityId: id,
      before: snap(before),
      after: snap(after),
    })
    // A new extension is a new SIP user: the old line is unregistered (server/sip/lineban.ts), and
    // credentials of either number minted before now are refused (probe 13 #1: the next holder of
    // the old number is not rung on this device, nor is the new one on a device of its last holder).
    if (after.extension !== before.extension) {
      await cutLines(tx, a.tenantId, [before.extension, after.extension])
      await announceLinesChanged(tx, a.tenantId)
    }
    // His open apps follow at once (role, name, the new line's credentials): they re-read /api/me.
    await appendEvent(tx, a.tenantId, 'employee.updated', { employeeId: id }, { employeeIds: [id] })
    return adminView(after)
  })
}

/** POST /api/admin/employees/:id/password: a new password, answered once; his sessions end. */
export function issuePassword(db: Db, a: Actor, id: string): Promise<EmployeePasswordResponse> {
  return inTx(db, async (tx) => {
    // Probe 13 #7: one's own password is changed in Account, with the current one (a held token alone
    // must not take the account over).
    if (id === a.employeeId) throw new AppError('E_SELF', ['change your own password in Account'])
    const row = await lockedRow(tx, a.tenantId, id)
    if (row.deactivatedAt) throw new AppError('E_NOT_FOUND')
    const password = newPassword()
    await tx
      .update(employees)
      // One-time: he chooses his own at the next sign-in (probe 13 #13).
      .set({ passwordHash: await hashPassword(password), passwordOneTime: true })
      .where(and(eq(employees.tenantId, a.tenantId), eq(employees.id, id)))
    // Whoever knew the old one is signed out (not the admin resetting his own: he keeps this session).
    await revokeAllSessions(tx, a.tenantId, { employeeId: id, except: null, reason: 'password_reset' })
    // …and loses the SIP line: its credentials are refused and its devices unregistered (probe 13 #1).
    await cutLines(tx, a.tenantId, [row.extension])
    await announceLinesChanged(tx, a.tenantId)
    await recordAudit(tx, a.tenantId, {
      actorId: a.employeeId,
      action: 'employee.password',
      entity: 'employee',
      entityId: id,
      before: { name: row.name },
      after: { name: row.name },
    })
    return { employee: adminView(row), password }
  })
}

/** POST /api/admin/employees/:id/deactivate: signed out live, line cut, seat freed, history kept. */
export function deactivateEmployee(db: Db, a: Actor, id: string): Promise<EmployeeAdminView> {
  return inTx(db, async (tx) => {
    if (id === a.employeeId) throw new AppError('E_SELF')
    await lockTenant(tx, a.tenantId)
    const before = await lockedRow(tx, a.tenantId, id)
    if (before.deactivatedAt) return adminView(before)
    await assertNotLastAdmin(tx, a.tenantId, before)
    await assertNoNumberRings(tx, a.tenantId, id)
    const [after] = await tx
      .update(employees)
      .set({ deactivatedAt: new Date(), status: INITIAL_STATUS, statusSince: new Date() })
      .where(and(eq(employees.tenantId, a.tenantId), eq(employees.id, id)))
      .returning()
    if (!after) throw new AppError('E_NOT_FOUND')
    // The workload report (S4) sums the status log: the move to off work belongs in it too.
    if (before.status !== INITIAL_STATUS)
      await tx
        .insert(schema.statusLog)
        .values({ tenantId: a.tenantId, employeeId: id, status: INITIAL_STATUS, at: after.statusSince })
    await revokeAllSessions(tx, a.tenantId, { employeeId: id, except: null })
    // Their devices get no more pushes (client names and comments): the subscriptions go too.
    await tx.execute(
      sql`DELETE FROM push_subscriptions WHERE tenant_id = ${a.tenantId} AND employee_id = ${id}`,
    )
    // Probe 13 #13: his open chats go back to New for the others, his transfer offers end.
    await releaseChatsOf(tx, a.tenantId, id)
    await recordAudit(tx, a.tenantId, {
      actorId: a.employeeId,
      action: 'employee.deactivate',
      entity: 'employee',
      entityId: id,
      before: snap(before),
      after: snap(after),
    })
    // Probe 13 #1: credentials minted before now are refused even after a re-activation.
    await cutLines(tx, a.tenantId, [after.extension])
    await announceLinesChanged(tx, a.tenantId)
    return adminView(after)
  })
}

/** POST /api/admin/employees/:id/reactivate: takes a seat again (E_SEAT_LIMIT when none is free). */
export function reactivateEmployee(db: Db, a: Actor, id: string): Promise<EmployeeAdminView> {
  return inTx(db, async (tx) => {
    await lockTenant(tx, a.tenantId)
    const before = await lockedRow(tx, a.tenantId, id)
    if (!before.deactivatedAt) return adminView(before)
    await assertSeatFree(tx, a.tenantId)
    const [after] = await tx
      .update(employees)
      .set({ deactivatedAt: null })
      .where(and(eq(employees.tenantId, a.tenantId), eq(employees.id, id)))
      .returning()
    if (!after) throw new AppError('E_NOT_FOUND')
    await recordAudit(tx, a.tenantId, {
      actorId: a.employeeId,
      action: 'employee.reactivate',
      entity: 'employee',
      entityId: id,
      before: snap(before),
      after: snap(after),
    })
    // Probe 13 #1: credentials minted before now are refused even after a re-activation.
    await cutLines(tx, a.tenantId, [after.extension])
    await announceLinesChanged(tx, a.tenantId)
    return adminView(after)
  })
}
