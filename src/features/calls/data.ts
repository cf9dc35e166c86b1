/**
 * Call history data (C8–C10): the Dexie mirror first (offline, N3), refreshed from /api/calls;
 * realtime events keep it live (lib/sync applies `call.updated`, `missed.*`).
 */
import type { CallDetails, CallView } from '../../../contract/calls.ts'
import { api } from '../../lib/api/index.ts'
import { type FrontlineDb, queryTerm } from '../../lib/store/index.ts'
import { startRead } from '../../lib/sync/index.ts'

export type HistoryScope = 'mine' | 'all' | 'missed'

const digitsOf = (s: string) => s.replace(/\D/g, '')

/** C8 search: digits match any number of the call, words match the contact or employee name. */
export function callMatches(c: CallView, q: string): boolean {
  const query = q.trim().toLowerCase()
  if (!query) return true
  const names = [c.contactName, c.answeredByName, c.groupName].filter(Boolean).join(' ').toLowerCase()
  if (names.includes(query)) return true
  const d = digitsOf(query)
  if (!d || d.length < query.replace(/[\s()+-]/g, '').length) return false
  return [c.peerNumber, c.fromNumber, c.toNumber, c.virtualNumber ?? ''].some((n) => digitsOf(n).includes(d))
}

/** Which rows a section shows: C10 mine (made or taken by me), C8 all, C9 unhandled missed. */
export function inScope(c: CallView, scope: HistoryScope, meId: string | null): boolean {
  if (c.transferOfId !== null && scope === 'missed') return false
  if (scope === 'missed') return c.missed && c.handledAt === null
  if (scope === 'mine')
    return (
      c.answeredById === meId ||
      c.callerEmployeeId === meId ||
      // C10: a call I declined is one of mine.
      (meId !== null && (c.declinedIds ?? []).includes(meId)) ||
      // Probe 12 #12: a transfer (or a colleague's call) that rang me and I never got.
      (meId !== null && (c.missedByIds ?? []).includes(meId))
    )
  return true
}

/**
 * Rows of a section from Dexie, newest first. `limit` windows the unsearched All calls (issue 10):
 * the list reads the rows it shows plus a margin and reads further as the operator scrolls, not every
 * call on the device (the warm-start budget holds 10,000).
 */
export async function localCalls(
  db: FrontlineDb,
  scope: HistoryScope,
  meId: string | null,
  q: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<CallView[]> {
  const term = queryTerm(q)
  const rows = term
    ? await byTerm(db, term)
    : scope === 'mine'
      ? await mineByIndex(db, meId)
      : scope === 'missed'
        ? await db.calls.where('missedOpenAt').above('').reverse().toArray()
        : Number.isFinite(limit)
          ? await db.calls.orderBy('startedAt').reverse().limit(limit).toArray()
          : await db.calls.orderBy('startedAt').reverse().toArray()
  return rows.filter((c) => inScope(c, scope, meId) && callMatches(c, q))
}

const newestFirst = (a: CallView, b: CallView) =>
  a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0

/** C8 search: only the calls one of whose keys starts with the query's (lib/store call-terms). */
// One getAll over the index range, the repeats (a call with several keys starting with the query)
// dropped here: Dexie's `distinct()` walks a cursor instead, one IndexedDB request per index entry,
// and a bulk read by id is one request per row — the p95 tail of issue 10.
async function byTerm(db: FrontlineDb, term: string): Promise<CallView[]> {
  const byId = new Map<string, CallView>()
  for (const c of await db.calls.where('terms').startsWith(term).toArray()) byId.set(c.id, c)
  return [...byId.values()].sort(newestFirst)
}

/**
 * C10 My calls by the `answeredById` and `callerEmployeeId` indexes, newest first: an operator's own
 * calls are a small part of a device's history (the warm-start bench holds 10,000), so reading them
 * all to keep a few is the slow path on a phone.
 */
async function mineByIndex(db: FrontlineDb, meId: string | null): Promise<CallView[]> {
  if (!meId) return []
  const [taken, made, declined, missedBy] = await Promise.all([
    db.calls.where('answeredById').equals(meId).toArray(),
    db.calls.where('callerEmployeeId').equals(meId).toArray(),
    db.calls.where('declinedIds').equals(meId).toArray(),
    db.calls.where('missedByIds').equals(meId).toArray(),
  ])
  const byId = new Map([...taken, ...made, ...declined, ...missedBy].map((c) => [c.id, c]))
  return [...byId.values()].sort(newestFirst)
}

/** Fetch a page from the server into Dexie; returns the cursor for more. */
export async function refreshCalls(
  db: FrontlineDb,
  scope: HistoryScope,
  q: string,
  before: string | null,
  signal?: AbortSignal,
): Promise<string | null> {
  const cursor = before ?? undefined
  const page =
    scope === 'missed'
      ? await api('GET /api/calls/missed', { query: { before: cursor }, signal })
      : await api('GET /api/calls', {
          query: { scope, q: q.trim() || undefined, before: cursor },
          signal,
        })
  await db.calls.bulkPut(page.items)
  if (scope === 'missed' && !before) await settleStaleMissed(db, page.items)
  return page.nextBefore
}

/**
 * A section's first page as the start reads it: the badge, the Calls screen and the warm-up share one
 * read per start (lib/sync start-reads); after the start it is `refreshCalls` itself.
 */
export function startRefreshCalls(db: FrontlineDb, scope: HistoryScope): Promise<string | null> {
  return startRead(`calls:${scope}`, () => refreshCalls(db, scope, '', null))
}

/**
 * Missed calls handled while this device was offline are not in the server's list any more but
 * still look unhandled here: ask for each (a few) so the list and the "handled by" stay true (C9).
 */
async function settleStaleMissed(db: FrontlineDb, fresh: CallView[]): Promise<void> {
  const ids = new Set(fresh.map((c) => c.id))
  const oldest = fresh.at(-1)?.startedAt ?? ''
  const stale = (await db.calls.toArray()).filter(
    (c) =>
      c.missed && c.handledAt === null && !ids.has(c.id) && (fresh.length < 100 || c.startedAt >= oldest),
  )
  for (const c of stale.slice(0, 20)) {
    const d = await api('GET /api/calls/:id', { params: { id: c.id } }).catch(() => null)
    if (d) await db.calls.put(toView(d))
  }
}

function toView(d: CallDetails): CallView {
  const { recordingUrl: _u, recordingType: _t, ...view } = d
  return view
}

/** GET /api/calls/:id (C8 details); mirrors the row too. */
export async function callDetails(db: FrontlineDb | null, id: string): Promise<CallDetails> {
  const d = await api('GET /api/calls/:id', { params: { id } })
  if (db) await db.calls.put(toView(d))
  return d
}

/** C10: tell the server I declined this call (it joins my My calls); mirror its answer. */
export async function reportDeclined(db: FrontlineDb | null, sipCallId: string): Promise<void> {
  const c = await api('POST /api/calls/declined/:sipCallId', { params: { sipCallId } })
  if (db) await db.calls.put(c)
}

/** C9 "Mark handled": the server tells everyone (missed.handled); mirror the answer at once. */
export async function markHandled(db: FrontlineDb | null, id: string): Promise<void> {
  const c = await api('POST /api/calls/missed/:id/handle', { params: { id } })
  if (db) await db.calls.put(c)
}

/** The recording needs the Bearer token, so it is fetched and played from a blob: URL. */
export async function fetchRecording(url: string, token: string | null): Promise<string> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  if (!res.ok) throw new Error(`HTTP ${res.status}`)
  return URL.createObjectURL(await res.blob())
}

