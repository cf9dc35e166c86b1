/**
 * C9, issue 11 §5: a website visitor nobody could answer leaves a number for a call back. The request
 * joins the shared missed list as a missed call of its own (`callbackRequest`), so it is worked like
 * any other: folded with that number's calls, marked handled, or handled by a successful call back.
 *
 * The form has no session, so it is limited in the database (server/db/windows.ts, the guest
 * limits' table): per client address before anything else is read, and per visitor. A number is never
 * refused (probe 11 #5: a stranger could otherwise use up a real customer's allowance for an hour):
 * while OPEN_PER_NUMBER requests of it wait for the same group, a further one joins the newest of them
 * (its name and visitor replace theirs, the row moves up, nothing new is stored) — so a flood of one
 * number cannot fill the list, and the customer is still called back, by the group he asked. The number is read by libphonenumber-js; the name is kept as
 * the visitor wrote it and shown as text.
 */
import { randomUUID } from 'node:crypto'
import { and, desc, eq, isNull, like, sql } from 'drizzle-orm'
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'
import { countHits, type Db, type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { GUEST_PREFIX } from './callers.ts'
import { publishCall } from './records.ts'

const { calls, sipGuests, tenants, virtualNumbers } = schema

/** Numbers typed without + are read as Russian ones (the product's market). */
const DEFAULT_REGION = 'RU'

/** The limits, as data: `max` requests per `windowS` seconds of the key. */
export const CALLBACK_LIMITS = {
  /** Per client address (an office behind one NAT fits). */
  perAddress: { max: 10, windowS: 10 * 60 },
  /** Per website visitor (his token). */
  perVisitor: { max: 3, windowS: 10 * 60 },
} as const

/** Open call-back requests of one number for one group the list holds at most; more join the newest. */
export const OPEN_PER_NUMBER = 3

export type CallbackLimit = keyof typeof CALLBACK_LIMITS

/** Counts one hit of `key` under `limit`; E_RATE_LIMITED once the window's count is over it. */
export async function callbackHit(q: Queryable, limit: CallbackLimit, key: string, now = new Date()) {
  const { max, windowS } = CALLBACK_LIMITS[limit]
  const [row] = await countHits(q, 'guest_rate_hits', [`callback:${limit}:${key}`], windowS, now)
  if ((row?.count ?? Number.POSITIVE_INFINITY) > max) throw new AppError('E_RATE_LIMITED')
}

/** The number in E.164 when libphonenumber-js finds it a valid one; E_NUMBER_INVALID otherwise. */
export function callbackNumber(raw: string): string {
  const s = raw.trim()
  if (!/^\+?[\d\s().-]{5,40}$/.test(s)) throw new AppError('E_NUMBER_INVALID')
  const n = parsePhoneNumberFromString(s, DEFAULT_REGION)
  if (!n?.isValid()) throw new AppError('E_NUMBER_INVALID')
  return n.number
}

export interface CallbackInput {
  tenant: string
  phone: string
  name: string
  /** The virtual number the visitor tried (the group it rings is the group the request is for). */
  number: string
  /** The guest line he called on, its credentials already checked (`user@domain`). */
  guest?: { user: string; domain: string } | null
}

/** Stores the request as an unhandled missed call and tells everyone (`missed.added`); its id. */
export async function requestCallback(
  db: Db,
  input: CallbackInput,
  visitorOf: (tenantId: string) => Promise<{ visitorId: string } | null>,
  now = new Date(),
): Promise<{ id: string }> {
  const [t] = await db.orm
    .select({ id: tenants.id, sipDomain: tenants.sipDomain })
    .from(tenants)
    .where(eq(tenants.slug, input.tenant))
  if (!t) throw new AppError('E_NOT_FOUND')
  const phone = callbackNumber(input.phone)
  const guest =
    input.guest?.domain === t.sipDomain && input.guest.user.startsWith(GUEST_PREFIX) ? input.guest.user : null
  // The visitor of his token, else the one his guest line was issued to.
  const visitor =
    (await visitorOf(t.id)) ??
    (guest
      ? ((
          await db.orm
            .select({ visitorId: sipGuests.visitorId })
            .from(sipGuests)
            .where(and(eq(sipGuests.tenantId, t.id), eq(sipGuests.username, guest)))
        ).flatMap((g) => (g.visitorId ? [{ visitorId: g.visitorId }] : []))[0] ?? null)
      : null)
  if (visitor) await callbackHit(db.orm, 'perVisitor', visitor.visitorId, now)
  const dialled = input.number
    ? ((
        await db.orm
          .select({ number: virtualNumbers.number, groupId: virtualNumbers.groupId })
          .from(virtualNumbers)
          .where(and(eq(virtualNumbers.tenantId, t.id), eq(virtualNumbers.number, input.number)))
      )[0] ?? null)
    : null
  return db.orm.transaction(async (tx) => {
    // One request of a number at a time decides (two at once could both see room for one more).
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`callback:${t.id}:${phone}`}))`)
    const open = await tx
      .select({ id: calls.id })
      .from(calls)
      .where(
        and(
          eq(calls.tenantId, t.id),
          eq(calls.callbackRequest, true),
          eq(calls.peerNumber, phone),
          dialled?.groupId ? eq(calls.groupId, dialled.groupId) : isNull(calls.groupId),
          eq(calls.missed, true),
          isNull(calls.handledAt),
        ),
      )
      .orderBy(desc(calls.startedAt))
      .limit(OPEN_PER_NUMBER)
    const newest = open[0]
    if (open.length >= OPEN_PER_NUMBER && newest) {
      // The group already has this number waiting: the request joins its newest row, which takes
      // the name and the visitor this one gives (probe 12 #1: a stranger's rows must not swallow the
      // customer's own words) and moves up the list — no new push (a flood must not ring the group).
      const [joined] = await tx
        .update(calls)
        .set({
          startedAt: now,
          endedAt: now,
          ...(input.name ? { callbackName: input.name } : {}),
          ...(visitor ? { visitorId: visitor.visitorId } : {}),
        })
        .where(and(eq(calls.tenantId, t.id), eq(calls.id, newest.id)))
        .returning()
      if (joined) await publishCall(tx, joined)
      return { id: newest.id }
    }
    const [row] = await tx
      .insert(calls)
      .values({
        tenantId: t.id,
        sipCallId: `callback-${randomUUID()}`,
        direction: 'in',
        state: 'failed',
        callerUser: 'site-callback',
        fromNumber: phone,
        toNumber: dialled?.number ?? '',
        peerNumber: phone,
        peerDigits: phone.replace(/\D/g, ''),
        virtualNumber: dialled?.number ?? null,
        groupId: dialled?.groupId ?? null,
        startedAt: now,
        endedAt: now,
        missed: true,
        // Typed by the visitor, not known from the phone network: never linked to a contact.
        peerGiven: true,
        callbackRequest: true,
        callbackName: input.name || null,
        visitorId: visitor?.visitorId ?? null,
      })
      .returning()
    if (!row) throw new Error('call-back insert returned nothing')
    await publishCall(tx, row, { missedNow: true })
    // His open missed calls on that line had no number (he typed none): now they have this one.
    if (guest) {
      const numbered = await tx
        .update(calls)
        .set({ peerNumber: phone, peerDigits: phone.replace(/\D/g, ''), peerGiven: true })
        .where(
          and(
            eq(calls.tenantId, t.id),
            eq(calls.callerUser, guest),
            eq(calls.missed, true),
            isNull(calls.handledAt),
            like(calls.peerNumber, `${GUEST_PREFIX}%`),
          ),
        )
        .returning()
      for (const c of numbered) await publishCall(tx, c)
    }
    return { id: row.id }
  })
}
