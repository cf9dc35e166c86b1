/**
 * Writing call records: only the server writes them, from Kamailio's route requests and dialog
 * reports (ARCHITECTURE "Calls"). Every change publishes `call.updated` (and the C2/C9 events) in
 * the same transaction as the row, so the feed never shows a state the database does not have.
 */
import { and, eq, isNull, sql } from 'drizzle-orm'
import type { CallView } from '../../../contract/calls.ts'
import { appendEvent, type Queryable, schema, type Tx } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { normalizeNumber } from '../routing/index.ts'
import { type CallRow, toView } from './views.ts'

const { calls, contacts, employees } = schema

/** RFC 3261 §21 reason phrases the history shows; 408 is the ring timeout (nobody answered). */
const REASONS: Record<number, string> = {
  403: 'Forbidden',
  404: 'Not Found',
  408: 'No answer',
  480: 'Temporarily Unavailable',
  481: 'Call Does Not Exist',
  486: 'Busy Here',
  487: 'Cancelled by the caller',
  488: 'Not Acceptable Here',
  500: 'Server Error',
  503: 'Service Unavailable',
  600: 'Busy Everywhere',
  603: 'Declined',
}

/** The reason phrase for a final code. */
export function reasonFor(code: number): string {
  return REASONS[code] ?? (code >= 600 ? 'Global failure' : code >= 500 ? 'Server failure' : 'Call failed')
}

/** Digits of a number for search and matching ("+7 (916) 123" → "7916123"); '' for non-numbers. */
export function digitsOf(raw: string): string {
  const n = normalizeNumber(raw)
  return n ? n.replace(/\D/g, '') : ''
}

/** The tenant's client whose phone has exactly these digits (C8 contact link), or null. */
export async function contactByDigits(
  q: Queryable,
  tenantId: string,
  digits: string,
): Promise<{ id: string; name: string } | null> {
  if (digits.length < 5) return null
  const [c] = await q
    .select({ id: contacts.id, name: contacts.name })
    .from(contacts)
    .where(
      and(
        eq(contacts.tenantId, tenantId),
        sql`EXISTS (SELECT 1 FROM unnest(${contacts.phones}) AS p WHERE regexp_replace(p, '\\D', '', 'g') = ${digits})`,
      ),
    )
    .orderBy(contacts.name)
    .limit(1)
  return c ?? null
}

/**
 * Publishes the row as `call.updated`; `missed.added` too when it just became a missed call. `known`:
 * the row's view when the caller could build it without queries (the route request).
 */
export async function publishCall(
  tx: Tx,
  row: CallRow,
  opts: { missedNow?: boolean } = {},
  known?: CallView,
): Promise<void> {
  const view = known ?? (await toView(tx, row))
  await appendEvent(tx, row.tenantId, 'call.updated', { call: view })
  if (opts.missedNow) await appendEvent(tx, row.tenantId, 'missed.added', { call: view })
}

/** C2: tell every client that these employees' lines changed (transfer lists grey them out). */
export async function publishBusy(
  tx: Tx,
  tenantId: string,
  ids: (string | null)[],
  busy: boolean,
  callId: string,
) {
  for (const employeeId of new Set(ids.filter((x): x is string => !!x))) {
    await appendEvent(tx, tenantId, 'line.busy', { employeeId, busy, callId: busy ? callId : null })
  }
}

/**
 * S1: the call's ringing set went from `before` to `after`: everyone who started or stopped ringing
 * gets `presence.changed`, so Contacts and group counts re-read what routing knows.
 */
export async function publishRinging(
  tx: Tx,
  tenantId: string,
  before: readonly string[],
  after: readonly string[],
): Promise<void> {
  const was = new Set(before)
  const is = new Set(after)
  for (const employeeId of new Set([...before, ...after])) {
    if (was.has(employeeId) !== is.has(employeeId))
      await appendEvent(tx, tenantId, 'presence.changed', { employeeId })
  }
}

/**
 * C9: marks the tenant's unhandled missed calls from `digits` handled by `employeeId` (a successful
 * call back, or an explicit mark of one call when `onlyId` is set); returns the ids it changed.
 */
export async function handleMissed(
  tx: Tx,
  tenantId: string,
  by: { employeeId: string; how: 'mark' | 'callback'; digits: string; onlyId?: string },
  now: Date,
): Promise<string[]> {
  const where = [eq(calls.tenantId, tenantId), eq(calls.missed, true), isNull(calls.handledAt)]
  if (by.onlyId) where.push(eq(calls.id, by.onlyId))
  else if (by.digits.length >= 5) where.push(eq(calls.peerDigits, by.digits))
  else return []
  const changed = await tx
    .update(calls)
    .set({ handledById: by.employeeId, handledAt: now, handledHow: by.how })
    .where(and(...where))
    .returning({ id: calls.id, number: calls.peerNumber })
  if (!changed.length) return []
  const [e] = await tx
    .select({ name: employees.name })
    .from(employees)
    .where(and(eq(employees.tenantId, tenantId), eq(employees.id, by.employeeId)))
  await appendEvent(tx, tenantId, 'missed.handled', {
    callIds: changed.map((c) => c.id),
    number: changed[0]?.number ?? '',
    handledById: by.employeeId,
    handledByName: e?.name ?? '',
    handledAt: now.toISOString(),
    how: by.how,
  })
  return changed.map((c) => c.id)
}

/** The row of a SIP Call-ID in a tenant, locked for update. */
export async function callBySipId(tx: Tx, tenantId: string, sipCallId: string): Promise<CallRow | null> {
  const [row] = await tx
    .select()
    .from(calls)
    .where(and(eq(calls.tenantId, tenantId), eq(calls.sipCallId, sipCallId)))
    .for('update')
  return row ?? null
}

/** A missed call of a tenant, locked for update (Mark handled, Undo); E_NOT_FOUND for any other. */
export async function lockedMissed(tx: Tx, tenantId: string, id: string): Promise<CallRow> {
  const [row] = await tx
    .select()
    .from(calls)
    .where(and(eq(calls.tenantId, tenantId), eq(calls.id, id)))
    .for('update')
  if (!row?.missed) throw new AppError('E_NOT_FOUND')
  return row
}
