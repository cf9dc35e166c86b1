/**
 * History (C8, C10) and the shared missed-calls list (C9): tenant-scoped, newest first, keyset
 * pagination on (started_at, id) so a page never repeats or skips rows while new calls arrive.
 */
import { and, desc, eq, isNull, or, type SQL, sql } from 'drizzle-orm'
import type {
  CallDetails,
  CallListQuery,
  CallPage,
  CallView,
  MissedListQuery,
} from '../../../contract/calls.ts'
import { type Db, type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { handleMissed, lockedMissed } from './records.ts'
import { type CallRow, toView, toViews } from './views.ts'

const { callRecordings, calls, contacts } = schema

function encodeCursor(row: CallRow): string {
  return Buffer.from(`${row.startedAt.toISOString()}|${row.id}`).toString('base64url')
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/**
 * Only the exact shape encodeCursor writes: `toISOString()` (round-trips, so Postgres' ::timestamptz
 * can never disagree) and a real UUID. Anything else is a 400, never a cast error (500).
 */
export function decodeCursor(raw: string): { at: string; id: string } {
  const bad = () => new AppError('E_VALIDATION', ['before: bad cursor'])
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(raw)) throw bad()
  const parts = Buffer.from(raw, 'base64url').toString('utf8').split('|')
  if (parts.length !== 2) throw bad()
  const [at = '', id = ''] = parts
  if (!ISO.test(at) || !UUID.test(id)) throw bad()
  const t = new Date(at)
  // The year 0000 is a valid JS date but not a PostgreSQL one (there is no year 0 AD): a cast error.
  if (Number.isNaN(t.getTime()) || t.toISOString() !== at || at.startsWith('0000')) throw bad()
  return { at, id }
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`)
}

async function page(q: Queryable, tenantId: string, conds: SQL[], before: string | undefined, limit: number) {
  const where = [eq(calls.tenantId, tenantId), ...conds]
  if (before) {
    const c = decodeCursor(before)
    where.push(sql`(${calls.startedAt}, ${calls.id}) < (${c.at}::timestamptz, ${c.id}::uuid)`)
  }
  const rows = await q
    .select()
    .from(calls)
    .where(and(...where))
    .orderBy(desc(calls.startedAt), desc(calls.id))
    .limit(limit + 1)
  const more = rows.length > limit
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items: await toViews(q, tenantId, items), nextBefore: more && last ? encodeCursor(last) : null }
}

/**
 * The digit strings a number query matches (C8). In Russia people type numbers with the trunk prefix 8
 * ("8 916 555" for +7 916 555…): a query of 5+ digits starting with 8 and no "+" is also looked up
 * without that 8, as national digits (the app's `numberQuery` reads it the same way).
 */
export function queryDigits(text: string, digits: string): string[] {
  return digits.length >= 5 && digits.startsWith('8') && !text.includes('+')
    ? [digits, digits.slice(1)]
    : [digits]
}

/** GET /api/calls: `mine` = made or taken by the employee (C10); `q` = number digits or contact name (C8). */
export async function listCalls(
  q: Queryable,
  tenantId: string,
  employeeId: string,
  query: CallListQuery,
): Promise<CallPage> {
  const conds: SQL[] = []
  if (query.scope === 'mine') {
    conds.push(
      or(
        eq(calls.callerEmployeeId, employeeId),
        eq(calls.answeredById, employeeId),
        // C10: a call I declined is one of mine too.
        sql`${calls.declinedIds} @> ARRAY[${employeeId}]::uuid[]`,
        // Probe 12 #12: a transfer or a colleague's call that rang me and I never got.
        sql`${calls.missedByIds} @> ARRAY[${employeeId}]::uuid[]`,
      ) as SQL,
    )
  }
  const text = query.q.trim()
  if (text) {
    const or_: SQL[] = [
      sql`EXISTS (SELECT 1 FROM ${contacts} WHERE ${contacts.tenantId} = ${calls.tenantId} AND ${contacts.id} = ${calls.contactId} AND ${contacts.name} ILIKE ${`%${likeEscape(text)}%`})`,
    ]
    const digits = text.replace(/\D/g, '')
    if (digits.length >= 2 && /^[\d\s+()-.]+$/.test(text)) {
      for (const d of queryDigits(text, digits)) {
        const pat = `%${d}%`
        or_.push(
          sql`${calls.peerDigits} LIKE ${pat}`,
          sql`regexp_replace(${calls.fromNumber}, '\\D', '', 'g') LIKE ${pat}`,
          sql`regexp_replace(${calls.toNumber}, '\\D', '', 'g') LIKE ${pat}`,
        )
      }
    }
    conds.push(sql`(${sql.join(or_, sql` OR `)})`)
  }
  return page(q, tenantId, conds, query.before, query.limit)
}

/** GET /api/calls/missed: the tenant's unhandled missed calls, shared by everyone (C9). */
export function listMissed(q: Queryable, tenantId: string, query: MissedListQuery): Promise<CallPage> {
  return page(q, tenantId, [eq(calls.missed, true), isNull(calls.handledAt)], query.before, query.limit)
}

async function rowById(q: Queryable, tenantId: string, id: string): Promise<CallRow> {
  const [row] = await q
    .select()
    .from(calls)
    .where(and(eq(calls.tenantId, tenantId), eq(calls.id, id)))
  if (!row) throw new AppError('E_NOT_FOUND')
  return row
}

/** GET /api/calls/:id — details with the recording the viewer should hear (their own first). */
export async function getCall(
  q: Queryable,
  tenantId: string,
  employeeId: string,
  id: string,
): Promise<CallDetails> {
  const row = await rowById(q, tenantId, id)
  const view = await toView(q, row)
  const rec = await recordingFor(q, tenantId, id, employeeId)
  return {
    ...view,
    recordingUrl: rec ? `/api/calls/${id}/recording` : null,
    recordingType: rec?.type ?? null,
  }
}

/** The recording of a call: the viewer's own upload if any, else the first one. */
export async function recordingFor(q: Queryable, tenantId: string, callId: string, employeeId: string) {
  const recs = await q
    .select()
    .from(callRecordings)
    .where(and(eq(callRecordings.tenantId, tenantId), eq(callRecordings.callId, callId)))
    .orderBy(callRecordings.createdAt)
  return recs.find((r) => r.employeeId === employeeId) ?? recs[0] ?? null
}

/** POST /api/calls/missed/:id/handle — idempotent: an already handled call keeps who handled it first. */
export async function markHandled(
  db: Db,
  tenantId: string,
  employeeId: string,
  id: string,
): Promise<CallView> {
  return db.orm.transaction(async (tx) => {
    const row = await lockedMissed(tx, tenantId, id)
    if (!row.handledAt)
      await handleMissed(tx, tenantId, { employeeId, how: 'mark', digits: '', onlyId: id }, new Date())
    return toView(tx, await rowById(tx, tenantId, id))
  })
}
