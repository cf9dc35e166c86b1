/**
 * Lines Kamailio must refuse (issue 13): every line of a suspended tenant (its SIP domain) and the
 * line of a deactivated employee (`<extension>@<domain>`). auth_ephemeral checks credentials by HMAC
 * alone — a credential minted before the suspension stays valid until it expires (12 h) — so the
 * refusal is Kamailio's htable `lineban`, which route[AUTH] reads after the credentials check (403
 * "Line disabled"). The server writes it over JSON-RPC from the database's state, whole for a tenant
 * (idempotent: a repeated or late sync writes the same), on every `lines:` notice and once for all
 * tenants when Kamailio has started; banned lines are also removed from the registrar (`ul.rm`), so
 * nothing rings them and the device learns it at its next REGISTER.
 */
import { and, eq, gt, sql } from 'drizzle-orm'
import { type Queryable, schema } from '../db/index.ts'
import { type RpcCall, RpcError } from './rpc.ts'

const { employees, sipRegistrations, tenants } = schema

/** The htable route[AUTH] reads (pbx/kamailio.cfg.tmpl). */
export const LINEBAN_TABLE = 'lineban'

/** What the database says of a tenant's lines: ban its domain, ban these users, free those. */
export async function lineBans(
  q: Queryable,
  tenantId: string,
): Promise<{
  domain: string
  suspended: boolean
  banned: string[]
  free: string[]
  registered: string[]
} | null> {
  const [t] = await q
    .select({ domain: tenants.sipDomain, suspendedAt: tenants.suspendedAt })
    .from(tenants)
    .where(eq(tenants.id, tenantId))
  if (!t) return null
  const rows = await q
    .select({ ext: employees.extension, off: employees.deactivatedAt })
    .from(employees)
    .where(eq(employees.tenantId, tenantId))
  const regs = await q
    .select({ u: sipRegistrations.username })
    .from(sipRegistrations)
    .where(
      and(
        eq(sipRegistrations.tenantId, tenantId),
        gt(sipRegistrations.contacts, 0),
        gt(sipRegistrations.expiresAt, sql`now()`),
      ),
    )
  const active = new Set(rows.filter((r) => !r.off).map((r) => r.ext))
  return {
    domain: t.domain.toLowerCase(),
    suspended: !!t.suspendedAt,
    // An extension an active employee holds is his, even if a deactivated one held it before.
    banned: rows.filter((r) => r.off && !active.has(r.ext)).map((r) => r.ext),
    free: [...active],
    registered: regs.map((r) => r.u),
  }
}

/**
 * Removing what is not there (`htable.delete` of a key never set, `ul.rm` of a line nobody holds)
 * is Kamailio's "not found" — HTTP 404 or a JSON-RPC fault: nothing to do, not a failure.
 */
async function removing(rpc: RpcCall, method: string, params: unknown[]): Promise<void> {
  await rpc(method, params).catch((e: unknown) => {
    if (!(e instanceof RpcError && (e.kind === 'fault' || (e.kind === 'http' && e.status === 404)))) throw e
  })
}

/** Writes one tenant's bans into Kamailio and unregisters the banned lines; returns how many were cut. */
export async function syncTenantLines(q: Queryable, rpc: RpcCall, tenantId: string): Promise<number> {
  const s = await lineBans(q, tenantId)
  if (!s) return 0
  if (s.suspended) await rpc('htable.seti', [LINEBAN_TABLE, s.domain, 1])
  else await removing(rpc, 'htable.delete', [LINEBAN_TABLE, s.domain])
  for (const u of s.banned) await rpc('htable.seti', [LINEBAN_TABLE, `${u}@${s.domain}`, 1])
  for (const u of s.free) await removing(rpc, 'htable.delete', [LINEBAN_TABLE, `${u}@${s.domain}`])
  const cut = s.suspended ? s.registered : s.registered.filter((u) => s.banned.includes(u))
  for (const u of cut) await removing(rpc, 'ul.rm', ['location', `${u}@${s.domain}`])
  return cut.length
}

/** Every tenant's bans: once Kamailio has started (its htables start empty). */
export async function syncAllLines(q: Queryable, rpc: RpcCall): Promise<void> {
  for (const t of await q.select({ id: tenants.id }).from(tenants)) await syncTenantLines(q, rpc, t.id)
}
