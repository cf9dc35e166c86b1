/**
 * C9 missed calls a team can work (issue 11 §4): the shared list grouped by the group called, the
 * operator's own groups first (or only them, with the filter), and repeat callers folded into one row
 * with a count. Pure functions over the mirrored calls — the screen is MissedList.tsx.
 */
import type { CallView } from '../../../contract/calls.ts'

/** All missed calls of the tenant, or only those of the operator's groups. */
export type MissedFilter = 'all' | 'mine'

/** One caller's unhandled missed calls in one group: one row, newest call first. */
export interface MissedFold {
  key: string
  /** The newest call of the caller (the row shows it). */
  latest: CallView
  /** Every call folded into the row, newest first; "Mark handled" marks them all. */
  calls: CallView[]
  /** Any of them is a website visitor's call-back request (issue 11 §5). */
  callbackRequest: boolean
  /** The name a visitor gave with a call-back request, newest first. */
  givenName: string | null
}

/** The missed calls of one group (or of none: calls to a person, not a group). */
export interface MissedSection {
  /** Stable per group: the screen keeps a section's (and a row's) DOM across updates by it. */
  key: string
  /** The group's id; null for calls that rang no group. */
  groupId: string | null
  groupName: string | null
  /** The operator is a member of the group. */
  mine: boolean
  folds: MissedFold[]
}

/** Who a row is about: the caller's digits (8 916… and +7 916… are one caller), else the raw number. */
export function callerKey(c: CallView): string {
  const d = c.peerNumber.replace(/\D/g, '')
  // A Russian trunk prefix: 8 916 123-45-67 is +7 916 123-45-67.
  if (d.length === 11 && d.startsWith('8')) return `7${d.slice(1)}`
  return d.length >= 5 ? d : c.peerNumber
}

const newestFirst = (a: CallView, b: CallView) =>
  a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.id < b.id ? 1 : -1

/** Sections of the missed list: my groups first, then the others, then calls to no group; newest first within. */
export function missedSections(
  calls: readonly CallView[],
  myGroups: ReadonlySet<string>,
  filter: MissedFilter,
): MissedSection[] {
  const sections = new Map<string, MissedSection & { byCaller: Map<string, MissedFold> }>()
  for (const c of [...calls].sort(newestFirst)) {
    const mine = c.groupId !== null && myGroups.has(c.groupId)
    if (filter === 'mine' && !mine) continue
    const sk = c.groupId ?? ''
    let s = sections.get(sk)
    if (!s) {
      s = {
        key: `group:${sk}`,
        groupId: c.groupId,
        groupName: c.groupName,
        mine,
        folds: [],
        byCaller: new Map(),
      }
      sections.set(sk, s)
    }
    const fk = callerKey(c)
    const f = s.byCaller.get(fk)
    if (f) {
      f.calls.push(c)
      f.callbackRequest ||= !!c.callbackRequest
      f.givenName ??= c.callbackName ?? null
    } else {
      const fold: MissedFold = {
        key: `${sk}:${fk}`,
        latest: c,
        calls: [c],
        callbackRequest: !!c.callbackRequest,
        givenName: c.callbackName ?? null,
      }
      s.byCaller.set(fk, fold)
      s.folds.push(fold)
    }
  }
  const rank = (s: MissedSection) => (s.mine ? 0 : s.groupId !== null ? 1 : 2)
  return [...sections.values()]
    .map(({ byCaller: _, ...s }) => s)
    .sort((a, b) => rank(a) - rank(b) || newestFirst(a.folds[0]!.latest, b.folds[0]!.latest))
}

/** The ids of my groups, from the mirrored groups' members. */
export function groupsOf(groups: readonly { id: string; memberIds: readonly string[] }[], me: string | null) {
  return new Set(me ? groups.filter((g) => g.memberIds.includes(me)).map((g) => g.id) : [])
}
