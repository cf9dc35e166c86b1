/**
 * SPEC K2: a client's calls and chats in one timeline, newest first. A call or chat belongs to the
 * client when it was linked to him, or when its number (digits) or e-mail is one of his — a call from
 * a number added to the card later still shows.
 */
import { and, desc, eq, inArray, or, type SQL, sql } from 'drizzle-orm'
import type { TimelineItem } from '../../../contract/timeline.ts'
import { type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'

const { calls, chats, contacts, employees } = schema

/** The newest items a timeline answers. */
export const TIMELINE_LIMIT = 200

const digits = (s: string) => s.replace(/\D/g, '')

/** The client's timeline; E_NOT_FOUND for an unknown id or another tenant's client. */
export async function clientTimeline(q: Queryable, tenantId: string, id: string): Promise<TimelineItem[]> {
  const [c] = await q
    .select({ phones: contacts.phones, emails: contacts.emails })
    .from(contacts)
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id)))
  if (!c) throw new AppError('E_NOT_FOUND')
  const phoneDigits = c.phones.map(digits).filter((d) => d.length >= 5)
  const emails = c.emails.map((e) => e.toLowerCase())
  const callMatch: SQL[] = [eq(calls.contactId, id)]
  // A number a site visitor typed (peerGiven; the web chat's phone field) is only his claim: matching
  // on it would put a stranger's call-back request in a real client's story (probe 11, finding 3).
  if (phoneDigits.length)
    callMatch.push(and(inArray(calls.peerDigits, phoneDigits), eq(calls.peerGiven, false)) as SQL)
  const chatMatch: SQL[] = [eq(chats.contactId, id)]
  if (phoneDigits.length)
    chatMatch.push(
      and(
        inArray(sql`regexp_replace(coalesce(${chats.clientPhone}, ''), '\\D', '', 'g')`, phoneDigits),
        sql`${chats.channel} <> 'webchat'`,
      ) as SQL,
    )
  if (emails.length) chatMatch.push(inArray(sql`lower(${chats.clientEmail})`, emails))
  const callRows = await q
    .select()
    .from(calls)
    .where(and(eq(calls.tenantId, tenantId), or(...callMatch)))
    .orderBy(desc(calls.startedAt))
    .limit(TIMELINE_LIMIT)
  const chatRows = await q
    .select()
    .from(chats)
    .where(and(eq(chats.tenantId, tenantId), or(...chatMatch)))
    .orderBy(desc(chats.createdAt))
    .limit(TIMELINE_LIMIT)
  const transfers = await transfersOf(q, tenantId, callRows)
  const items: TimelineItem[] = [
    ...callRows
      .filter((r) => r.transferOfId === null || !callRows.some((o) => o.id === r.transferOfId))
      .map((r) => ({
        kind: 'call' as const,
        id: r.id,
        at: r.startedAt.toISOString(),
        direction: r.direction,
        state: r.state,
        missed: r.missed,
        number: r.peerNumber,
        durationSec: r.durationSec,
        ...(transfers.has(r.id) ? { transfers: transfers.get(r.id) } : {}),
      })),
    ...chatRows.map((r) => ({
      kind: 'chat' as const,
      id: r.id,
      at: r.createdAt.toISOString(),
      channel: r.channel,
      state: r.state,
      lastMessageAt: r.lastMessageAt?.toISOString() ?? null,
    })),
  ]
  return items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, TIMELINE_LIMIT)
}

type CallRow = typeof calls.$inferSelect
type Transfer = NonNullable<Extract<TimelineItem, { kind: 'call' }>['transfers']>[number]

/**
 * Probe 11 finding 20: the transfer legs among `rows`, by the call they belong to (a leg of a leg
 * goes to the first call), each named by who answered it or, unanswered, who it rang.
 */
async function transfersOf(
  q: Queryable,
  tenantId: string,
  rows: CallRow[],
): Promise<Map<string, Transfer[]>> {
  const byId = new Map(rows.map((r) => [r.id, r]))
  const legs = rows.filter((r) => r.transferOfId !== null && byId.has(r.transferOfId))
  const out = new Map<string, Transfer[]>()
  if (legs.length === 0) return out
  const ids = [
    ...new Set(legs.flatMap((l) => [l.answeredById, ...l.offeredIds].filter((x): x is string => !!x))),
  ]
  const names = new Map(
    ids.length
      ? (
          await q
            .select({ id: employees.id, name: employees.name })
            .from(employees)
            .where(and(eq(employees.tenantId, tenantId), inArray(employees.id, ids)))
        ).map((e) => [e.id, e.name])
      : [],
  )
  const rootOf = (r: CallRow): string => {
    let at = r
    for (let i = 0; i < 20 && at.transferOfId && byId.has(at.transferOfId); i++)
      at = byId.get(at.transferOfId) as CallRow
    return at.id
  }
  for (const l of [...legs].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())) {
    const who = l.answeredById ?? l.offeredIds[0] ?? null
    const root = rootOf(l)
    out.set(root, [
      ...(out.get(root) ?? []),
      {
        name: (who && names.get(who)) || l.toNumber,
        answered: l.answeredAt !== null,
        durationSec: l.answeredAt !== null ? l.durationSec : null,
      },
    ])
  }
  return out
}
