/**
 * POST /internal/tenants: the tenant CLI (`npm run tenant`, scripts/tenant.ts) talks to the running
 * server here — loopback and a signature keyed by the internal secret (DATA_DIR/secrets.json; the
 * secret itself is never sent, signed-internal.ts) — so the
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
  // Signed, not the secret itself: the CLI cannot be sure who answers at its URL (probe 10 #9).
  registerScope(app, deps, { auth: 'internal', signed: true }, (r) => {
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
