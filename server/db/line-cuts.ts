/**
 * Probe 13 #1: the "not before" of SIP lines (migration 0200). A cut — password reset, deactivation,
 * re-activation, an extension change (old and new), new gateway credentials, a tenant's suspension or
 * re-activation (the whole domain, line `TENANT_LINE`) — moves the line's `not_before` past every
 * credential already minted: to the next whole second, and at least one second past the previous
 * cut. Credentials minted afterwards take an expiry counted from at least that second
 * (server/sip/credentials.ts), so they pass Kamailio's check (issue time ≥ not before) while every
 * older one fails, even within the same second. Call inside the transaction of the change, followed
 * by `announceLinesChanged` (the server running Kamailio writes the htable).
 */
import { sql } from 'drizzle-orm'
import { type Queryable, queryRows } from './client.ts'

/** The row that stands for every line of the tenant's domain. */
export const TENANT_LINE = ''

/** Cuts `lines` (SIP users: extensions, `gateway`, or TENANT_LINE) of the tenant now. */
export async function cutLines(
  q: Queryable,
  tenantId: string,
  lines: readonly string[],
  now = Date.now(),
): Promise<void> {
  const nb = Math.floor(now / 1000) + 1
  // Past every "not before" a credential it covers may have been minted from: a line's credentials
  // start at the later of its own and the tenant's (lineNotBefore), and either may already lie seconds
  // ahead after several cuts in a row — so a line's cut passes both, the tenant's passes every line's.
  for (const line of new Set(lines))
    await q.execute(sql`
      INSERT INTO sip_line_cuts (tenant_id, line, not_before)
      SELECT ${tenantId}, ${line}, greatest(${nb}, coalesce(max(c.not_before), 0) + 1)
        FROM sip_line_cuts c
       WHERE c.tenant_id = ${tenantId}
         AND (${line} = ${TENANT_LINE} OR c.line IN (${line}, ${TENANT_LINE}))
      ON CONFLICT (tenant_id, line) DO UPDATE SET not_before = excluded.not_before`)
}

/** The unix second before which no credential of `line` may have been minted (0: never cut). */
export async function lineNotBefore(q: Queryable, tenantId: string, line: string): Promise<number> {
  const [r] = await queryRows<{ nb: string | number | null }>(
    q,
    sql`SELECT max(not_before) AS nb FROM sip_line_cuts
        WHERE tenant_id = ${tenantId} AND line IN (${line}, ${TENANT_LINE})`,
  )
  return Number(r?.nb ?? 0)
}

/** The tenant's cuts newer than `sinceS` (older ones outlive every credential they refuse). */
export async function lineCutsSince(
  q: Queryable,
  tenantId: string,
  sinceS: number,
): Promise<{ line: string; notBefore: number }[]> {
  const rows = await queryRows<{ line: string; not_before: string | number }>(
    q,
    sql`SELECT line, not_before FROM sip_line_cuts WHERE tenant_id = ${tenantId} AND not_before > ${sinceS}`,
  )
  return rows.map((r) => ({ line: r.line, notBefore: Number(r.not_before) }))
}
