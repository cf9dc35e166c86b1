/**
 * C8 history as a story: calls grouped under day headers, each with its duration and, for a transfer,
 * the chain of who had it ("Anna → Bob"). Pure: the list screen renders what these return.
 */
import type { CallView } from '../../../contract/calls.ts'

export type HistoryItem =
  | { kind: 'day'; id: string; day: string; rel: 'today' | 'yesterday' | null }
  | { kind: 'call'; id: string; call: CallView }

/** The local calendar day of a time, `YYYY-MM-DD`. */
export function dayOf(t: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}`
}

/** Newest-first calls with a header before the first call of each local day. */
export function withDayHeaders(rows: readonly CallView[], now: Date): HistoryItem[] {
  const today = dayOf(now)
  const yesterday = dayOf(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1))
  const out: HistoryItem[] = []
  let last = ''
  for (const c of rows) {
    const day = dayOf(new Date(c.startedAt))
    if (day !== last) {
      out.push({
        kind: 'day',
        id: `day:${day}`,
        day,
        rel: day === today ? 'today' : day === yesterday ? 'yesterday' : null,
      })
      last = day
    }
    out.push({ kind: 'call', id: c.id, call: c })
  }
  return out
}

/** Talk time as m:ss (h:mm:ss past an hour); null for a call never answered or still live. */
export function durationText(c: Pick<CallView, 'durationSec' | 'answeredAt'>): string | null {
  if (c.durationSec === null || !c.answeredAt) return null
  const s = Math.max(0, Math.round(c.durationSec))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m)
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s % 60).padStart(2, '0')}`
}

type ChainCall = Pick<
  CallView,
  'id' | 'transferOfId' | 'answeredByName' | 'transferredByName' | 'startedAt' | 'groupName'
>

/**
 * The people a transferred call went through, first to last ("Anna → Bob → Carol"): up the
 * `transferOfId` links to the first call, then down through its legs, from the calls at hand; a leg
 * whose first call is not at hand starts with the server's `transferredByName`. Empty for a call
 * that was never transferred.
 */
export function transferChain(c: ChainCall, known: ReadonlyMap<string, ChainCall>): string[] {
  const legsOf = new Map<string, ChainCall[]>()
  for (const k of known.values()) {
    if (!k.transferOfId) continue
    const list = legsOf.get(k.transferOfId) ?? []
    list.push(k)
    legsOf.set(k.transferOfId, list)
  }
  let root = c
  const seen = new Set([c.id])
  for (let up = root.transferOfId ? known.get(root.transferOfId) : undefined; up && !seen.has(up.id); ) {
    seen.add(up.id)
    root = up
    up = root.transferOfId ? known.get(root.transferOfId) : undefined
  }
  const names: string[] = []
  const push = (n: string | null | undefined) => {
    if (n && names.at(-1) !== n) names.push(n)
  }
  if (root.transferOfId) push(root.transferredByName)
  const down = new Set<string>()
  for (let at: ChainCall | undefined = root; at && !down.has(at.id); ) {
    down.add(at.id)
    push(at.answeredByName ?? (at === root ? null : at.groupName))
    at = [...(legsOf.get(at.id) ?? [])].sort((a, b) => (a.startedAt < b.startedAt ? -1 : 1))[0]
  }
  return names.length > 1 ? names : []
}
