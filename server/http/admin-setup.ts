/**
 * /api/admin/groups, /api/admin/numbers, /api/admin/crm-cards (issue 13 §2): the admin's Groups,
 * Virtual numbers and CRM card screens. Thin: validate, call domain/admin-setup.
 */
import type { FastifyInstance } from 'fastify'
import {
  CrmCardsSchema,
  type GroupAdminView,
  GroupInputSchema,
  VirtualNumberInputSchema,
  type VirtualNumberView,
} from '../../contract/admin-setup.ts'
import { IdParam } from '../../contract/api.ts'
import {
  addGroup,
  addNumber,
  crmCardTemplates,
  editGroup,
  editNumber,
  listGroups,
  listNumbers,
  removeGroup,
  removeNumber,
  setCrmCardTemplates,
} from '../domain/admin-setup/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Registers the admin setup routes. */
export function adminSetupRoutes(app: FastifyInstance, deps: AppDeps): void {
  registerScope(app, deps, { auth: 'admin' }, (r) => {
    r.get(
      '/api/admin/groups',
      async (_req, p): Promise<{ groups: GroupAdminView[] }> => ({
        groups: await listGroups(deps.db.orm, p.tenantId),
      }),
    )
    r.post('/api/admin/groups', async (req, p, reply): Promise<{ group: GroupAdminView }> => {
      const group = await addGroup(deps.db, p.tenantId, p.employeeId, validate(GroupInputSchema, req.body))
      reply.code(201)
      return { group }
    })
    r.put('/api/admin/groups/:id', async (req, p): Promise<{ group: GroupAdminView }> => {
      const { id } = validate(IdParam, req.params)
      const input = validate(GroupInputSchema, req.body)
      return { group: await editGroup(deps.db, p.tenantId, p.employeeId, id, input) }
    })
    r.delete('/api/admin/groups/:id', async (req, p, reply) => {
      const { id } = validate(IdParam, req.params)
      await removeGroup(deps.db, p.tenantId, p.employeeId, id)
      return reply.code(204).send()
    })

    r.get(
      '/api/admin/numbers',
      async (_req, p): Promise<{ numbers: VirtualNumberView[] }> => ({
        numbers: await listNumbers(deps.db.orm, p.tenantId),
      }),
    )
    r.post('/api/admin/numbers', async (req, p, reply): Promise<{ number: VirtualNumberView }> => {
      const input = validate(VirtualNumberInputSchema, req.body)
      const number = await addNumber(deps.db, p.tenantId, p.employeeId, input)
      reply.code(201)
      return { number }
    })
    r.put('/api/admin/numbers/:id', async (req, p): Promise<{ number: VirtualNumberView }> => {
      const { id } = validate(IdParam, req.params)
      const input = validate(VirtualNumberInputSchema, req.body)
      return { number: await editNumber(deps.db, p.tenantId, p.employeeId, id, input) }
    })
    r.delete('/api/admin/numbers/:id', async (req, p, reply) => {
      const { id } = validate(IdParam, req.params)
      await removeNumber(deps.db, p.tenantId, p.employeeId, id)
      return reply.code(204).send()
    })

    r.get('/api/admin/crm-cards', async (_req, p) => crmCardTemplates(deps.db.orm, p.tenantId))
    r.put('/api/admin/crm-cards', async (req, p) =>
      setCrmCardTemplates(deps.db, p.tenantId, p.employeeId, validate(CrmCardsSchema, req.body)),
    )
  })
}
