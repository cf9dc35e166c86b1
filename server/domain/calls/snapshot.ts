/**
 * Builds the routing module's input (server/domain/routing) from the database: statuses + matrix
 * (S1/S2), groups with strategy, ring timeout and round-robin cursor, virtual numbers, who is in a
 * call (C2), who is registered, and when each employee's last call ended (longest idle).
 */
import { and, eq, gt, or, sql } from 'drizzle-orm'
import { type Queryable, queryRows, schema } from '../../db/index.ts'
import type { RoutingEmployee, RoutingGroup, RoutingSnapshot, VirtualNumber } from '../routing/index.ts'
import { GATEWAY_USER } from './callers.ts'

const { calls, tenants } = schema

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

/** The tenant columns routing needs (TenantRow). */
export const TENANT_COLUMNS = {
  id: tenants.id,
  name: tenants.name,
  slug: tenants.slug,
  sipDomain: tenants.sipDomain,
  sipGateway: tenants.sipGateway,
}

/** The tenant whose SIP domain this is, or null. */
export async function tenantByDomain(q: Queryable, domain: string): Promise<TenantRow | null> {
  const [t] = await q.select(TENANT_COLUMNS).from(tenants).where(eq(tenants.sipDomain, domain.toLowerCase()))
  return t ?? null
}

/** Where mobile/external calls go: the configured gateway, else the tenant's own `gateway` account. */
export function gatewayUri(t: TenantRow): string {
  return t.sipGateway ?? `sip:${GATEWAY_USER}@${t.sipDomain}`
}

/**
 * A call that rings longer than tm's fr_inv_timer (60 s) has ended, whatever reports were lost: a
 * caller dialling out counts as busy only that long, and a colleague it rings counts as ringing only
 * that long.
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

/** What one snapshot query answers: the tenant and everything routing needs, as one JSON document. */
interface SnapshotDoc {
  id: string
  name: string
  slug: string
  sipDomain: string
  sipGateway: string | null
  matrix: RoutingSnapshot['matrix']
  employees: {
    id: string
    name: string
    extension: string
    mobile: string | null
    status: string
    registered: boolean
    /** N1 §3: a push subscription of theirs can wake a closed app for a call. */
    wakeable: boolean
  }[]
  busy: string[]
  ringing: string[]
  ended: { who: string; at: string }[]
  groups: {
    id: string
    name: string
    extension: string
    strategy: RoutingGroup['strategy']
    ringTimeoutSec: number
    rrCursor: string | null
    memberIds: string[]
  }[]
  virtualNumbers: { number: string; groupId: string | null; employeeId: string | null }[]
  guest: boolean
  gatewayRegistered: boolean
}

/**
 * The tenant (by SIP domain or id) and its routing snapshot in ONE statement: every route request
 * used to pay ~10 round trips here (tenant, matrix, employees, registrations, busy, last calls, groups,
 * members, numbers, guest), the larger part of its time on PGlite. The rules are the ones of
 * registeredUsers, busyEmployees and isGuestOf; `guestUser` (a `guest-…` caller) asks whether it is a
 * live guest line of this tenant. `forCall` (a SIP Call-ID being routed): that call's own ringing does
 * not count — a repeated INVITE or the hunt's next set is decided as if its phones were quiet.
 */
