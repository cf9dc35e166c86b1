/** /api/statuses: the tenant's status matrix (SPEC S1, S2). */
import type { FastifyInstance } from 'fastify'
import * as v from 'valibot'
import { StatusMatrixSchema } from '../../contract/status.ts'
import { getMatrix, setMatrix } from '../domain/status/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

const PutStatusesBody = v.strictObject({ matrix: StatusMatrixSchema })

/** Registers the status matrix routes. */
export function statusRoutes(app: FastifyInstance, deps: AppDeps): void {
  registerScope(app, deps, { auth: 'employee' }, (r) => {
    r.get('/api/statuses', async (_req, p) => ({ matrix: await getMatrix(deps.db.orm, p.tenantId) }))
  })

  registerScope(app, deps, { auth: 'admin' }, (r) => {
    r.put('/api/statuses', async (req, p) => {
      const { matrix } = validate(PutStatusesBody, req.body)
      return { matrix: await setMatrix(deps.db, p.tenantId, matrix, p.employeeId) }
    })
  })
}
