/** The workload report (SPEC S4) as the screen shows it: durations, table rows, CSV rows, chart series. */
import type { WorkloadReport } from '../../../contract/supervisor.ts'

/** "h:mm" (hours may exceed 24: a period's total). */
export function fmtDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000)
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`
}

/** Hours with two decimals, for the CSV (a number a spreadsheet can sum). */
export const hours = (ms: number): number => Math.round(ms / 36_000) / 100

/** The statuses to show as columns: the matrix's order, then any status the log has that the matrix lost. */
export function reportStatuses(report: WorkloadReport, matrixIds: readonly string[]): string[] {
  const seen = new Set(report.rows.flatMap((r) => Object.keys(r.totals)))
  return [...matrixIds, ...[...seen].filter((s) => !matrixIds.includes(s)).sort()]
}

/** The CSV: a header, one row per employee (hours per status and the total), nothing else. */
export function csvRows(
  report: WorkloadReport,
  statuses: readonly string[],
  label: { employee: string; total: string; status: (id: string) => string },
): (string | number)[][] {
  return [
    [label.employee, ...statuses.map(label.status), label.total],
    ...report.rows.map((r) => [
      r.name,
      ...statuses.map((s) => hours(r.totals[s] ?? 0)),
      hours(Object.values(r.totals).reduce((a, b) => a + b, 0)),
    ]),
  ]
}

/**
 * The chart's data (uPlot's columns): x = each day's start in seconds, then per status the hours of
 * the chosen employees on that day, stacked (each series is the sum of itself and those before it).
 */
export function stackedDays(
  report: WorkloadReport,
  statuses: readonly string[],
  employeeId: string | null,
): { x: number[]; series: number[][] } {
  const rows = report.rows.filter((r) => !employeeId || r.employeeId === employeeId)
  const x = report.days.map((d) => Date.parse(d) / 1000)
  const per = statuses.map((s) =>
    report.days.map((_, i) => rows.reduce((a, r) => a + (r.days[i]?.[s] ?? 0), 0) / 3_600_000),
  )
  const series: number[][] = []
  per.forEach((ys, k) => {
    series.push(ys.map((y, i) => y + (series[k - 1]?.[i] ?? 0)))
  })
  return { x, series }
}
