/** Call rows → CallView (names of employees, group, contact; recording presence), tenant-scoped. */
import { and, eq, inArray } from 'drizzle-orm'
import type { CallView } from '../../../contract/calls.ts'
import { type Queryable, schema } from '../../db/index.ts'
import { type CallContext, callContext } from './context.ts'

const { callRecordings, calls, contacts, employees, groups } = schema

export type CallRow = typeof calls.$inferSelect

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/** Views for rows of one tenant, in the rows' order. */
export async function toViews(q: Queryable, tenantId: string, rows: CallRow[]): Promise<CallView[]> {
  if (!rows.length) return []
  const context = await callContext(q, tenantId, rows)
  const empIds = [
    ...new Set([
      ...rows.flatMap((r) => [r.answeredById, r.handledById].filter((x): x is string => !!x)),
      ...context.transferredBy.values(),
    ]),
  ]
  const groupIds = [...new Set(rows.flatMap((r) => (r.groupId ? [r.groupId] : [])))]
  const contactIds = [...new Set(rows.flatMap((r) => (r.contactId ? [r.contactId] : [])))]
  const names = new Map<string, string>()
  if (empIds.length) {
    for (const e of await q
      .select({ id: employees.id, name: employees.name })
      .from(employees)
      .where(and(eq(employees.tenantId, tenantId), inArray(employees.id, empIds))))
      names.set(e.id, e.name)
  }
  const groupNames = new Map<string, string>()
  if (groupIds.length) {
    for (const g of await q
      .select({ id: groups.id, name: groups.name })
      .from(groups)
      .where(and(eq(groups.tenantId, tenantId), inArray(groups.id, groupIds))))
      groupNames.set(g.id, g.name)
  }
  const contactNames = new Map<string, string>()
  if (contactIds.length) {
    for (const c of await q
      .select({ id: contacts.id, name: contacts.name })
      .from(contacts)
      .where(and(eq(contacts.tenantId, tenantId), inArray(contacts.id, contactIds))))
      contactNames.set(c.id, c.name)
  }
  const withRec = new Set(
    (
      await q
        .select({ id: callRecordings.callId })
        .from(callRecordings)
        .where(
          and(
            eq(callRecordings.tenantId, tenantId),
            inArray(
              callRecordings.callId,
              rows.map((r) => r.id),
            ),
          ),
        )
    ).map((r) => r.id),
  )
  return rows.map((r) =>
    viewOf(r, { employees: names, groups: groupNames, contacts: contactNames, recorded: withRec, context }),
  )
}

/** Names the views of a tenant's rows refer to, and which calls have a recording. */
export interface ViewNames {
  employees: ReadonlyMap<string, string>
  groups: ReadonlyMap<string, string>
  contacts: ReadonlyMap<string, string>
  recorded: ReadonlySet<string>
  /** C1: virtual number names and transferrers (./context.ts); without it the view leaves them out. */
  context?: CallContext
}

/** A row's view from names already at hand (the route request has the tenant's snapshot). */
export function viewOf(r: CallRow, n: ViewNames): CallView {
  return {
    id: r.id,
    sipCallId: r.sipCallId,
    direction: r.direction,
    state: r.state,
    fromNumber: r.fromNumber,
    toNumber: r.toNumber,
    peerNumber: r.peerNumber,
    peerGiven: r.peerGiven,
    virtualNumber: r.virtualNumber,
    callerEmployeeId: r.callerEmployeeId,
    answeredById: r.answeredById,
    answeredByName: r.answeredById ? (n.employees.get(r.answeredById) ?? null) : null,
    groupId: r.groupId,
    groupName: r.groupId ? (n.groups.get(r.groupId) ?? null) : null,
    contactId: r.contactId,
    contactName: r.contactId ? (n.contacts.get(r.contactId) ?? null) : null,
    transferOfId: r.transferOfId,
    startedAt: r.startedAt.toISOString(),
    answeredAt: iso(r.answeredAt),
    endedAt: iso(r.endedAt),
    durationSec: r.durationSec,
    failureCode: r.failureCode,
    failureReason: r.failureReason,
    missed: r.missed,
    handledById: r.handledById,
    handledByName: r.handledById ? (n.employees.get(r.handledById) ?? null) : null,
    handledAt: iso(r.handledAt),
    handledHow: r.handledHow,
    hasRecording: n.recorded.has(r.id),
    callbackRequest: r.callbackRequest,
    callbackName: r.callbackName,
    visitorId: r.visitorId,
    declinedIds: r.declinedIds ?? [],
    missedByIds: r.missedByIds ?? [],
    ...contextOf(r, n),
  }
}

function contextOf(r: CallRow, n: ViewNames): Partial<CallView> {
  if (!n.context) return {}
  const vn = r.virtualNumber ? n.context.virtualNumbers.get(r.virtualNumber) : undefined
  const by = n.context.transferredBy.get(r.id) ?? null
  return {
    virtualNumberName: vn?.name || null,
    virtualNumberSource: vn?.source || null,
    transferredById: by,
    transferredByName: by ? (n.employees.get(by) ?? null) : null,
    consultAbout: n.context.consults.get(r.id) ?? null,
  }
}

/** One view. */
export async function toView(q: Queryable, row: CallRow): Promise<CallView> {
  const [v] = await toViews(q, row.tenantId, [row])
  if (!v) throw new Error('view of a call row')
  return v
}
