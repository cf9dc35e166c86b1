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
import { lineCutsSince, type Queryable, schema, TENANT_LINE } from '../db/index.ts'
import { SIP_CREDENTIAL_TTL_S } from './credentials.ts'
import { type RpcCall, RpcError } from './rpc.ts'
import { dumpUsrloc } from './usrloc.ts'

const { employees, sipRegistrations, tenants } = schema

/** The htable route[AUTH] reads (pbx/kamailio.cfg.tmpl). */
export const LINEBAN_TABLE = 'lineban'

/**
 * Probe 13 #1: the htable of each cut line's (`<user>@<domain>`) or domain's least credential expiry —
 * its "not before" (server/db/line-cuts.ts) plus the credential lifetime. route[AUTH] refuses a
 * username `<expiry>:…` below it: a credential minted before the cut.
 */
export const LINENB_TABLE = 'linenb'

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
  return cut.length + (await syncLineCuts(q, rpc, tenantId, s.domain))
}

/** The cuts this process has unregistered the older devices of (`tenant/line` → not before). */
const unregistered = new Map<string, number>()

/**
 * Probe 13 #1: writes the tenant's line cuts younger than a credential's lifetime (older ones outlive
 * every credential they refuse) into `linenb`, and once per cut removes from the registrar the
 * contacts registered before it (a refresh after the cut needs a fresh credential, so a contact
 * modified since then is a new device's). Returns how many contacts it removed.
 */
async function syncLineCuts(q: Queryable, rpc: RpcCall, tenantId: string, domain: string): Promise<number> {
  const cuts = await lineCutsSince(q, tenantId, Math.floor(Date.now() / 1000) - SIP_CREDENTIAL_TTL_S)
  if (!cuts.length) return 0
  for (const c of cuts) {
    const key = c.line === TENANT_LINE ? domain : `${c.line}@${domain}`
    await rpc('htable.seti', [LINENB_TABLE, key, c.notBefore + SIP_CREDENTIAL_TTL_S])
  }
  const fresh = cuts.filter((c) => unregistered.get(`${tenantId}/${c.line}`) !== c.notBefore)
  if (!fresh.length) return 0
  const all = fresh.find((c) => c.line === TENANT_LINE)?.notBefore ?? 0
  const byLine = new Map(fresh.map((c) => [c.line, c.notBefore]))
  let removed = 0
  for (const { aor, address, modified, conid } of contactsInDump(await dumpUsrloc(rpc))) {
    const at = aor.lastIndexOf('@')
    if (aor.slice(at + 1) !== domain) continue
    const nb = Math.max(all, byLine.get(aor.slice(0, at)) ?? 0)
    if (!nb) continue
    // The credential its connection last registered with (route[REGISTRAR], htable regcred): a device
    // that re-registered with a fresh one stays, even within the second of the cut. Without that
    // record, when it last registered.
    const cred = conid === null ? null : await registeredExpiry(rpc, conid)
    if (cred === null ? modified >= nb : cred >= nb + SIP_CREDENTIAL_TTL_S) continue
    await removing(rpc, 'ul.rm_contact', ['location', aor, address])
    removed += 1
  }
  for (const c of fresh) unregistered.set(`${tenantId}/${c.line}`, c.notBefore)
  return removed
}

/** The expiry of the credential connection `conid` last registered with; null when not known. */
async function registeredExpiry(rpc: RpcCall, conid: number): Promise<number | null> {
  const r = await rpc('htable.get', [REGCRED_TABLE, `c${conid}`]).catch((e: unknown) => {
    if (e instanceof RpcError && (e.kind === 'fault' || (e.kind === 'http' && e.status === 404))) return null
    throw e
  })
  const v = (r as { item?: { value?: unknown } } | null)?.item?.value
  return typeof v === 'number' ? v : null
}

/** The htable of each connection's last registering credential expiry (pbx/kamailio.cfg.tmpl). */
export const REGCRED_TABLE = 'regcred'

interface DumpedContact {
  aor: string
  address: string
  /** When it last registered (unix seconds). */
  modified: number
  /** Kamailio's id of the TCP/WebSocket connection it registered on; null for none. */
  conid: number | null
}

/** Each contact of an `ul.dump` answer. */
export function contactsInDump(dump: unknown): DumpedContact[] {
  const out: DumpedContact[] = []
  const walk = (x: unknown, aor: string | null): void => {
    if (Array.isArray(x)) for (const y of x) walk(y, aor)
    else if (x && typeof x === 'object') {
      const r = x as Record<string, unknown>
      const own = typeof r.AoR === 'string' ? r.AoR.toLowerCase() : aor
      if (own && typeof r.Address === 'string' && typeof r['Last-Modified'] === 'number')
        out.push({
          aor: own,
          address: r.Address,
          modified: r['Last-Modified'],
          conid: typeof r['Tcpconn-Id'] === 'number' && r['Tcpconn-Id'] > 0 ? r['Tcpconn-Id'] : null,
        })
      for (const v of Object.values(r)) walk(v, own)
    }
  }
  walk(dump, null)
  return out
}

/** Every tenant's bans: once Kamailio has started (its htables start empty). */
export async function syncAllLines(q: Queryable, rpc: RpcCall): Promise<void> {
  for (const t of await q.select({ id: tenants.id }).from(tenants)) await syncTenantLines(q, rpc, t.id)
}
