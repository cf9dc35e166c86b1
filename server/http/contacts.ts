/** /api/contacts/* (SPEC K1, K2 read side). */
import type { FastifyInstance } from 'fastify'
import { ClientSearchQuery, IdParam } from '../../contract/api.ts'
import { getClient, listEmployees, listGroups, searchClients } from '../domain/contacts/index.ts'
import { type AppDeps, principal, validate } from './context.ts'

/** Registers the address-book routes. */
export function contactRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/contacts/employees', async (req) =>
    listEmployees(deps.db.orm, (await principal(deps, req)).tenantId),
  )

  app.get('/api/contacts/groups', async (req) =>
    listGroups(deps.db.orm, (await principal(deps, req)).tenantId),
  )

  app.get('/api/contacts/clients', async (req) => {
    const p = await principal(deps, req)
    const { q, limit } = validate(ClientSearchQuery, req.query)
    return searchClients(deps.db.orm, p.tenantId, q, limit)
  })

  app.get('/api/contacts/clients/:id', async (req) => {
    const p = await principal(deps, req)
    const { id } = validate(IdParam, req.params)
    return getClient(deps.db.orm, p.tenantId, id)
  })
}
