/** SPEC K1, K2 (read side): the tenant's address book — employees, groups, clients. */
import { and, asc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm'
import type { ClientView, EmployeeView, GroupView } from '../../../contract/api.ts'
import type { AddClientContact, NewClient } from '../../../contract/client-contacts.ts'
import { type Presence, presenceOf } from '../../../contract/presence.ts'
import { isOnlineStatus } from '../../../contract/status.ts'
import { appendEvent, type Db, type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { loadRouting } from '../calls/index.ts'
import { presenceInput } from '../routing/index.ts'
import { getMatrix } from '../status/index.ts'
import { addClientContactWith, createClientWith } from './edit.ts'

const { contacts, employees, groupMembers, groups } = schema

/** What routing knows about each employee now, by the one presence rule (contract/presence.ts). */
async function presences(q: Queryable, tenantId: string): Promise<Map<string, Presence>> {
  const got = await loadRouting(q, { tenantId })
  const out = new Map<string, Presence>()
  if (!got) return out
  const { snapshot } = got.loaded
  for (const e of snapshot.employees) out.set(e.id, presenceOf(presenceInput(snapshot, e)))
  return out
}

const UNKNOWN: EmployeeView['presence'] = { state: 'unavailable', labelKey: null }

/** All employees with `online` from the tenant's matrix (status counts as working time) and presence. */
export async function listEmployees(q: Queryable, tenantId: string): Promise<EmployeeView[]> {
  const matrix = await getMatrix(q, tenantId)
  const now = await presences(q, tenantId)
  const rows = await q
    .select()
    .from(employees)
    // Issue 13: a deactivated colleague is no longer in the phone book (his history keeps his name).
    .where(and(eq(employees.tenantId, tenantId), isNull(employees.deactivatedAt)))
    .orderBy(asc(employees.extension))
  return rows.map((e) => {
    const p = now.get(e.id)
    return {
      id: e.id,
      name: e.name,
      login: e.login,
      role: e.role,
      extension: e.extension,
      mobile: e.mobile,
      email: e.email,
      status: e.status,
      online: isOnlineStatus(matrix, e.status),
      presence: p ? { state: p.state, labelKey: p.labelKey } : UNKNOWN,
    }
  })
}

/** Groups with members in ring order; `available` = members the presence rule lets be called now. */
export async function listGroups(q: Queryable, tenantId: string): Promise<GroupView[]> {
  const now = await presences(q, tenantId)
  const gs = await q.select().from(groups).where(eq(groups.tenantId, tenantId)).orderBy(asc(groups.extension))
  // A deactivated member keeps his place for a re-activation, but is nobody's colleague meanwhile: not
  // listed, not counted in total (probe 13 UI #19).
  const members = await q
    .select({ groupId: groupMembers.groupId, employeeId: groupMembers.employeeId })
    .from(groupMembers)
    .innerJoin(
      employees,
      and(eq(employees.tenantId, groupMembers.tenantId), eq(employees.id, groupMembers.employeeId)),
    )
    .where(and(eq(groupMembers.tenantId, tenantId), isNull(employees.deactivatedAt)))
    .orderBy(asc(groupMembers.position))
  return gs.map((g) => {
    const mine = members.filter((m) => m.groupId === g.id)
    return {
      id: g.id,
      name: g.name,
      extension: g.extension,
      strategy: g.strategy,
      memberIds: mine.map((m) => m.employeeId),
      available: mine.filter((m) => now.get(m.employeeId)?.mayCall).length,
      total: mine.length,
    }
  })
}

/** S1: tell every client to re-read the presence of the employee whose SIP user is `extension`. */
export async function announcePresence(tx: Queryable, tenantId: string, extension: string): Promise<void> {
  const [e] = await tx
    .select({ id: employees.id })
    .from(employees)
    .where(and(eq(employees.tenantId, tenantId), eq(employees.extension, extension)))
  if (e) await appendEvent(tx, tenantId, 'presence.changed', { employeeId: e.id })
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

/**
 * Clients matching `q` by name or e-mail (case-insensitive substring) or phone (digits only, so
 * "+7 (916) 400" finds "+79164000000"); an empty query lists the first `limit` by name.
 */
export async function searchClients(
  q: Queryable,
  tenantId: string,
  query: string,
  limit: number,
): Promise<ClientView[]> {
  const conds: SQL[] = [eq(contacts.tenantId, tenantId)]
  const text = query.trim()
  if (text) {
    const pat = `%${likeEscape(text)}%`
    const digits = text.replace(/\D/g, '')
    const or: SQL[] = [
      sql`${contacts.name} ILIKE ${pat}`,
      sql`EXISTS (SELECT 1 FROM unnest(${contacts.emails}) AS e WHERE e ILIKE ${pat})`,
      sql`${contacts.telegram} ILIKE ${pat}`,
    ]
    if (digits.length >= 2) {
      or.push(
        sql`EXISTS (SELECT 1 FROM unnest(${contacts.phones}) AS p WHERE regexp_replace(p, '\\D', '', 'g') LIKE ${`%${digits}%`})`,
      )
    }
    conds.push(sql`(${sql.join(or, sql` OR `)})`)
  }
  const rows = await q
    .select()
    .from(contacts)
    .where(and(...conds))
    .orderBy(asc(contacts.name))
    .limit(limit)
  return toViews(q, tenantId, rows)
}

/** One client of the tenant; E_NOT_FOUND for an unknown id or another tenant's. */
export async function getClient(q: Queryable, tenantId: string, id: string): Promise<ClientView> {
  const rows = await q
    .select()
    .from(contacts)
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id)))
  const [view] = await toViews(q, tenantId, rows)
  if (!view) throw new AppError('E_NOT_FOUND')
  return view
}

async function toViews(
  q: Queryable,
  tenantId: string,
  rows: (typeof contacts.$inferSelect)[],
): Promise<ClientView[]> {
  const groupIds = [...new Set(rows.flatMap((r) => (r.groupId ? [r.groupId] : [])))]
  const managerIds = [...new Set(rows.flatMap((r) => (r.managerId ? [r.managerId] : [])))]
  const gNames = new Map(
    groupIds.length
      ? (
          await q
            .select({ id: groups.id, name: groups.name })
            .from(groups)
            .where(and(eq(groups.tenantId, tenantId), inArray(groups.id, groupIds)))
        ).map((g) => [g.id, g.name])
      : [],
  )
  const mNames = new Map(
    managerIds.length
      ? (
          await q
            .select({ id: employees.id, name: employees.name })
            .from(employees)
            .where(and(eq(employees.tenantId, tenantId), inArray(employees.id, managerIds)))
        ).map((e) => [e.id, e.name])
      : [],
  )
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    phones: r.phones,
    emails: r.emails,
    channels: r.channels,
    groupId: r.groupId,
    groupName: r.groupId ? (gNames.get(r.groupId) ?? null) : null,
    managerId: r.managerId,
    managerName: r.managerId ? (mNames.get(r.managerId) ?? null) : null,
  }))
}

/** K3: a new client (./edit.ts). */
export const createClient = (db: Db, tenantId: string, x: NewClient) =>
  createClientWith(getClient, db, tenantId, x)
/** K3: a number / e-mail for an existing client (./edit.ts). */
export const addClientContact = (db: Db, tenantId: string, id: string, x: AddClientContact) =>
  addClientContactWith(getClient, db, tenantId, id, x)
export { clientTimeline, TIMELINE_LIMIT } from './timeline.ts'
