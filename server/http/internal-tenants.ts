/**
 * POST /internal/tenants: the tenant CLI (`npm run tenant`, scripts/tenant.ts) talks to the running
 * server here — loopback and the internal secret (DATA_DIR/secrets.json), like Kamailio — so the
 * server that holds the sockets and Kamailio cuts a suspended tenant off at once (PGlite's data
 * directory cannot be opened by a second process while the server runs).
 */
import type { FastifyInstance } from 'fastify'
import { type TenantCommandAnswer, TenantCommandSchema } from '../../contract/admin.ts'
import { createCompany, listCompanies, reactivateCompany, suspendCompany } from '../domain/tenants/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Registers the tenant command route. */
export function internalTenantRoutes(app: FastifyInstance, deps: AppDeps): void {
  registerScope(app, deps, { auth: 'internal' }, (r) => {
    r.post('/internal/tenants', async (req, _who, reply): Promise<TenantCommandAnswer> => {
      const cmd = validate(TenantCommandSchema, req.body)
      reply.header('cache-control', 'no-store')
      switch (cmd.command) {
        case 'create':
          return createCompany(deps.db, cmd.tenant)
        case 'list':
          return { tenants: await listCompanies(deps.db.orm) }
        case 'suspend':
          return suspendCompany(deps.db, cmd.slug)
        case 'reactivate':
          return reactivateCompany(deps.db, cmd.slug)
      }
    })
  })
}
