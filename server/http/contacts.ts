/** /api/contacts/* (SPEC K1, K2 read side). */
import type { FastifyInstance } from 'fastify'
import { ClientSearchQuery, IdParam } from '../../contract/api.ts'
import { AddClientContactSchema, NewClientSchema } from '../../contract/client-contacts.ts'
import {
  addClientContact,
  clientTimeline,
  createClient,
  getClient,
  listEmployees,
  listGroups,
  searchClients,
} from '../domain/contacts/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Registers the address-book routes. */
export function contactRoutes(app: FastifyInstance, deps: AppDeps): void {
  registerScope(app, deps, { auth: 'employee' }, (r) => {
    r.get('/api/contacts/employees', async (_req, p) => listEmployees(deps.db.orm, p.tenantId))

    r.get('/api/contacts/groups', async (_req, p) => listGroups(deps.db.orm, p.tenantId))

    r.get('/api/contacts/clients', async (req, p) => {
      const { q, limit } = validate(ClientSearchQuery, req.query)
      return searchClients(deps.db.orm, p.tenantId, q, limit)
    })

    r.get('/api/contacts/clients/:id', async (req, p) => {
      const { id } = validate(IdParam, req.params)
      return getClient(deps.db.orm, p.tenantId, id)
    })

    // SPEC K2: the client's calls and chats in one timeline.
    r.get('/api/contacts/clients/:id/timeline', async (req, p) => {
      const { id } = validate(IdParam, req.params)
      return { items: await clientTimeline(deps.db.orm, p.tenantId, id) }
    })

    // SPEC K3: a new client, or a number / e-mail for an existing one (from a call or a chat).
    r.post('/api/contacts/clients', async (req, p, reply) => {
      const client = await createClient(deps.db, p.tenantId, validate(NewClientSchema, req.body))
      reply.code(201)
      return client
    })

    r.post('/api/contacts/clients/:id/contacts', async (req, p) => {
      const { id } = validate(IdParam, req.params)
      return addClientContact(deps.db, p.tenantId, id, validate(AddClientContactSchema, req.body))
    })
  })
}
