/**
 * The supervisor's screens (issue 12 §4): live monitoring with a forced status (SPEC S3) and the
 * workload report (S4). Requests are valibot schemas; answers are plain types.
 */
import * as v from 'valibot'
import type { Role } from './api.ts'
import { text } from './text.ts'

const iso = v.pipe(text, v.maxLength(40), v.isoTimestamp())

/** GET /api/supervisor/operators: `since` = the start of the supervisor's "today" (his midnight). */
export const OperatorsQuerySchema = v.strictObject({ since: v.optional(iso) })

/** PUT /api/supervisor/operators/:id/status. */
export const ForceStatusSchema = v.strictObject({
  status: v.pipe(text, v.minLength(1), v.maxLength(32)),
})

/** One employee as the supervisor watches him (S3). */
export interface OperatorLive {
  id: string
  name: string
  role: Role
  extension: string
  status: string
  /** When the current status began (ISO). */
  since: string
  /** Who forced the current status, when a supervisor did; null when he chose it himself. */
  setByName: string | null
  /** Calls taken or made since `since` of the query. */
  calls: number
  /** Chats accepted (or assigned) since then. */
  chats: number
}

export interface OperatorsResponse {
  operators: OperatorLive[]
  /** The server's clock, so the screen counts "time in status" from it rather than the device's. */
  now: string
}

/** GET /api/supervisor/workload: [from, to), at most 92 days; the days are 24-hour slices from `from`. */
export const WorkloadQuerySchema = v.strictObject({ from: iso, to: iso })

/** One employee's time in each status over the period, in milliseconds. */
export interface WorkloadRow {
  employeeId: string
  name: string
  /** Status id → ms over the whole period. */
  totals: Record<string, number>
  /** Per day of the period (see `days`): status id → ms. */
  days: Record<string, number>[]
}

export interface WorkloadReport {
  from: string
  /** The period's end as summed: `to`, or now when the period is still running. */
  to: string
  /** Each day slice's start (ISO). */
  days: string[]
  rows: WorkloadRow[]
}
