/** Tenants and their employees: creation used by the demo seed, admin tooling and tests. */
import { eq } from 'drizzle-orm'
import type { Role } from '../../../contract/api.ts'
import { DEFAULT_STATUS_MATRIX } from '../../../contract/status.ts'
import { announceGroupsChanged, type Queryable, schema } from '../../db/index.ts'
import { hashPassword } from '../auth/index.ts'
import { INITIAL_STATUS } from '../status/index.ts'

const { employees, groupMembers, groups, tenants } = schema

export interface NewTenant {
  name: string
  slug: string
  sipDomain: string
  seats: number
  features: { softphone: boolean; omni: boolean }
}

/** Creates a tenant with the default status matrix (SPEC S1); returns its id. */
export async function createTenant(q: Queryable, t: NewTenant): Promise<string> {
  const [row] = await q
    .insert(tenants)
    .values({ ...t, statusMatrix: DEFAULT_STATUS_MATRIX })
    .returning({ id: tenants.id })
  if (!row) throw new Error('tenant insert returned nothing')
  return row.id
}

/** The tenant by slug, or null. */
export async function tenantBySlug(q: Queryable, slug: string) {
  const [row] = await q.select().from(tenants).where(eq(tenants.slug, slug))
  return row ?? null
}

export interface NewEmployee {
  login: string
  password: string
  name: string
  role: Role
  extension: string
  mobile?: string | null
  email?: string | null
}

/** Creates an employee (status off_work); returns its id. Logins are stored lower-case. */
export async function createEmployee(q: Queryable, tenantId: string, e: NewEmployee): Promise<string> {
  const [row] = await q
    .insert(employees)
    .values({
      tenantId,
      login: e.login.toLowerCase(),
      passwordHash: await hashPassword(e.password),
      name: e.name,
      role: e.role,
      extension: e.extension,
      mobile: e.mobile ?? null,
      email: e.email ?? null,
      status: INITIAL_STATUS,
    })
    .returning({ id: employees.id })
  if (!row) throw new Error('employee insert returned nothing')
  return row.id
}

/** Creates a call group with its members in ring order; returns its id. */
export async function createGroup(
  q: Queryable,
  tenantId: string,
  g: { name: string; extension: string; strategy: schema.Strategy; memberIds: string[] },
): Promise<string> {
  const [row] = await q
    .insert(groups)
    .values({ tenantId, name: g.name, extension: g.extension, strategy: g.strategy })
    .returning({ id: groups.id })
  if (!row) throw new Error('group insert returned nothing')
  if (g.memberIds.length) {
    await q
      .insert(groupMembers)
      .values(
        g.memberIds.map((employeeId, position) => ({ tenantId, groupId: row.id, employeeId, position })),
      )
    // Open sockets filter chat events by group (realtime/audience.ts): let the hubs re-read membership.
    await announceGroupsChanged(q, tenantId)
  }
  return row.id
}