/** Who is behind a number, from the address book mirror: an employee by extension or a client. */
export async function lookupNumber(
  db: FrontlineDb,
  number: string,
): Promise<{ name: string; clientId: string | null } | null> {
  if (!number) return null
  const emp = await db.employees.where('extension').equals(number).first()
  if (emp) return { name: emp.name, clientId: null }
  const d = digitsOf(number)
  const variants = [number, d, `+${d}`].filter((v, i, a) => v && a.indexOf(v) === i)
  const client = await db.clients.where('phones').anyOf(variants).first()
  if (client) return { name: client.name, clientId: client.id }
  return null
}

/** The server's record of a live call by its SIP Call-ID (virtual number, contact — C1). */
export async function recordBySipId(db: FrontlineDb, sipCallId: string | null): Promise<CallView | null> {
  if (!sipCallId) return null
  return (await db.calls.where('sipCallId').equals(sipCallId).first()) ?? null
}

/** Employees by id and by extension, to name colleagues in internal calls. */
export interface People {
  byId: Map<string, { name: string; extension: string }>
  byExt: Map<string, string>
}

/** A demo-site caller who gave no number: the PBX knows him by a one-off SIP user (`guest-…`). */
export function isGuest(number: string): boolean {
  return number.startsWith('guest-')
}

/** Build the lookup from the employee mirror. */
export function peopleOf(list: readonly { id: string; name: string; extension: string }[]): People {
  return {
    byId: new Map(list.map((e) => [e.id, { name: e.name, extension: e.extension }])),
    byExt: new Map(list.map((e) => [e.extension, e.name])),
  }
}

/**
 * The other party of a call from my side (C8): a client's number and contact for in/out calls; for
 * internal calls the colleague — who answered when I called, who called when I answered.
 */
export function callParty(
  c: CallView,
  meId: string | null,
  people: People,
): { number: string; name: string | null } {
  if (c.direction !== 'internal') return { number: c.peerNumber, name: c.contactName }
  if (c.callerEmployeeId !== null && c.callerEmployeeId === meId) {
    const who = c.answeredById ? people.byId.get(c.answeredById) : undefined
    if (who) return { number: who.extension, name: who.name }
    return { number: c.toNumber, name: people.byExt.get(c.toNumber) ?? c.groupName }
  }
  return { number: c.fromNumber, name: people.byExt.get(c.fromNumber) ?? null }
}

/** N4: the open missed calls the mirror holds (the icon's badge counts them). */
export async function missedCallIds(db: FrontlineDb): Promise<string[]> {
  return (await localCalls(db, 'missed', null, '')).map((c) => c.id)
}
