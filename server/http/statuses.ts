/** /api/statuses: the tenant's status matrix (SPEC S1, S2). */
import type { FastifyInstance } from 'fastify'
import * as v from 'valibot'
import type { StatusesResponse } from '../../contract/api.ts'
import { StatusMatrixSchema } from '../../contract/status.ts'
import { getMatrix, setMatrix } from '../domain/status/index.ts'
import { AppError } from '../errors.ts'
import { type AppDeps, principal, validate } from './context.ts'

const PutStatusesBody = v.strictObject({ matrix: StatusMatrixSchema })

/** Registers the status matrix routes. */
export function statusRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/statuses', async (req): Promise<StatusesResponse> => {
    const p = await principal(deps, req)
    return { matrix: await getMatrix(deps.db.orm, p.tenantId) }
  })

  app.put('/api/statuses', async (req): Promise<StatusesResponse> => {
    const p = await principal(deps, req)
    if (p.role !== 'admin') throw new AppError('E_FORBIDDEN')
    const { matrix } = validate(PutStatusesBody, req.body)
    return { matrix: await setMatrix(deps.db, p.tenantId, matrix) }
  })
}
