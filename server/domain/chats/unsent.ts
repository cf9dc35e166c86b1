/**
 * Uploads never sent (issue 7 probe): a file uploaded but carried by no message and no template is
 * kept only so long. Each uploader (visitor or employee) may hold so many bytes of such uploads made
 * in the last hour (`storeFile` refuses more: 429 E_RATE_LIMITED), and a sweep removes unsent files
 * older than a day — the row, and the bytes once no other row or recording names the same hash.
 */
import { sql } from 'drizzle-orm'
import type { Queryable } from '../../db/index.ts'
import type { FileStore } from '../../files/index.ts'

/** Bytes of unsent uploads one uploader may make per hour (three full-size attachments and some). */
export const UNSENT_MAX_BYTES = 100 * 1024 * 1024
export const UNSENT_WINDOW_MS = 60 * 60 * 1000
/** Unsent uploads older than this are removed. */
export const UNSENT_KEEP_MS = 24 * 60 * 60 * 1000
/** How often the sweep runs. */
export const UNSENT_SWEEP_MS = 60 * 60 * 1000

const unsent = sql`not exists (select 1 from messages m where m.tenant_id = f.tenant_id and m.file_id = f.id)
  and not exists (select 1 from templates t where t.tenant_id = f.tenant_id and f.id = any(t.attachment_ids))`

/** Bytes of the uploader's files of the last hour that no message or template carries. */
export async function unsentBytes(
  q: Queryable,
  tenantId: string,
  by: { employeeId: string } | { visitorId: string },
  now = Date.now(),
): Promise<number> {
  const who =
    'visitorId' in by
      ? sql`f.uploaded_by_visitor = ${by.visitorId}`
      : sql`f.uploaded_by_employee = ${by.employeeId}`
  const since = new Date(now - UNSENT_WINDOW_MS).toISOString()
  const rows = (await q.execute(
    sql`select coalesce(sum(f.size), 0)::bigint as bytes from files f
        where f.tenant_id = ${tenantId} and ${who} and f.created_at > ${since}::timestamptz and ${unsent}`,
  )) as unknown as { rows?: { bytes: string | number }[] } | { bytes: string | number }[]
  const list = Array.isArray(rows) ? rows : (rows.rows ?? [])
  return Number(list[0]?.bytes ?? 0)
}

/** Removes unsent files uploaded more than `olderThanMs` ago; returns how many rows went. */
export async function sweepUnsentFiles(
  q: Queryable,
  store: FileStore,
  olderThanMs = UNSENT_KEEP_MS,
  now = Date.now(),
): Promise<number> {
  const cutoff = new Date(now - olderThanMs).toISOString()
  const res = (await q.execute(
    sql`delete from files f where f.created_at < ${cutoff}::timestamptz and ${unsent}
        returning f.tenant_id, f.sha256`,
  )) as unknown as
    | { rows?: { tenant_id: string; sha256: string }[] }
    | { tenant_id: string; sha256: string }[]
  const gone = Array.isArray(res) ? res : (res.rows ?? [])
  const hashes = new Map(gone.map((r) => [`${r.tenant_id}/${r.sha256}`, r]))
  for (const r of hashes.values()) {
    const used = (await q.execute(
      sql`select 1 from files where tenant_id = ${r.tenant_id} and sha256 = ${r.sha256}
          union all select 1 from call_recordings where tenant_id = ${r.tenant_id} and sha256 = ${r.sha256} limit 1`,
    )) as unknown as { rows?: unknown[] } | unknown[]
    const n = Array.isArray(used) ? used.length : (used.rows?.length ?? 0)
    if (!n) await store.remove(r.tenant_id, r.sha256)
  }
  return gone.length
}
