/**
 * Which stored files an employee may read or send (issue 7 probe: any operator could fetch any file of
 * the tenant, and attach another visitor's unsent upload to a chat of his).
 *
 * Read: a file sent in a chat he may see (the rule of GET /api/chats/:id), an attachment of a template
 * he may use, or one he uploaded. Send: one he uploaded, or an attachment of a template he may use.
 * Anything else is E_NOT_FOUND, as if it did not exist.
 */
import { and, eq, sql } from 'drizzle-orm'
import { type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { usableTemplates } from './templates.ts'
import { canSee, type FileRow, groupsOf, type Viewer } from './views.ts'

const { chats, files, messages, templates } = schema

/** A template he may use carries the file. */
async function inUsableTemplate(q: Queryable, v: Viewer, fileId: string): Promise<boolean> {
  const rows = await q
    .select({ id: templates.id })
    .from(templates)
    .where(and(usableTemplates(v), sql`${fileId}::uuid = ANY(${templates.attachmentIds})`))
    .limit(1)
  return rows.length > 0
}

async function row(q: Queryable, v: Viewer, fileId: string): Promise<FileRow | null> {
  const [f] = await q
    .select()
    .from(files)
    .where(and(eq(files.tenantId, v.tenantId), eq(files.id, fileId)))
  return f ?? null
}

/** The file if this employee may read it, else null. */
export async function fileForEmployee(q: Queryable, v: Viewer, fileId: string): Promise<FileRow | null> {
  const f = await row(q, v, fileId)
  if (!f) return null
  if (f.uploadedByEmployee === v.employeeId) return f
  const inChats = await q
    .selectDistinct({ c: chats })
    .from(messages)
    .innerJoin(chats, and(eq(chats.tenantId, messages.tenantId), eq(chats.id, messages.chatId)))
    .where(and(eq(messages.tenantId, v.tenantId), eq(messages.fileId, fileId)))
  if (inChats.length) {
    const groups = await groupsOf(q, v.tenantId, v.employeeId)
    if (inChats.some((r) => canSee(v, groups, r.c))) return f
  }
  return (await inUsableTemplate(q, v, fileId)) ? f : null
}

/** The file an employee attaches to a message: his own upload or a template attachment he may use. */
export async function fileToSend(
  q: Queryable,
  v: Viewer,
  fileId: string,
): Promise<{ id: string; durationMs: number | null }> {
  const f = await row(q, v, fileId)
  if (f && (f.uploadedByEmployee === v.employeeId || (await inUsableTemplate(q, v, fileId))))
    return { id: f.id, durationMs: f.durationMs }
  throw new AppError('E_NOT_FOUND')
}
