/**
 * SPEC S4: the workload report — each employee's time in each status over a period, summed from the
 * append-only status log (0001, 0145) by the pure arithmetic of ./intervals.ts.
 */
import { and, eq, lt, sql } from 'drizzle-orm'
import type { WorkloadReport } from '../../../contract/supervisor.ts'
import { type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { INITIAL_STATUS } from '../status/index.ts'
import { DAY_MS, type StatusMark, sliceStarts, timeInStatus } from './intervals.ts'

const { employees, statusLog } = schema

/** The longest period a report sums (a quarter). */
export const MAX_PERIOD_DAYS = 92

/** The report for [from, to); `now` closes the open intervals. */
export async function workloadReport(
  q: Queryable,
  tenantId: string,
  from: Date,
  to: Date,
  now = new Date(),
): Promise<WorkloadReport> {
  const f = from.getTime()
  const t = to.getTime()
  // A period that starts in the future has nothing to sum: refused, never answered with `to` = `from`.
  if (!(f < t) || t - f > MAX_PERIOD_DAYS * DAY_MS || f > now.getTime()) throw new AppError('E_REPORT_PERIOD')
  const staff = await q
    .select({
      id: employees.id,
      name: employees.name,
      createdAt: employees.createdAt,
      status: employees.status,
      since: employees.statusSince,
    })
    .from(employees)
    .where(eq(employees.tenantId, tenantId))
    .orderBy(employees.name, employees.id)
  // Each employee's rows inside the period, and the last one before it (the status the period opens in).
  const rows = await q
    .select({ employeeId: statusLog.employeeId, status: statusLog.status, at: statusLog.at })
    .from(statusLog)
    .where(
      and(
        eq(statusLog.tenantId, tenantId),
        lt(statusLog.at, to),
        sql`${statusLog.at} >= coalesce((SELECT max(s2.at) FROM status_log s2 WHERE s2.tenant_id = ${statusLog.tenantId} AND s2.employee_id = ${statusLog.employeeId} AND s2.at <= ${from}), '-infinity'::timestamptz)`,
      ),
    )
  const byEmployee = new Map<string, StatusMark[]>()
  for (const r of rows) {
    const marks = byEmployee.get(r.employeeId) ?? []
    marks.push({ status: r.status, at: r.at.getTime() })
    byEmployee.set(r.employeeId, marks)
  }
  const n = now.getTime()
  // A period reaching past now ends now: no days that have not happened (probe 12 #8).
  const end = Math.min(t, Math.max(n, f))
  // Everyone who existed in the period, or whose log reaches into it (a log imported from before).
  const present = staff.filter((e) => e.createdAt < to || byEmployee.has(e.id))
  const out = present.map((e) => {
    const logged = byEmployee.get(e.id) ?? []
    // Before his first log row an employee was in the initial status since he was created; and the
    // current status stands from its start even if a row for it is missing (a seeded employee).
    const sorted = [...logged].sort((a, b) => a.at - b.at)
    const first = sorted[0]
    const last = sorted.at(-1)
    const marks: StatusMark[] = [...sorted]
    if (!first || e.createdAt.getTime() < first.at)
      marks.unshift({ status: INITIAL_STATUS, at: e.createdAt.getTime() })
    if (!last || last.at < e.since.getTime()) marks.push({ status: e.status, at: e.since.getTime() })
    const r = timeInStatus(marks, f, end, n)
    return { employeeId: e.id, name: e.name, totals: r.totals, days: r.slices }
  })
  return {
    from: from.toISOString(),
    to: new Date(end).toISOString(),
    days: sliceStarts(f, end).map((d) => new Date(d).toISOString()),
    rows: out,
  }
}
