/** The supervisor's domain (issue 12 §4): live monitoring and a forced status (S3), the workload report (S4). */
export { forceStatus, listOperators } from './monitor.ts'
export { MAX_PERIOD_DAYS, workloadReport } from './report.ts'
