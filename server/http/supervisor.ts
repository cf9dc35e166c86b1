/**
 * /api/supervisor/*: the supervisor's screens (issue 12 §4, SPEC S3, S4). Supervisors and admins
 * only — an operator gets 403 from the scope before any handler runs.
 */
import type { FastifyInstance } from 'fastify'
import { IdParam } from '../../contract/api.ts'
import { ForceStatusSchema, OperatorsQuerySchema, WorkloadQuerySchema } from '../../contract/supervisor.ts'
import { forceStatus, listOperators, workloadReport } from '../domain/supervisor/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'
import { statusLogTestHook } from './test-hooks-status.ts'

/** The start of today in UTC, when the screen did not say where its day starts. */
const utcMidnight = () => {
  const d = new Date()
  d.setUTCHours(0, 0, 0, 0)
  return d
}

/** Registers the supervisor's routes. */
export function supervisorRoutes(app: FastifyInstance, deps: AppDeps): void {
  registerScope(app, deps, { auth: 'supervisor' }, (r) => {
    r.get('/api/supervisor/operators', async (req, p) => {
      const { since } = validate(OperatorsQuerySchema, req.query)
      const operators = await listOperators(deps.db.orm, p.tenantId, since ? new Date(since) : utcMidnight())
      return { operators, now: new Date().toISOString() }
    })

    r.put('/api/supervisor/operators/:id/status', async (req, p) => {
      const { id } = validate(IdParam, req.params)
      const { status } = validate(ForceStatusSchema, req.body)
      return forceStatus(deps.db, p.tenantId, p.employeeId, id, status)
    })

    r.get('/api/supervisor/workload', async (req, p) => {
      const { from, to } = validate(WorkloadQuerySchema, req.query)
      return workloadReport(deps.db.orm, p.tenantId, new Date(from), new Date(to))
    })
  })
  statusLogTestHook(app, deps)
}
