/** The signed-in employee's profile and SIP settings (LoginResponse, GET /api/me). */
import { aliasedTable, and, desc, eq, sql } from 'drizzle-orm'
import type { Me, SipSettings } from '../../../contract/api.ts'
import { lineNotBefore, type Queryable, queryRows, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'

const { employees, statusLog, tenants } = schema
const setter = aliasedTable(employees, 'setter')

/**
 * Mints the employee's SIP settings (server/sip: ephemeral credentials), or null when the tenant has
 * no softphone. Given to the domain by the edge, which holds the SIP secret.
 */
export type MintSip = (me: Me, sipDomain: string, notBefore?: number) => SipSettings | null

/** Loads Me plus what SIP settings need; E_AUTH_REQUIRED if the employee is gone. */
export async function loadMe(
  q: Queryable,
  tenantId: string,
  employeeId: string,
): Promise<{ me: Me; sipDomain: string; sipNotBefore: number }> {
  const [row] = await q
    .select({ e: employees, t: tenants })
    .from(employees)
    .innerJoin(tenants, eq(tenants.id, employees.tenantId))
    .where(and(eq(employees.tenantId, tenantId), eq(employees.id, employeeId)))
  if (!row) throw new AppError('E_AUTH_REQUIRED')
  const { e, t } = row
  // SPEC K3 (migration 0151): a CRM-fed book is read-only; operators are told so by the app.
  const crm = await queryRows<{ read_only: boolean }>(
    q,
    sql`SELECT read_only FROM crm_contact_sources WHERE tenant_id = ${tenantId}`,
  )
  // S3: the latest log row says whether a supervisor set the current status (and it stays said
  // until the employee changes it himself, which writes a row without a setter).
  const [last] = await q
    .select({ status: statusLog.status, at: statusLog.at, name: setter.name })
    .from(statusLog)
    .leftJoin(setter, and(eq(setter.tenantId, statusLog.tenantId), eq(setter.id, statusLog.setBy)))
    .where(and(eq(statusLog.tenantId, tenantId), eq(statusLog.employeeId, employeeId)))
    .orderBy(desc(statusLog.at))
    .limit(1)
  const statusSetBy =
    last && last.status === e.status && last.name !== null
      ? { name: last.name, at: last.at.toISOString() }
      : null
  return {
    me: {
      id: e.id,
      tenantId: t.id,
      tenantName: t.name,
      login: e.login,
      name: e.name,
      role: e.role,
      extension: e.extension,
      status: e.status,
      features: t.features,
      contactsReadOnly: crm[0]?.read_only === true,
      statusSetBy,
      ...(e.passwordOneTime ? { mustChangePassword: true } : {}),
    },
    sipDomain: t.sipDomain,
    // Probe 13 #1: credentials are minted past his line's last cut (server/db/line-cuts.ts).
    sipNotBefore: await lineNotBefore(q, tenantId, e.extension),
  }
}
