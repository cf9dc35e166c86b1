/** GET /api/admin/audit: the tenant's audit log, filtered and paged (issue 13). */
import type { FastifyInstance } from 'fastify'
import { type AuditPage, AuditQuerySchema } from '../../contract/admin.ts'
import { listAudit } from '../domain/audit/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Registers the audit log route. */
export function adminAuditRoutes(app: FastifyInstance, deps: AppDeps): void {
  registerScope(app, deps, { auth: 'admin' }, (r) => {
    r.get(
      '/api/admin/audit',
      async (req, p): Promise<AuditPage> =>
        listAudit(deps.db.orm, p.tenantId, validate(AuditQuerySchema, req.query)),
    )
  })
}
