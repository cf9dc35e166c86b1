/**
 * SPEC S4: time in each status, from the status log. The log holds marks ("from this instant the
 * status is X"); each mark runs until the next one, the last until now (an open interval). A period
 * sums only what falls inside [from, to), so an interval that began before the period or goes on past
 * its end counts only its overlap, and a day slice counts only its own part of an interval that
 * crosses midnight. Pure: times are epoch milliseconds, so the tests need no clock and no database.
 */

/** "From `at` on, the status is `status`." */
export interface StatusMark {
  status: string
  at: number
}

/** A half-open stretch [start, end) in one status. */
export interface StatusInterval {
  status: string
  start: number
  end: number
}

export const DAY_MS = 86_400_000

/** The marks as intervals: each until the next mark, the last until `now` (none if it starts later). */
export function toIntervals(marks: readonly StatusMark[], now: number): StatusInterval[] {
  const sorted = [...marks].sort((a, b) => a.at - b.at)
  const out: StatusInterval[] = []
  sorted.forEach((m, i) => {
    const end = Math.min(sorted[i + 1]?.at ?? now, now)
    if (end > m.at) out.push({ status: m.status, start: m.at, end })
  })
  return out
}

/** Milliseconds per status of the intervals' overlap with [from, to). */
export function sumWithin(
  intervals: readonly StatusInterval[],
  from: number,
  to: number,
): Record<string, number> {
  const out: Record<string, number> = {}
  for (const iv of intervals) {
    const ms = Math.min(iv.end, to) - Math.max(iv.start, from)
    if (ms > 0) out[iv.status] = (out[iv.status] ?? 0) + ms
  }
  return out
}

/** The starts of consecutive `sliceMs` slices covering [from, to) (the last may be shorter). */
export function sliceStarts(from: number, to: number, sliceMs = DAY_MS): number[] {
  const out: number[] = []
  for (let at = from; at < to; at += sliceMs) out.push(at)
  return out
}

/** Per status totals over [from, to) and per slice of it (days by default). */
export function timeInStatus(
  marks: readonly StatusMark[],
  from: number,
  to: number,
  now: number,
  sliceMs = DAY_MS,
): { totals: Record<string, number>; slices: Record<string, number>[] } {
  const intervals = toIntervals(marks, now)
  return {
    totals: sumWithin(intervals, from, to),
    slices: sliceStarts(from, to, sliceMs).map((s) => sumWithin(intervals, s, Math.min(s + sliceMs, to))),
  }
}
