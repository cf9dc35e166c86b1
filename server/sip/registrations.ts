/**
 * Live registrations as Kamailio reports them after each REGISTER (POST /internal/sip/registration).
 * Kept in the database, not in memory, so every server instance routes with the same picture.
 */
import { and, eq, gt, sql } from 'drizzle-orm'
import { type Queryable, schema } from '../db/index.ts'

const { sipRegistrations, tenants } = schema

/** Records what usrloc holds for `user@domain`; false when the domain is no tenant's. */
export async function recordRegistration(
  q: Queryable,
  r: { user: string; domain: string; contacts: number; expires: number },
  now = new Date(),
): Promise<boolean> {
  const [t] = await q.select({ id: tenants.id }).from(tenants).where(eq(tenants.sipDomain, r.domain))
  if (!t) return false
  const expiresAt = new Date(now.getTime() + (r.contacts > 0 ? r.expires : 0) * 1000)
  await q
    .insert(sipRegistrations)
    .values({ tenantId: t.id, username: r.user, contacts: r.contacts, expiresAt, updatedAt: now })
    .onConflictDoUpdate({
      target: [sipRegistrations.tenantId, sipRegistrations.username],
      set: { contacts: r.contacts, expiresAt, updatedAt: now },
    })
  return true
}

/** SIP users of the tenant with a live registration now. */
export async function registeredUsers(
  q: Queryable,
  tenantId: string,
  now = new Date(),
): Promise<Set<string>> {
  const rows = await q
    .select({ u: sipRegistrations.username })
    .from(sipRegistrations)
    .where(
      and(
        eq(sipRegistrations.tenantId, tenantId),
        gt(sipRegistrations.contacts, 0),
        gt(sipRegistrations.expiresAt, sql`${now.toISOString()}::timestamptz`),
      ),
    )
  return new Set(rows.map((r) => r.u))
}
