import { describe, expect, it } from 'vitest'
import { DAY_MS, sliceStarts, sumWithin, timeInStatus, toIntervals } from './intervals.ts'

const H = 3_600_000
/** 2026-11-02 00:00 UTC, a Monday. */
const D0 = Date.UTC(2026, 10, 2)

describe('status intervals (SPEC S4)', () => {
  it('each mark runs until the next; the last is open until now', () => {
    const iv = toIntervals(
      [
        { status: 'available', at: D0 + 9 * H },
        { status: 'break', at: D0 + 12 * H },
        { status: 'available', at: D0 + 13 * H },
      ],
      D0 + 15 * H,
    )
    expect(iv).toEqual([
      { status: 'available', start: D0 + 9 * H, end: D0 + 12 * H },
      { status: 'break', start: D0 + 12 * H, end: D0 + 13 * H },
      { status: 'available', start: D0 + 13 * H, end: D0 + 15 * H },
    ])
  })

  it('marks out of order are sorted; a mark after now and a zero-length one count nothing', () => {
    const iv = toIntervals(
      [
        { status: 'break', at: D0 + 2 * H },
        { status: 'available', at: D0 },
        { status: 'dnd', at: D0 + 2 * H },
        { status: 'away', at: D0 + 9 * H },
      ],
      D0 + 3 * H,
    )
    expect(iv).toEqual([
      { status: 'available', start: D0, end: D0 + 2 * H },
      { status: 'dnd', start: D0 + 2 * H, end: D0 + 3 * H },
    ])
  })

  it('period edges: an interval begun before the period and one running past its end count only their overlap', () => {
    const marks = [
      { status: 'off_work', at: D0 - 10 * H },
      { status: 'available', at: D0 + 8 * H },
      { status: 'off_work', at: D0 + 20 * H },
    ]
    // The period is 06:00–18:00: 2 h off work (06–08), 10 h available (08–18).
    const r = timeInStatus(marks, D0 + 6 * H, D0 + 18 * H, D0 + 30 * H)
    expect(r.totals).toEqual({ off_work: 2 * H, available: 10 * H })
    // A mark exactly at `from` and one exactly at `to`: the first counts from `from`, the second not at all.
    expect(sumWithin(toIntervals(marks, D0 + 30 * H), D0 + 8 * H, D0 + 20 * H)).toEqual({ available: 12 * H })
  })

  it('an open interval counts up to now when the period runs on past now, and the future counts nothing', () => {
    const marks = [{ status: 'available', at: D0 + 9 * H }]
    const now = D0 + 11 * H + 30 * 60_000
    const r = timeInStatus(marks, D0, D0 + DAY_MS, now)
    expect(r.totals).toEqual({ available: 2.5 * H })
    // The same log a day later: the open interval has grown.
    expect(timeInStatus(marks, D0, D0 + DAY_MS, D0 + DAY_MS + H).totals).toEqual({ available: 15 * H })
  })

  it('an interval across midnight is split between the days it overlaps; the days sum to the total', () => {
    const marks = [
      { status: 'available', at: D0 + 22 * H },
      { status: 'break', at: D0 + DAY_MS + 2 * H },
      { status: 'off_work', at: D0 + DAY_MS + 3 * H },
    ]
    const r = timeInStatus(marks, D0, D0 + 3 * DAY_MS, D0 + 5 * DAY_MS)
    expect(r.slices).toEqual([
      { available: 2 * H },
      { available: 2 * H, break: H, off_work: 21 * H },
      { off_work: 24 * H },
    ])
    const sum: Record<string, number> = {}
    for (const s of r.slices) for (const [k, ms] of Object.entries(s)) sum[k] = (sum[k] ?? 0) + ms
    expect(sum).toEqual(r.totals)
  })

  it('a period not a whole number of days ends with a short slice', () => {
    expect(sliceStarts(D0, D0 + DAY_MS + 6 * H)).toEqual([D0, D0 + DAY_MS])
    const r = timeInStatus([{ status: 'dnd', at: D0 - H }], D0, D0 + DAY_MS + 6 * H, D0 + 9 * DAY_MS)
    expect(r.slices).toEqual([{ dnd: DAY_MS }, { dnd: 6 * H }])
  })

  it('no marks, or a period with nothing in it: empty totals', () => {
    expect(timeInStatus([], D0, D0 + DAY_MS, D0 + DAY_MS).totals).toEqual({})
    expect(
      timeInStatus([{ status: 'available', at: D0 + 2 * DAY_MS }], D0, D0 + DAY_MS, D0 + 9 * DAY_MS),
    ).toEqual({
      totals: {},
      slices: [{}],
    })
  })
})
