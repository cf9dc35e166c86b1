/**
 * Probe 12 #15 (C1, C6): a consultation tells the colleague which client it is about. No header a
 * phone writes says so (a phone could name anyone's call): the server knows it — an operator who has
 * a client's call answered and places a call to a colleague or a group is consulting about that call
 * (there is no call waiting, so he has at most one; the app's only way to dial then is the transfer
 * picker's "New call").
 */
import { and, desc, eq, inArray, or } from 'drizzle-orm'
import type { ConsultAbout } from '../../../contract/calls.ts'
import { type Queryable, schema } from '../../db/index.ts'

const { calls, contacts } = schema

type CallRow = typeof calls.$inferSelect

/** The client's call `employeeId` has answered now (his or taken by him), or null. */
export async function consultedCall(
  q: Queryable,
  tenantId: string,
  employeeId: string,
): Promise<string | null> {
  const [row] = await q
    .select({ id: calls.id })
    .from(calls)
    .where(
      and(
        eq(calls.tenantId, tenantId),
        eq(calls.state, 'answered'),
        inArray(calls.direction, ['in', 'out']),
        or(eq(calls.answeredById, employeeId), eq(calls.callerEmployeeId, employeeId)),
      ),
    )
    .orderBy(desc(calls.answeredAt))
    .limit(1)
  return row?.id ?? null
}

/** Consultation id → what it is about, for a page of a tenant's rows (views.ts `context`). */
export async function consultsOf(
  q: Queryable,
  tenantId: string,
  rows: readonly CallRow[],
  lines: (numbers: string[]) => Promise<ReadonlyMap<string, { name: string; source: string }>>,
): Promise<Map<string, ConsultAbout>> {
  const ids = [...new Set(rows.flatMap((r) => (r.consultOfId ? [r.consultOfId] : [])))]
  const out = new Map<string, ConsultAbout>()
  if (!ids.length) return out
  const about = await q
    .select({
      id: calls.id,
      peerNumber: calls.peerNumber,
      contactId: calls.contactId,
      virtualNumber: calls.virtualNumber,
    })
    .from(calls)
    .where(and(eq(calls.tenantId, tenantId), inArray(calls.id, ids)))
  const contactIds = [...new Set(about.flatMap((a) => (a.contactId ? [a.contactId] : [])))]
  const names = new Map<string, string>()
  if (contactIds.length) {
    for (const c of await q
      .select({ id: contacts.id, name: contacts.name })
      .from(contacts)
      .where(and(eq(contacts.tenantId, tenantId), inArray(contacts.id, contactIds))))
      names.set(c.id, c.name)
  }
  const vn = await lines([...new Set(about.flatMap((a) => (a.virtualNumber ? [a.virtualNumber] : [])))])
  const byId = new Map(about.map((a) => [a.id, a]))
  for (const r of rows) {
    const a = r.consultOfId ? byId.get(r.consultOfId) : undefined
    if (!a) continue
    const line = a.virtualNumber ? vn.get(a.virtualNumber) : undefined
    out.set(r.id, {
      callId: a.id,
      number: a.peerNumber,
      contactName: a.contactId ? (names.get(a.contactId) ?? null) : null,
      virtualNumber: a.virtualNumber,
      virtualNumberName: line?.name || null,
      virtualNumberSource: line?.source || null,
    })
  }
  return out
}
