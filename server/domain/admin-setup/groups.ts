/**
 * The admin's groups (issue 13 §2, SPEC C3): members in ring order, strategy, ring time, whether the
 * group takes chats, extension. Routing reads groups from the database for every call
 * (calls/snapshot.ts), so a committed edit rules the next call; the hubs re-read membership
 * (`announceGroupsChanged`) and the apps re-read groups on `groups.updated`.
 */
import { and, asc, eq, inArray } from 'drizzle-orm'
import type { GroupAdminView, GroupInput } from '../../../contract/admin-setup.ts'
import { announceGroupsChanged, appendEvent, type Db, type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { audit } from './audit.ts'
import { assertExtensionFree, lockNumberSpace } from './extensions.ts'

const { channels, contacts, employees, groupMembers, groups, virtualNumbers } = schema

/** The tenant's groups with their members in ring order, by extension. */
export async function listGroups(q: Queryable, tenantId: string): Promise<GroupAdminView[]> {
  const rows = await q
    .select()
    .from(groups)
    .where(eq(groups.tenantId, tenantId))
    .orderBy(asc(groups.extension))
  const members = await q
    .select({ groupId: groupMembers.groupId, employeeId: groupMembers.employeeId })
    .from(groupMembers)
    .where(eq(groupMembers.tenantId, tenantId))
    .orderBy(asc(groupMembers.position))
  return rows.map((g) => ({
    id: g.id,
    name: g.name,
    extension: g.extension,
    strategy: g.strategy,
    ringTimeoutSec: g.ringTimeoutSec,
    takesChats: g.takesChats,
    memberIds: members.filter((m) => m.groupId === g.id).map((m) => m.employeeId),
  }))
}

async function groupView(q: Queryable, tenantId: string, id: string): Promise<GroupAdminView | null> {
  return (await listGroups(q, tenantId)).find((g) => g.id === id) ?? null
}

/** Members must be this tenant's employees (another tenant's id is E_VALIDATION, like an unknown one). */
async function assertMembers(q: Queryable, tenantId: string, ids: string[]): Promise<void> {
  if (!ids.length) return
  const found = await q
    .select({ id: employees.id })
    .from(employees)
    .where(and(eq(employees.tenantId, tenantId), inArray(employees.id, ids)))
  if (found.length !== ids.length) throw new AppError('E_VALIDATION', ['memberIds: unknown id'])
}

async function writeMembers(q: Queryable, tenantId: string, groupId: string, ids: string[]): Promise<void> {
  await q
    .delete(groupMembers)
    .where(and(eq(groupMembers.tenantId, tenantId), eq(groupMembers.groupId, groupId)))
  if (ids.length)
    await q
      .insert(groupMembers)
      .values(ids.map((employeeId, position) => ({ tenantId, groupId, employeeId, position })))
}

/** After any group write: hubs re-read membership, apps re-read groups. */
async function announce(q: Queryable, tenantId: string): Promise<void> {
  await announceGroupsChanged(q, tenantId)
  await appendEvent(q, tenantId, 'groups.updated', {})
}

/** Creates a group; E_EXTENSION_TAKEN when its extension is anyone's. */
export async function addGroup(db: Db, tenantId: string, actorId: string, input: GroupInput) {
  return db.orm.transaction(async (tx) => {
    await lockNumberSpace(tx, tenantId)
    await assertExtensionFree(tx, tenantId, input.extension)
    await assertMembers(tx, tenantId, input.memberIds)
    const [row] = await tx
      .insert(groups)
      .values({
        tenantId,
        name: input.name,
        extension: input.extension,
        strategy: input.strategy,
        ringTimeoutSec: input.ringTimeoutSec,
        takesChats: input.takesChats,
      })
      .returning({ id: groups.id })
    if (!row) throw new Error('group insert returned nothing')
    await writeMembers(tx, tenantId, row.id, input.memberIds)
    const after = await groupView(tx, tenantId, row.id)
    await announce(tx, tenantId)
    await audit(tx, tenantId, {
      actorId,
      action: 'group.create',
      entity: 'group',
      entityId: row.id,
      before: null,
      after,
    })
    return after as GroupAdminView
  })
}

/** Replaces a group's settings and members; 404 for an id that is not this tenant's group. */
export async function editGroup(db: Db, tenantId: string, actorId: string, id: string, input: GroupInput) {
  return db.orm.transaction(async (tx) => {
    await lockNumberSpace(tx, tenantId)
    const before = await groupView(tx, tenantId, id)
    if (!before) throw new AppError('E_NOT_FOUND')
    await assertExtensionFree(tx, tenantId, input.extension, { groupId: id })
    await assertMembers(tx, tenantId, input.memberIds)
    const orderChanged = before.memberIds.join() !== input.memberIds.join()
    await tx
      .update(groups)
      .set({
        name: input.name,
        extension: input.extension,
        strategy: input.strategy,
        ringTimeoutSec: input.ringTimeoutSec,
        takesChats: input.takesChats,
        // A new strategy or order starts its round from the top.
        ...(orderChanged || before.strategy !== input.strategy ? { rrCursor: null } : {}),
      })
      .where(and(eq(groups.tenantId, tenantId), eq(groups.id, id)))
    if (orderChanged) await writeMembers(tx, tenantId, id, input.memberIds)
    const after = await groupView(tx, tenantId, id)
    await announce(tx, tenantId)
    await audit(tx, tenantId, {
      actorId,
      action: 'group.update',
      entity: 'group',
      entityId: id,
      before,
      after,
    })
    return after as GroupAdminView
  })
}

/**
 * Deletes a group. A virtual number that rings it, or a chat channel whose distribution is this group
 * alone, → E_GROUP_IN_USE, details naming them (the admin retargets them first: a number that rings
 * nowhere loses calls, a channel left with no group would go to every operator). Clients filed under
 * it lose the group; chat channels listing other groups too stop listing it; past calls keep their
 * record (the calls' key sets it null).
 */
export async function removeGroup(db: Db, tenantId: string, actorId: string, id: string): Promise<void> {
  await db.orm.transaction(async (tx) => {
    await lockNumberSpace(tx, tenantId)
    const before = await groupView(tx, tenantId, id)
    if (!before) throw new AppError('E_NOT_FOUND')
    const used = await tx
      .select({ number: virtualNumbers.number })
      .from(virtualNumbers)
      .where(and(eq(virtualNumbers.tenantId, tenantId), eq(virtualNumbers.groupId, id)))
    const listing = await tx.select().from(channels).where(eq(channels.tenantId, tenantId)).for('update')
    // Probe 13 #4: a channel whose chats go only to this group would be left with no group — "every
    // operator" — so it is refused like a number; a channel listing other groups too just drops it.
    const onlyHere = listing.filter((c) => {
      const list = c.config.groupIds
      return Array.isArray(list) && list.length > 0 && list.every((g) => g === id)
    })
    if (used.length || onlyHere.length)
      throw new AppError('E_GROUP_IN_USE', [
        ...used.map((u) => u.number).sort(),
        ...onlyHere.map((c) => c.name || c.kind).sort(),
      ])
    await tx
      .update(contacts)
      .set({ groupId: null })
      .where(and(eq(contacts.tenantId, tenantId), eq(contacts.groupId, id)))
    for (const c of listing) {
      const ids = c.config.groupIds
      if (!Array.isArray(ids) || !ids.includes(id)) continue
      await tx
        .update(channels)
        .set({ config: { ...c.config, groupIds: ids.filter((g) => g !== id) } })
        .where(and(eq(channels.tenantId, tenantId), eq(channels.id, c.id)))
    }
    await tx.delete(groups).where(and(eq(groups.tenantId, tenantId), eq(groups.id, id)))
    await announce(tx, tenantId)
    await audit(tx, tenantId, {
      actorId,
      action: 'group.delete',
      entity: 'group',
      entityId: id,
      before,
      after: null,
    })
  })
}
