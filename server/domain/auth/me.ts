/** The signed-in employee's profile and SIP settings (LoginResponse, GET /api/me). */
import { and, eq } from 'drizzle-orm'
import type { Me, SipSettings } from '../../../contract/api.ts'
import { type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { domainCredentials, SIP_CREDENTIAL_TTL_S } from '../../sip/credentials.ts'

const { employees, tenants } = schema

export interface SipConfig {
  secret: string
  wsUrl: string
}

/** Loads Me plus what SIP settings need; E_AUTH_REQUIRED if the employee is gone. */
export async function loadMe(
  q: Queryable,
  tenantId: string,
  employeeId: string,
): Promise<{ me: Me; sipDomain: string }> {
  const [row] = await q
    .select({ e: employees, t: tenants })
    .from(employees)
    .innerJoin(tenants, eq(tenants.id, employees.tenantId))
    .where(and(eq(employees.tenantId, tenantId), eq(employees.id, employeeId)))
  if (!row) throw new AppError('E_AUTH_REQUIRED')
  const { e, t } = row
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
    },
    sipDomain: t.sipDomain,
  }
}

/** Fresh ephemeral SIP settings, or null when the tenant has no softphone (SPEC A5). */
export function sipSettings(me: Me, sipDomain: string, sip: SipConfig, now = Date.now()): SipSettings | null {
  if (!me.features.softphone) return null
  const expiresAtS = Math.floor(now / 1000) + SIP_CREDENTIAL_TTL_S
  const { username, password } = domainCredentials(sip.secret, me.extension, sipDomain, expiresAtS)
  return {
    wsUrl: sip.wsUrl,
    aor: `sip:${me.extension}@${sipDomain}`,
    domain: sipDomain,
    username,
    password,
    expiresAt: new Date(expiresAtS * 1000).toISOString(),
  }
}
