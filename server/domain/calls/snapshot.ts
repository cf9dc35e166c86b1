/**
 * Builds the routing module's input (server/domain/routing) from the database: statuses + matrix
 * (S1/S2), groups with strategy, ring timeout and round-robin cursor, virtual numbers, who is in a
 * call (C2), who is registered, and when each employee's last call ended (longest idle).
 */
import { and, asc, eq, gt, or, sql } from 'drizzle-orm'
import { type Queryable, schema } from '../../db/index.ts'
import { GATEWAY_USER, registeredUsers } from '../../sip/index.ts'
import type { RoutingEmployee, RoutingGroup, RoutingSnapshot } from '../routing/index.ts'

const { calls, employees, groupMembers, groups, tenants, virtualNumbers } = schema

/** A call older than this still "answered" lost its end report (Kamailio restart): not busy forever. */
const STALE_CALL_MS = 4 * 60 * 60 * 1000

export interface TenantRow {
  id: string
  name: string
  slug: string
  sipDomain: string
  sipGateway: string | null
}

export interface Loaded {
  tenant: TenantRow
  snapshot: RoutingSnapshot
  names: Map<string, string>
  groupNames: Map<string, string>
}

/** The tenant whose SIP domain this is, or null. */
export async function tenantByDomain(q: Queryable, domain: string): Promise<TenantRow | null> {
  const [t] = await q
    .select({
      id: tenants.id,
      name: tenants.name,
      slug: tenants.slug,
      sipDomain: tenants.sipDomain,
      sipGateway: tenants.sipGateway,
    })
    .from(tenants)
    .where(eq(tenants.sipDomain, domain.toLowerCase()))
  return t ?? null
}

/** Where mobile/external calls go: the configured gateway, else the tenant's own `gateway` account. */
export function gatewayUri(t: TenantRow): string {
  return t.sipGateway ?? `sip:${GATEWAY_USER}@${t.sipDomain}`
}

/**
 * A call that rings longer than tm's fr_inv_timer (60 s) has ended, whatever reports were lost: a
 * caller dialling out counts as busy only that long.
 */
const RINGING_MAX_MS = 120 * 1000

/** Employees busy in a call now (C2): in an answered call, or dialling out. */
export async function busyEmployees(q: Queryable, tenantId: string, now: Date): Promise<Map<string, string>> {
  const at = (ms: number) => sql`${new Date(now.getTime() - ms).toISOString()}::timestamptz`
  const rows = await q
    .select({
      id: calls.id,
      caller: calls.callerEmployeeId,
      answered: calls.answeredById,
      state: calls.state,
    })
    .from(calls)
    .where(
      and(
        eq(calls.tenantId, tenantId),
        or(
          and(eq(calls.state, 'answered'), gt(calls.startedAt, at(STALE_CALL_MS))),
          and(eq(calls.state, 'ringing'), gt(calls.startedAt, at(RINGING_MAX_MS))),
        ),
      ),
    )
  const busy = new Map<string, string>()
  for (const r of rows) {
    if (r.caller) busy.set(r.caller, r.id)
    if (r.state === 'answered' && r.answered) busy.set(r.answered, r.id)
  }
  return busy
}

/** Loads everything routing needs for one tenant, consistently enough for one decision. */
export async function loadSnapshot(q: Queryable, tenant: TenantRow, now = new Date()): Promise<Loaded> {
  const [t] = await q.select({ m: tenants.statusMatrix }).from(tenants).where(eq(tenants.id, tenant.id))
  if (!t) throw new Error('tenant vanished')
  const emps = await q
    .select({
      id: employees.id,
      name: employees.name,
      extension: employees.extension,
      mobile: employees.mobile,
      status: employees.status,
    })
    .from(employees)
    .where(eq(employees.tenantId, tenant.id))
    .orderBy(asc(employees.extension))
  const registered = await registeredUsers(q, tenant.id, now)
  const busy = await busyEmployees(q, tenant.id, now)
  const dayAgo = new Date(now.getTime() - 24 * 3600 * 1000).toISOString()
  const lastEnded = await q
    .select({
      who: sql<string>`who`,
      at: sql<string>`max(ended_at)`,
    })
    .from(
      // Longest idle only compares recent work: a day bounds the scan (idle longer = "never called").
      sql`(SELECT caller_employee_id AS who, ended_at FROM calls WHERE tenant_id = ${tenant.id} AND ended_at > ${dayAgo}::timestamptz
           UNION ALL
           SELECT answered_by_id AS who, ended_at FROM calls WHERE tenant_id = ${tenant.id} AND ended_at > ${dayAgo}::timestamptz) AS x`,
    )
    .where(sql`who IS NOT NULL`)
    .groupBy(sql`who`)
  const ended = new Map(lastEnded.map((r) => [r.who, new Date(r.at).getTime()]))
  const employeesOut: RoutingEmployee[] = emps.map((e) => ({
    id: e.id,
    extension: e.extension,
    mobile: e.mobile,
    status: e.status,
    registered: registered.has(e.extension),
    inCall: busy.has(e.id),
    lastCallEndedAt: ended.get(e.id) ?? null,
  }))
  const grs = await q
    .select()
    .from(groups)
    .where(eq(groups.tenantId, tenant.id))
    .orderBy(asc(groups.extension))
  const members = await q
    .select()
    .from(groupMembers)
    .where(eq(groupMembers.tenantId, tenant.id))
    .orderBy(asc(groupMembers.position))
  const groupsOut: RoutingGroup[] = grs.map((g) => ({
    id: g.id,
    extension: g.extension,
    strategy: g.strategy,
    memberIds: members.filter((m) => m.groupId === g.id).map((m) => m.employeeId),
    ringTimeoutSec: g.ringTimeoutSec,
    rrCursor: g.rrCursor,
  }))
  const vns = await q
    .select({ number: virtualNumbers.number, groupId: virtualNumbers.groupId })
    .from(virtualNumbers)
    .where(eq(virtualNumbers.tenantId, tenant.id))
  return {
    tenant,
    snapshot: {
      matrix: t.m,
      employees: employeesOut,
      groups: groupsOut,
      virtualNumbers: vns.flatMap((v) => (v.groupId ? [{ number: v.number, groupId: v.groupId }] : [])),
      gatewayUri: gatewayUri(tenant),
      domain: tenant.sipDomain,
    },
    names: new Map(emps.map((e) => [e.id, e.name])),
    groupNames: new Map(grs.map((g) => [g.id, g.name])),
  }
}
