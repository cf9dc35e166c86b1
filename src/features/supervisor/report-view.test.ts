import { describe, expect, it } from 'vitest'
import type { WorkloadReport } from '../../../contract/supervisor.ts'
import { csvRows, fmtDuration, hours, reportStatuses, stackedDays } from './report-view.ts'

const H = 3_600_000
const report: WorkloadReport = {
  from: '2026-11-02T00:00:00.000Z',
  to: '2026-11-04T00:00:00.000Z',
  days: ['2026-11-02T00:00:00.000Z', '2026-11-03T00:00:00.000Z'],
  rows: [
    {
      employeeId: 'a',
      name: '=Анна',
      totals: { available: 10 * H, break: H / 2 },
      days: [{ available: 4 * H, break: H / 2 }, { available: 6 * H }],
    },
    { employeeId: 'b', name: 'Bob', totals: { lunch: 2 * H }, days: [{}, { lunch: 2 * H }] },
  ],
}

describe('workload report view (SPEC S4)', () => {
  it('durations as h:mm, hours with two decimals', () => {
    expect(fmtDuration(0)).toBe('0:00')
    expect(fmtDuration(25 * H + 5 * 60_000 + 59_000)).toBe('25:05')
    expect(hours(H / 3)).toBe(0.33)
  })

  it('columns follow the matrix, then statuses only the log still has', () => {
    expect(reportStatuses(report, ['available', 'break', 'off_work'])).toEqual([
      'available',
      'break',
      'off_work',
      'lunch',
    ])
  })

  it('CSV rows: a header, hours per status and a total per employee', () => {
    const rows = csvRows(report, ['available', 'break', 'lunch'], {
      employee: 'Employee',
      total: 'Total',
      status: (s) => s.toUpperCase(),
    })
    expect(rows).toEqual([
      ['Employee', 'AVAILABLE', 'BREAK', 'LUNCH', 'Total'],
      ['=Анна', 10, 0.5, 0, 10.5],
      ['Bob', 0, 0, 2, 2],
    ])
  })

  it('the chart stacks hours per day, for everyone or one employee', () => {
    expect(stackedDays(report, ['available', 'break', 'lunch'], null)).toEqual({
      x: [Date.parse(report.days[0] as string) / 1000, Date.parse(report.days[1] as string) / 1000],
      series: [
        [4, 6],
        [4.5, 6],
        [4.5, 8],
      ],
    })
    expect(stackedDays(report, ['available', 'lunch'], 'b').series).toEqual([
      [0, 0],
      [0, 2],
    ])
  })
})
