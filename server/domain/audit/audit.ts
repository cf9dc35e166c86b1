/**
 * The audit log (issue 13): every admin change as actor, action, entity, before and after, written
 * by `recordAudit` inside the transaction of the change itself — a change that rolls back leaves no
 * entry, and an entry never describes a change that did not happen.
 */
import { and, desc, eq, gte, lt, or, sql } from 'drizzle-orm'
import type { AuditEntryView, AuditPage, AuditQuery } from '../../../contract/admin.ts'
import { type Queryable, schema } from '../../db/index.ts'
import { auditLog } from '../../db/schema-people.ts'

/** Keys never written to the log, whatever an entity's snapshot holds. */
const SECRET_KEYS = /password|hash|secret|token/i

/** A secret's masked hint (`secretHint: '••••abcd'`, channels/admin.ts maskSecret) may be kept. */
const maskedHint = (k: string, val: unknown) =>
  k.endsWith('Hint') && (val === null || (typeof val === 'string' && /^••••[A-Za-z0-9_-]{0,4}$/.test(val)))

export interface AuditChange {
  /** The employee who made it; null for the platform's tools (the tenant CLI). */
  actorId: string | null
  /** `<entity>.<verb>`, e.g. `employee.create`, `tenant.suspend`. */
  action: string
  entity: string
  entityId: string
  before?: Record<string, unknown> | null
  after?: Record<string, unknown> | null
}

/** A snapshot without secrets, dates as ISO strings (what jsonb keeps). */
function clean(o: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!o) return null
  const out: Record<string, unknown> = {}
  for (const [k, val] of Object.entries(o)) {
    if (SECRET_KEYS.test(k) && !maskedHint(k, val)) continue
    out[k] = val instanceof Date ? val.toISOString() : val
  }
  return out
}

/** Records one admin change; call it with the transaction that makes the change. */
export async function recordAudit(tx: Queryable, tenantId: string, c: AuditChange): Promise<void> {
  let actorName = ''
  if (c.actorId) {
    const [a] = await tx
      .select({ name: schema.employees.name })
      .from(schema.employees)
      .where(and(eq(schema.employees.tenantId, tenantId), eq(schema.employees.id, c.actorId)))
    actorName = a?.name ?? ''
  }
  await tx.insert(auditLog).values({
    tenantId,
    actorId: c.actorId,
    actorName,
    action: c.action,
    entity: c.entity,
    entityId: c.entityId,
    before: clean(c.before),
    after: clean(c.after),
  })
}

/** A page of the tenant's log, newest first, filtered by entity, action, actor, entity id, period. */
export async function listAudit(q: Queryable, tenantId: string, f: AuditQuery): Promise<AuditPage> {
  const where = [eq(auditLog.tenantId, tenantId)]
  if (f.entity) where.push(eq(auditLog.entity, f.entity))
  if (f.action) where.push(eq(auditLog.action, f.action))
  if (f.actorId) where.push(eq(auditLog.actorId, f.actorId))
  if (f.entityId) where.push(eq(auditLog.entityId, f.entityId))
  if (f.from) where.push(gte(auditLog.at, new Date(f.from)))
  if (f.to) where.push(lt(auditLog.at, new Date(f.to)))
  if (f.before) {
    const [at, id] = f.before.split('|') as [string, string]
    const when = new Date(at)
    if (!Number.isNaN(when.getTime()))
      where.push(or(lt(auditLog.at, when), and(eq(auditLog.at, when), sql`${auditLog.id} < ${id}::uuid`))!)
  }
  const rows = await q
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(f.limit + 1)
  const page = rows.slice(0, f.limit)
  const last = page.at(-1)
  return {
    entries: page.map(toView),
    next: rows.length > f.limit && last ? `${last.at.toISOString()}|${last.id}` : null,
  }
}

function toView(r: typeof auditLog.$inferSelect): AuditEntryView {
  return {
    id: r.id,
    actorId: r.actorId,
    actorName: r.actorName,
    action: r.action,
    entity: r.entity,
    entityId: r.entityId,
    before: r.before ?? null,
    after: r.after ?? null,
    at: r.at.toISOString(),
  }
}
