/**
 * Templates (T5): shared ones made by the admin (name, text, attachments, which operators may use
 * them — none named: everyone) and personal ones an operator makes for himself. Each change ends
 * with `template.updated` / `template.deleted` to those who may use the template (before and after:
 * an operator taken off a shared template's list is told it is gone).
 */
import { and, asc, eq, inArray, isNull, or, type SQL, sql } from 'drizzle-orm'
import type { TemplateView } from '../../../contract/chats.ts'
import { type Audience, appendEvent, type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { fileView, isStaff, type Viewer } from './views.ts'

const { employees, files, templates } = schema

type TemplateRow = typeof templates.$inferSelect

export interface TemplateInput {
  name: string
  text: string
  attachmentIds?: string[] | undefined
}
export interface SharedTemplateInput extends TemplateInput {
  allowedEmployeeIds?: string[] | undefined
}

/** Rows → views, with their attachments' file views. */
async function views(q: Queryable, tenantId: string, rows: TemplateRow[]): Promise<TemplateView[]> {
  const ids = [...new Set(rows.flatMap((r) => r.attachmentIds))]
  const fs = ids.length
    ? await q
        .select()
        .from(files)
        .where(and(eq(files.tenantId, tenantId), inArray(files.id, ids)))
    : []
  return rows.map((r) => ({
    id: r.id,
    scope: r.ownerId ? 'personal' : 'shared',
    name: r.name,
    text: r.text,
    attachments: r.attachmentIds.flatMap((id) => {
      const f = fs.find((x) => x.id === id)
      return f ? [fileView(f)] : []
    }),
    allowedEmployeeIds: r.allowedEmployeeIds,
  }))
}

/** Who may use a template: its owner; for a shared one its list (empty: everyone) and staff. */
function audienceOf(t: TemplateRow): Audience | null {
  if (t.ownerId) return { employeeIds: [t.ownerId] }
  return t.allowedEmployeeIds.length ? { employeeIds: t.allowedEmployeeIds, staff: true } : null
}

/** The templates an employee may use: his own and the shared ones allowed to him (staff: every shared one). */
export function usableTemplates(v: Viewer): SQL | undefined {
  const shared = isStaff(v)
    ? isNull(templates.ownerId)
    : and(
        isNull(templates.ownerId),
        or(
          sql`cardinality(${templates.allowedEmployeeIds}) = 0`,
          sql`${v.employeeId}::uuid = ANY(${templates.allowedEmployeeIds})`,
        ),
      )
  return and(eq(templates.tenantId, v.tenantId), or(eq(templates.ownerId, v.employeeId), shared))
}

/** The templates an employee may use (`usableTemplates`), by name. */
export async function listTemplates(q: Queryable, v: Viewer): Promise<TemplateView[]> {
  const rows = await q
    .select()
    .from(templates)
    .where(usableTemplates(v))
    .orderBy(asc(templates.name), asc(templates.id))
  return views(q, v.tenantId, rows)
}

/** Ids that must be the tenant's own rows (files, employees), else E_VALIDATION naming the field. */
async function assertOwn(
  q: Queryable,
  tenantId: string,
  field: string,
  table: typeof files | typeof employees,
  ids: string[],
): Promise<void> {
  const unique = [...new Set(ids)]
  if (!unique.length) return
  const found = await q
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.tenantId, tenantId), inArray(table.id, unique)))
  if (found.length !== unique.length) throw new AppError('E_VALIDATION', [`${field}: unknown id`])
}

async function write(
  q: Queryable,
  v: Viewer,
  input: SharedTemplateInput,
  scope: 'personal' | 'shared',
  id?: string,
): Promise<TemplateView> {
  return q.transaction(async (tx) => {
    await assertOwn(tx, v.tenantId, 'attachmentIds', files, input.attachmentIds ?? [])
    await assertOwn(tx, v.tenantId, 'allowedEmployeeIds', employees, input.allowedEmployeeIds ?? [])
    const values = {
      name: input.name,
      text: input.text,
      attachmentIds: [...new Set(input.attachmentIds ?? [])],
      allowedEmployeeIds: scope === 'shared' ? [...new Set(input.allowedEmployeeIds ?? [])] : [],
    }
    let before: TemplateRow | null = null
    let row: TemplateRow | undefined
    if (id) {
      before = await own(tx, v, id, scope)
      ;[row] = await tx
        .update(templates)
        .set(values)
        .where(and(eq(templates.tenantId, v.tenantId), eq(templates.id, id)))
        .returning()
    } else {
      ;[row] = await tx
        .insert(templates)
        .values({ tenantId: v.tenantId, ownerId: scope === 'personal' ? v.employeeId : null, ...values })
        .returning()
    }
    if (!row) throw new Error('template write returned nothing')
    const [view] = await views(tx, v.tenantId, [row])
    const after = audienceOf(row)
    // Those who lose it: dropped from its list; an open template that gets a list is deleted for
    // everyone first (the event order puts it back for those on the list).
    if (before && after) {
      const was = audienceOf(before)
      const gone = before.allowedEmployeeIds.filter((e) => !row.allowedEmployeeIds.includes(e))
      if (!was) await appendEvent(tx, v.tenantId, 'template.deleted', { id: row.id }, null)
      else if (gone.length)
        await appendEvent(tx, v.tenantId, 'template.deleted', { id: row.id }, { employeeIds: gone })
    }
    await appendEvent(tx, v.tenantId, 'template.updated', { template: view as TemplateView }, after)
    return view as TemplateView
  })
}

/** The template with `id` the viewer may change in `scope` (personal: his own), else E_NOT_FOUND. */
async function own(q: Queryable, v: Viewer, id: string, scope: 'personal' | 'shared'): Promise<TemplateRow> {
  const [row] = await q
    .select()
    .from(templates)
    .where(and(eq(templates.tenantId, v.tenantId), eq(templates.id, id)))
    .for('update')
  const mine = scope === 'personal' ? row?.ownerId === v.employeeId : row?.ownerId === null
  if (!row || !mine) throw new AppError('E_NOT_FOUND')
  return row
}

/** A personal template of the viewer. */
export const createPersonalTemplate = (q: Queryable, v: Viewer, input: TemplateInput) =>
  write(q, v, input, 'personal')
/** Changes one of the viewer's personal templates (another's: E_NOT_FOUND). */
export const updatePersonalTemplate = (q: Queryable, v: Viewer, id: string, input: TemplateInput) =>
  write(q, v, input, 'personal', id)
/** A shared template (admin). */
export const createSharedTemplate = (q: Queryable, v: Viewer, input: SharedTemplateInput) =>
  write(q, v, input, 'shared')
/** Changes a shared template (admin). */
export const updateSharedTemplate = (q: Queryable, v: Viewer, id: string, input: SharedTemplateInput) =>
  write(q, v, input, 'shared', id)

async function remove(q: Queryable, v: Viewer, id: string, scope: 'personal' | 'shared'): Promise<void> {
  await q.transaction(async (tx) => {
    const row = await own(tx, v, id, scope)
    await tx.delete(templates).where(and(eq(templates.tenantId, v.tenantId), eq(templates.id, id)))
    await appendEvent(tx, v.tenantId, 'template.deleted', { id }, audienceOf(row))
  })
}
/** Deletes one of the viewer's personal templates. */
export const deletePersonalTemplate = (q: Queryable, v: Viewer, id: string) => remove(q, v, id, 'personal')
/** Deletes a shared template (admin). */
export const deleteSharedTemplate = (q: Queryable, v: Viewer, id: string) => remove(q, v, id, 'shared')
