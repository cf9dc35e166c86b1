/**
 * Companies as the platform operator runs them (issue 13 item 1, `npm run tenant`): create one with
 * its first admin (a one-time password), list, suspend (every session and SIP line cut at once),
 * re-activate. The demo seed creates its tenant through `createCompany` too. Each command is one
 * transaction ending with its audit entry (actor: the platform).
 */
import { asc, eq, sql } from 'drizzle-orm'
import type { CreateTenantBody, TenantCommandAnswer, TenantView } from '../../../contract/admin.ts'
import {
  announceLinesChanged,
  cutLines,
  type Db,
  type Queryable,
  schema,
  TENANT_LINE,
} from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { recordAudit } from '../audit/index.ts'
import { revokeAllSessions } from '../auth/index.ts'
import { addEmployee } from '../employees/index.ts'
import { createTenant } from './tenants.ts'

const { employees, sipRegistrations, tenants } = schema

/** Every tenant's SIP domain: `<slug>.frontline.local` (docs/architecture.md "Calls and Kamailio"). */
export const sipDomainOf = (slug: string) => `${slug}.frontline.local`

async function viewOf(q: Queryable, t: typeof tenants.$inferSelect): Promise<TenantView> {
  const [c] = await q
    .select({ n: sql<number>`count(*) FILTER (WHERE ${employees.deactivatedAt} IS NULL)::int` })
    .from(employees)
    .where(eq(employees.tenantId, t.id))
  return {
    id: t.id,
    name: t.name,
    slug: t.slug,
    sipDomain: t.sipDomain,
    seats: t.seats,
    employees: c?.n ?? 0,
    suspended: !!t.suspendedAt,
    createdAt: t.createdAt.toISOString(),
  }
}

const auditView = (v: TenantView) => ({
  name: v.name,
  slug: v.slug,
  seats: v.seats,
  suspended: v.suspended,
})

/**
 * Creates a company and its first admin inside `tx`. `adminPassword`/`adminExtension` let the demo
 * seed give its known values; otherwise a one-time password and the first free extension.
 */
export async function createCompanyIn(
  tx: Queryable,
  body: CreateTenantBody & {
    adminPassword?: string
    adminExtension?: string
    features?: { softphone: boolean; omni: boolean }
  },
): Promise<TenantCommandAnswer & { tenant: TenantView; adminId: string }> {
  const [taken] = await tx
    .select({ id: tenants.id })
    .from(tenants)
    .where(eq(tenants.slug, body.slug))
    .limit(1)
  if (taken) throw new AppError('E_SLUG_TAKEN')
  const tenantId = await createTenant(tx, {
    name: body.name,
    slug: body.slug,
    sipDomain: sipDomainOf(body.slug),
    seats: body.seats,
    features: body.features ?? { softphone: true, omni: true },
  })
  const admin = await addEmployee(
    tx,
    tenantId,
    null,
    {
      name: body.adminName ?? 'Administrator',
      login: body.adminLogin,
      role: 'admin',
      extension: body.adminExtension,
      mobile: null,
      acceptButton: true,
    },
    body.adminPassword,
  )
  const [row] = await tx.select().from(tenants).where(eq(tenants.id, tenantId))
  if (!row) throw new Error('tenant vanished')
  const tenant = await viewOf(tx, row)
  await recordAudit(tx, tenantId, {
    actorId: null,
    action: 'tenant.create',
    entity: 'tenant',
    entityId: tenantId,
    before: null,
    after: auditView(tenant),
  })
  return {
    tenant,
    adminId: admin.employee.id,
    admin: { login: admin.employee.login, password: admin.password },
  }
}

/** `tenant create`: the company and its admin's one-time password. */
export async function createCompany(db: Db, body: CreateTenantBody): Promise<TenantCommandAnswer> {
  try {
    const { adminId: _a, ...out } = await db.orm.transaction((tx) => createCompanyIn(tx, body))
    return out
  } catch (e) {
    // Two creates of one slug at once: the unique index decides.
    const code =
      (e as { code?: string; cause?: { code?: string } }).code ??
      (e as { cause?: { code?: string } }).cause?.code
    if (code === '23505') throw new AppError('E_SLUG_TAKEN')
    throw e
  }
}

/** `tenant list`. */
export async function listCompanies(q: Queryable): Promise<TenantView[]> {
  const rows = await q.select().from(tenants).orderBy(asc(tenants.slug))
  return Promise.all(rows.map((t) => viewOf(q, t)))
}

async function locked(tx: Queryable, slug: string) {
  const [t] = await tx.select().from(tenants).where(eq(tenants.slug, slug)).for('update')
  if (!t) throw new AppError('E_NOT_FOUND')
  return t
}

/**
 * `tenant suspend`: logins refused, every session revoked (each NOTIFYed: every instance closes those
 * sockets at commit) and every push subscription dropped, and the lines announced (the server running Kamailio bans the tenant's domain
 * and unregisters every line of it, server/sip/lineban.ts). Old tokens and SIP credentials are then
 * refused by the checks themselves (authenticate, Kamailio's ban), not only by the revocation.
 */
export async function suspendCompany(db: Db, slug: string): Promise<TenantCommandAnswer> {
  return db.orm.transaction(async (tx) => {
    const t = await locked(tx, slug)
    const before = await viewOf(tx, t)
    const [row] = await tx
      .update(tenants)
      .set({ suspendedAt: t.suspendedAt ?? new Date() })
      .where(eq(tenants.id, t.id))
      .returning()
    if (!row) throw new AppError('E_NOT_FOUND')
    const sessions = await revokeAllSessions(tx, t.id, { except: null })
    // Its devices are signed out: nothing of the company is pushed to them any more. Each device
    // subscribes again as its employee signs in after re-activation (the app re-checks at every start).
    await tx.execute(sql`DELETE FROM push_subscriptions WHERE tenant_id = ${t.id}`)
    const [lines] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(sipRegistrations)
      .where(
        sql`${sipRegistrations.tenantId} = ${t.id} AND ${sipRegistrations.contacts} > 0 AND ${sipRegistrations.expiresAt} > now()`,
      )
    const tenant = await viewOf(tx, row)
    await recordAudit(tx, t.id, {
      actorId: null,
      action: 'tenant.suspend',
      entity: 'tenant',
      entityId: t.id,
      before: auditView(before),
      after: auditView(tenant),
    })
    // Probe 13 #1: every credential of the domain minted before now stays refused after re-activation.
    await cutLines(tx, t.id, [TENANT_LINE])
    await announceLinesChanged(tx, t.id)
    return { tenant, cut: { sessions, lines: lines?.n ?? 0 } }
  })
}

/** `tenant reactivate`: logins and lines allowed again (the employees sign in anew). */
export async function reactivateCompany(db: Db, slug: string): Promise<TenantCommandAnswer> {
  return db.orm.transaction(async (tx) => {
    const t = await locked(tx, slug)
    const before = await viewOf(tx, t)
    const [row] = await tx.update(tenants).set({ suspendedAt: null }).where(eq(tenants.id, t.id)).returning()
    if (!row) throw new AppError('E_NOT_FOUND')
    const tenant = await viewOf(tx, row)
    await recordAudit(tx, t.id, {
      actorId: null,
      action: 'tenant.reactivate',
      entity: 'tenant',
      entityId: t.id,
      before: auditView(before),
      after: auditView(tenant),
    })
    // Probe 13 #1: every credential of the domain minted before now stays refused after re-activation.
    await cutLines(tx, t.id, [TENANT_LINE])
    await announceLinesChanged(tx, t.id)
    return { tenant }
  })
}
