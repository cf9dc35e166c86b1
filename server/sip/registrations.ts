/**
 * Live registrations as Kamailio reports them after each REGISTER (POST /internal/sip/registration).
 * Kept in the database, not in memory, so every server instance routes with the same picture.
 */
import { and, eq, gt, sql } from 'drizzle-orm'
import { type Queryable, schema } from '../db/index.ts'

const { sipRegistrations, tenants } = schema

/**
 * Records what usrloc holds for `user@domain`; null when the domain is no tenant's. `changed` says
 * whether the user went from reachable to not or back (presence events, contract/presence.ts).
 */
export async function recordRegistration(
  q: Queryable,
  r: { user: string; domain: string; contacts: number; expires: number },
  now = new Date(),
): Promise<{ tenantId: string; changed: boolean } | null> {
  const [t] = await q.select({ id: tenants.id }).from(tenants).where(eq(tenants.sipDomain, r.domain))
  if (!t) return null
  const [before] = await q
    .select({ contacts: sipRegistrations.contacts, expiresAt: sipRegistrations.expiresAt })
    .from(sipRegistrations)
    .where(and(eq(sipRegistrations.tenantId, t.id), eq(sipRegistrations.username, r.user)))
  const was = !!before && before.contacts > 0 && before.expiresAt.getTime() > now.getTime()
  const expiresAt = new Date(now.getTime() + (r.contacts > 0 ? r.expires : 0) * 1000)
  await q
    .insert(sipRegistrations)
    .values({ tenantId: t.id, username: r.user, contacts: r.contacts, expiresAt, updatedAt: now })
    .onConflictDoUpdate({
      target: [sipRegistrations.tenantId, sipRegistrations.username],
      set: { contacts: r.contacts, expiresAt, updatedAt: now },
    })
  return { tenantId: t.id, changed: was !== (r.contacts > 0 && r.expires > 0) }
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

/**
 * Lines Kamailio no longer holds (`live`: `user@domain` from ul.dump) but the database still counts
 * as registered: marked gone, and returned so colleagues hear of it. Only rows last written before
 * `dumpedAt` are judged — a REGISTER reported after the dump is newer than what the dump saw.
 */
export async function dropVanished(
  q: Queryable,
  live: Set<string>,
  dumpedAt: Date,
): Promise<{ tenantId: string; user: string }[]> {
  const rows = await q
    .select({
      tenantId: sipRegistrations.tenantId,
      user: sipRegistrations.username,
      domain: tenants.sipDomain,
    })
    .from(sipRegistrations)
    .innerJoin(tenants, eq(tenants.id, sipRegistrations.tenantId))
    .where(
      and(
        gt(sipRegistrations.contacts, 0),
        gt(sipRegistrations.expiresAt, sql`${dumpedAt.toISOString()}::timestamptz`),
        sql`${sipRegistrations.updatedAt} < ${dumpedAt.toISOString()}::timestamptz`,
      ),
    )
  const gone = rows.filter((r) => !live.has(`${r.user}@${r.domain}`.toLowerCase()))
  for (const r of gone) {
    await q
      .update(sipRegistrations)
      .set({ contacts: 0, expiresAt: dumpedAt, updatedAt: dumpedAt })
      .where(
        and(
          eq(sipRegistrations.tenantId, r.tenantId),
          eq(sipRegistrations.username, r.user),
          sql`${sipRegistrations.updatedAt} < ${dumpedAt.toISOString()}::timestamptz`,
        ),
      )
  }
  return gone.map(({ tenantId, user }) => ({ tenantId, user }))
}