export async function loadRouting(
  q: Queryable,
  by: { domain: string } | { tenantId: string },
  now = new Date(),
  guestUser: string | null = null,
  forCall: string | null = null,
): Promise<{ loaded: Loaded; guest: boolean } | null> {
  const at = (ms: number) => sql`${new Date(now.getTime() - ms).toISOString()}::timestamptz`
  const nowTs = at(0)
  const stale = at(STALE_CALL_MS)
  const ringing = at(RINGING_MAX_MS)
  // Longest idle only compares recent work: a day bounds the scan (idle longer = "never called").
  const dayAgo = at(24 * 3600 * 1000)
  const where =
    // Issue 13: a suspended tenant's domain routes nothing (Kamailio refuses its lines as well).
    'domain' in by
      ? sql`t.sip_domain = ${by.domain.toLowerCase()} AND t.suspended_at IS NULL`
      : sql`t.id = ${by.tenantId}::uuid`
  const [row] = await queryRows<{ doc: SnapshotDoc }>(
    q,
    sql`SELECT json_build_object(
      'id', t.id, 'name', t.name, 'slug', t.slug, 'sipDomain', t.sip_domain, 'sipGateway', t.sip_gateway,
      'matrix', t.status_matrix,
      'employees', COALESCE((
        SELECT json_agg(json_build_object(
          'id', e.id, 'name', e.name, 'extension', e.extension, 'mobile', e.mobile, 'status', e.status,
          'registered', EXISTS (
            SELECT 1 FROM sip_registrations r
            WHERE r.tenant_id = t.id AND r.username = e.extension AND r.contacts > 0 AND r.expires_at > ${nowTs}
          ),
          'wakeable', EXISTS (
            SELECT 1 FROM push_subscriptions p WHERE p.tenant_id = t.id AND p.employee_id = e.id
          )
        ) ORDER BY e.extension)
        FROM employees e WHERE e.tenant_id = t.id AND e.deactivated_at IS NULL), '[]'::json),
      'busy', COALESCE((
        SELECT json_agg(DISTINCT b.who) FROM (
          SELECT c.caller_employee_id AS who FROM calls c
          WHERE c.tenant_id = t.id AND c.caller_employee_id IS NOT NULL
            AND ((c.state = 'answered' AND c.started_at > ${stale})
              OR (c.state = 'ringing' AND c.started_at > ${ringing}))
          UNION ALL
          SELECT c.answered_by_id FROM calls c
          WHERE c.tenant_id = t.id AND c.answered_by_id IS NOT NULL
            AND c.state = 'answered' AND c.started_at > ${stale}
        ) b), '[]'::json),
      'ringing', COALESCE((
        SELECT json_agg(DISTINCT r.who) FROM calls c CROSS JOIN LATERAL unnest(c.ringing_ids) AS r(who)
        WHERE c.tenant_id = t.id AND c.state = 'ringing' AND c.started_at > ${ringing}
          AND (${forCall}::text IS NULL OR c.sip_call_id <> ${forCall}::text)), '[]'::json),
      'ended', COALESCE((
        SELECT json_agg(json_build_object('who', x.who, 'at', x.at)) FROM (
          SELECT who, max(ended_at) AS at FROM (
            SELECT c.caller_employee_id AS who, c.ended_at FROM calls c
            WHERE c.tenant_id = t.id AND c.ended_at > ${dayAgo}
            UNION ALL
            SELECT c.answered_by_id, c.ended_at FROM calls c
            WHERE c.tenant_id = t.id AND c.ended_at > ${dayAgo}
          ) y WHERE who IS NOT NULL GROUP BY who
        ) x), '[]'::json),
      'groups', COALESCE((
        SELECT json_agg(json_build_object(
          'id', g.id, 'name', g.name, 'extension', g.extension, 'strategy', g.strategy,
          'ringTimeoutSec', g.ring_timeout_sec, 'rrCursor', g.rr_cursor,
          'memberIds', COALESCE((
            SELECT json_agg(m.employee_id ORDER BY m.position)
            FROM group_members m WHERE m.tenant_id = t.id AND m.group_id = g.id), '[]'::json)
        ) ORDER BY g.extension)
        FROM groups g WHERE g.tenant_id = t.id), '[]'::json),
      'virtualNumbers', COALESCE((
        SELECT json_agg(json_build_object('number', v.number, 'groupId', v.group_id, 'employeeId', v.employee_id))
        FROM virtual_numbers v WHERE v.tenant_id = t.id), '[]'::json),
      'gatewayRegistered', EXISTS (
        SELECT 1 FROM sip_registrations r
        WHERE r.tenant_id = t.id AND r.username = ${GATEWAY_USER} AND r.contacts > 0 AND r.expires_at > ${nowTs}
      ),
      'guest', ${guestUser}::text IS NOT NULL AND EXISTS (
        SELECT 1 FROM sip_guests s
        WHERE s.username = ${guestUser}::text AND s.tenant_id = t.id AND s.expires_at > ${nowTs})
    ) AS doc
    FROM tenants t WHERE ${where}`,
  )
  if (!row) return null
  const d = typeof row.doc === 'string' ? (JSON.parse(row.doc) as SnapshotDoc) : row.doc
  const tenant: TenantRow = {
    id: d.id,
    name: d.name,
    slug: d.slug,
    sipDomain: d.sipDomain,
    sipGateway: d.sipGateway,
  }
  const busy = new Set(d.busy)
  const ringingNow = new Set(d.ringing)
  const ended = new Map(d.ended.map((r) => [r.who, new Date(r.at).getTime()]))
  const employeesOut: RoutingEmployee[] = d.employees.map((e) => ({
    id: e.id,
    extension: e.extension,
    mobile: e.mobile,
    status: e.status,
    registered: e.registered,
    inCall: busy.has(e.id),
    ringing: ringingNow.has(e.id),
    lastCallEndedAt: ended.get(e.id) ?? null,
    wakeable: e.wakeable,
  }))
  const groupsOut: RoutingGroup[] = d.groups.map((g) => ({
    id: g.id,
    extension: g.extension,
    strategy: g.strategy,
    memberIds: g.memberIds,
    ringTimeoutSec: g.ringTimeoutSec,
    rrCursor: g.rrCursor,
  }))
  return {
    loaded: {
      tenant,
      snapshot: {
        matrix: d.matrix,
        employees: employeesOut,
        groups: groupsOut,
        virtualNumbers: d.virtualNumbers.flatMap((v): VirtualNumber[] =>
          v.groupId
            ? [{ number: v.number, groupId: v.groupId }]
            : v.employeeId
              ? [{ number: v.number, employeeId: v.employeeId }]
              : [],
        ),
        gatewayUri: gatewayUri(tenant),
        domain: tenant.sipDomain,
        gatewayReachable: tenant.sipGateway !== null || d.gatewayRegistered,
      },
      names: new Map(d.employees.map((e) => [e.id, e.name])),
      groupNames: new Map(d.groups.map((g) => [g.id, g.name])),
    },
    guest: d.guest,
  }
}

/** Loads everything routing needs for one tenant, consistently enough for one decision. */
export async function loadSnapshot(q: Queryable, tenant: TenantRow, now = new Date()): Promise<Loaded> {
  const got = await loadRouting(q, { tenantId: tenant.id }, now)
  if (!got) throw new Error('tenant vanished')
  return got.loaded
}
