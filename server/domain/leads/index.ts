/**
 * Leads (SPEC T11): a contact form sent from the tenant's site. Not a conversation and not
 * distributed: every employee of the tenant hears of it live (`lead.updated`, audience null); the
 * first who opens it takes it; whoever took it (or staff) completes it.
 *
 *   new ──open (first opener wins)──▶ taken ──complete──▶ completed
 *
 * Of two operators opening at once exactly one wins: one conditional UPDATE … WHERE state = 'new'.
 * The other gets the lead back as it is now ("taken by X"), not an error: he may still read it.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm'
import type { RequestInfo } from '../../../contract/chats.ts'
import type { LeadForm, LeadState, LeadView } from '../../../contract/leads.ts'
import { appendEvent, type Queryable, schema } from '../../db/index.ts'
import { leads } from '../../db/schema-leads.ts'
import { AppError } from '../../errors.ts'

const { employees, tenants } = schema

export interface LeadViewer {
  tenantId: string
  employeeId: string
  role: 'operator' | 'supervisor' | 'admin'
}

/** The moves a lead may make, as data (CONVENTIONS: a lifecycle is a table). */
export const LEAD_TRANSITIONS = {
  take: { from: ['new'], to: 'taken' },
  complete: { from: ['taken'], to: 'completed' },
} as const satisfies Record<string, { from: readonly LeadState[]; to: LeadState }>

/** Completed leads listed after the open ones. */
export const COMPLETED_LEADS = 50

type LeadRow = typeof leads.$inferSelect

async function viewsWhere(
  q: Queryable,
  where: ReturnType<typeof and>,
  order: ReturnType<typeof asc>[],
  limit = 500,
) {
  const rows = await q
    .select({ lead: leads, takenByName: employees.name })
    .from(leads)
    .leftJoin(employees, and(eq(employees.tenantId, leads.tenantId), eq(employees.id, leads.takenBy)))
    .where(where)
    .orderBy(...order)
    .limit(limit)
  return rows.map((r) => toView(r.lead, r.takenByName ?? null))
}

function toView(l: LeadRow, takenByName: string | null): LeadView {
  return {
    id: l.id,
    state: l.state,
    name: l.name,
    phone: l.phone,
    email: l.email,
    comment: l.comment,
    visitorId: l.visitorId,
    requestInfo: l.requestInfo ?? null,
    createdAt: l.createdAt.toISOString(),
    takenBy: l.takenBy,
    takenByName,
    takenAt: l.takenAt?.toISOString() ?? null,
    completedAt: l.completedAt?.toISOString() ?? null,
  }
}

async function leadView(q: Queryable, tenantId: string, id: string): Promise<LeadView | null> {
  const [v] = await viewsWhere(q, and(eq(leads.tenantId, tenantId), eq(leads.id, id)), [])
  return v ?? null
}

/** The tenant a site form names by its slug; E_NOT_FOUND otherwise. */
export async function tenantBySlug(q: Queryable, slug: string): Promise<string> {
  const [t] = await q.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug))
  if (!t) throw new AppError('E_NOT_FOUND')
  return t.id
}

/**
 * The tenant whose site form this is, taking leads: E_NOT_FOUND for no such tenant, E_OMNI_OFF when
 * its omnichannel option is off (A5: leads are text requests, and nobody would see one — the form
 * says so at once rather than the lead waiting unseen).
 */
export async function leadTenant(q: Queryable, slug: string): Promise<string> {
  const [t] = await q
    .select({ id: tenants.id, features: tenants.features })
    .from(tenants)
    .where(eq(tenants.slug, slug))
  if (!t) throw new AppError('E_NOT_FOUND')
  if (!t.features.omni) throw new AppError('E_OMNI_OFF')
  return t.id
}

/** A lead from the site form (validated by LeadFormSchema); every employee hears of it. */
export async function createLead(
  q: Queryable,
  tenantId: string,
  form: Omit<LeadForm, 'tenant' | 'visitorToken' | 'page'>,
  extra: { visitorId?: string | null; requestInfo?: RequestInfo | null } = {},
): Promise<LeadView> {
  return q.transaction(async (tx) => {
    const [row] = await tx
      .insert(leads)
      .values({
        tenantId,
        name: form.name,
        phone: form.phone ?? null,
        email: form.email ?? null,
        comment: form.comment ?? '',
        visitorId: extra.visitorId ?? null,
        requestInfo: extra.requestInfo ?? null,
      })
      .returning()
    if (!row) throw new Error('lead insert returned nothing')
    const lead = toView(row, null)
    await appendEvent(tx, tenantId, 'lead.updated', { lead })
    return lead
  })
}

/** New and taken leads, oldest first, then the latest completed ones. */
export async function listLeads(q: Queryable, v: LeadViewer): Promise<LeadView[]> {
  const open = await viewsWhere(
    q,
    and(eq(leads.tenantId, v.tenantId), inArray(leads.state, ['new', 'taken'])),
    [asc(leads.createdAt), asc(leads.id)],
  )
  const done = await viewsWhere(
    q,
    and(eq(leads.tenantId, v.tenantId), eq(leads.state, 'completed')),
    [desc(leads.completedAt), desc(leads.id)],
    COMPLETED_LEADS,
  )
  return [...open, ...done]
}

/** Opens a lead: a new one becomes the opener's (first opener wins); otherwise it is only read. */
export async function openLead(q: Queryable, v: LeadViewer, id: string): Promise<LeadView> {
  return q.transaction(async (tx) => {
    const [taken] = await tx
      .update(leads)
      .set({ state: LEAD_TRANSITIONS.take.to, takenBy: v.employeeId, takenAt: new Date() })
      .where(
        and(
          eq(leads.tenantId, v.tenantId),
          eq(leads.id, id),
          inArray(leads.state, LEAD_TRANSITIONS.take.from),
        ),
      )
      .returning({ id: leads.id })
    const lead = await leadView(tx, v.tenantId, id)
    if (!lead) throw new AppError('E_NOT_FOUND')
    if (taken) await appendEvent(tx, v.tenantId, 'lead.updated', { lead })
    return lead
  })
}

/** Completes a lead: the one who took it, or staff. Completing a completed lead is a no-op answer. */
export async function completeLead(q: Queryable, v: LeadViewer, id: string): Promise<LeadView> {
  return q.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(leads)
      .where(and(eq(leads.tenantId, v.tenantId), eq(leads.id, id)))
      .for('update')
    if (!row) throw new AppError('E_NOT_FOUND')
    if (row.state === 'completed') return (await leadView(tx, v.tenantId, id)) as LeadView
    const staff = v.role !== 'operator'
    if (row.state === 'new' && !staff) throw new AppError('E_FORBIDDEN')
    if (row.state === 'taken' && row.takenBy !== v.employeeId && !staff) throw new AppError('E_LEAD_TAKEN')
    await tx
      .update(leads)
      .set({
        state: LEAD_TRANSITIONS.complete.to,
        completedAt: new Date(),
        // Staff closing a new one holds it from then on (who handled it).
        takenBy: row.takenBy ?? v.employeeId,
        takenAt: row.takenAt ?? new Date(),
      })
      .where(and(eq(leads.tenantId, v.tenantId), eq(leads.id, id)))
    const lead = (await leadView(tx, v.tenantId, id)) as LeadView
    await appendEvent(tx, v.tenantId, 'lead.updated', { lead })
    return lead
  })
}
