/**
 * C8 history search by index (N3: a phone holding 10,000 calls searches them offline within the
 * budget). A call's search keys are every suffix of the digits of its numbers and of each word of its
 * names, lower-cased: any substring of one is a prefix of one of its keys, so the multiEntry index
 * `*terms` with `startsWith(q)` finds every call the search would keep (features/calls `callMatches`
 * still decides), reading the matching rows only instead of the whole history.
 */
import type { CallView } from '../../../contract/calls.ts'

/** The fields the keys are made of (an update that changes one of them re-makes the keys). */
export const TERM_FIELDS = [
  'peerNumber',
  'fromNumber',
  'toNumber',
  'virtualNumber',
  'contactName',
  'answeredByName',
  'groupName',
] as const

type TermSource = Partial<Pick<CallView, (typeof TERM_FIELDS)[number]>>

/** The search keys of a call. */
export function callTerms(c: TermSource): string[] {
  const out = new Set<string>()
  for (const n of [c.peerNumber, c.fromNumber, c.toNumber, c.virtualNumber]) {
    const d = (n ?? '').replace(/\D/g, '')
    for (let i = 0; i < d.length; i++) out.add(d.slice(i))
  }
  const words = [c.contactName, c.answeredByName, c.groupName].filter(Boolean).join(' ').toLowerCase()
  for (const w of words.split(/\s+/)) for (let i = 0; i < w.length; i++) out.add(w.slice(i))
  return [...out]
}

/** The index key a query is looked up by: its digits when it is a number, else its first word. */
export function queryTerm(q: string): string {
  const query = q.trim().toLowerCase()
  const d = query.replace(/\D/g, '')
  if (d && d.length === query.replace(/[\s()+-]/g, '').length) return d
  return query.split(/\s+/)[0] ?? ''
}

/** The fields that decide whether a call is an open missed call (C9). */
export const MISSED_FIELDS = ['missed', 'handledAt', 'transferOfId', 'startedAt'] as const

/**
 * C9: the key of the `missedOpenAt` index — the call's start while it is a missed call nobody has
 * handled (and not a transfer's leg), else none — so the Missed list and its count read those only.
 */
export function missedOpenAt(c: Partial<Pick<CallView, (typeof MISSED_FIELDS)[number]>>): string | undefined {
  return c.missed && !c.handledAt && !c.transferOfId && c.startedAt ? c.startedAt : undefined
}
