/**
 * The entities of the admin's settings as the audit log keeps them (issue 13 §2): what an admin can
 * read back, secrets only as their masked hint (`••••abcd`, channels/admin.ts `maskSecret`).
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import { type Queryable, queryRows, schema } from '../../db/index.ts'
import { crmWebhooks } from '../../db/schema-leads.ts'
import { callSettingsOf } from '../calls/index.ts'
import { adminView, maskSecret } from '../channels/index.ts'
import { chatSettingsOf, webchatSettings } from '../chats/index.ts'

const { channels, groups, templates } = schema

/** A channel as admins see it (secrets masked); `webchat` names the tenant's website chat. */
export async function channelSnapshot(q: Queryable, tenantId: string, id: string | null) {
  if (!id) return null
  const byId = /^[0-9a-f-]{36}$/i.test(id)
  if (!byId && id !== 'webchat') return null
  const [row] = await q
    .select()
    .from(channels)
    .where(and(eq(channels.tenantId, tenantId), byId ? eq(channels.id, id) : eq(channels.kind, 'webchat')))
    .limit(1)
  if (!row) return null
  const { createdAt: _, ...view } = adminView(row)
  return view
}

/** The website chat's connection and distribution (PUT /api/admin/channels/webchat), its groups by name too. */
export async function webchatSnapshot(q: Queryable, tenantId: string) {
  const w = await webchatSettings(q, tenantId)
  const named = w.groupIds.length
    ? await q
        .select({ id: groups.id, name: groups.name })
        .from(groups)
        .where(and(eq(groups.tenantId, tenantId), inArray(groups.id, w.groupIds)))
    : []
  const nameOf = new Map(named.map((g) => [g.id, g.name]))
  return { name: 'Website chat', ...w, groups: w.groupIds.map((id) => nameOf.get(id) ?? id) }
}

/** A shared template (T5), or null. */
export async function templateSnapshot(q: Queryable, tenantId: string, id: string | null) {
  if (!id) return null
  const [row] = await q
    .select({
      name: templates.name,
      text: templates.text,
      allowedEmployeeIds: templates.allowedEmployeeIds,
      attachmentIds: templates.attachmentIds,
    })
    .from(templates)
    .where(and(eq(templates.tenantId, tenantId), eq(templates.id, id), isNull(templates.ownerId)))
  return row ?? null
}

/** The chat lifecycle's settings (T7, T8). */
export const chatSettingsSnapshot = (q: Queryable, tenantId: string) => chatSettingsOf(q, tenantId)

/** The call settings (C5). */
export const callSettingsSnapshot = (q: Queryable, tenantId: string) => callSettingsOf(q, tenantId)

/** The CRM hand-off webhook (T13): its URL and the hint of its secret; null when none is set. */
export async function crmWebhookSnapshot(q: Queryable, tenantId: string) {
  const [row] = await q.select().from(crmWebhooks).where(eq(crmWebhooks.tenantId, tenantId))
  return row ? { url: row.url, secretHint: maskSecret(row.secret) } : null
}

/** The CRM contact source (K3): whether the book is the CRM's and the hint of its secret. */
export async function crmContactsSnapshot(q: Queryable, tenantId: string) {
  const [s] = await queryRows<{ secret: string; read_only: boolean }>(
    q,
    sql`SELECT secret, read_only FROM crm_contact_sources WHERE tenant_id = ${tenantId}`,
  )
  return s ? { readOnly: s.read_only, secretHint: maskSecret(s.secret) } : null
}
