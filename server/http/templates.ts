/**
 * /api/templates (T5: the operator's usable templates and his personal ones) and the admin's
 * /api/admin/templates (shared ones), /api/admin/employees/:id (the Accept button, T3) and
 * /api/admin/channels/webchat (connected, distribution).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { IdParam } from '../../contract/api.ts'
import {
  EmployeeChatSettingsSchema,
  SharedTemplateSchema,
  TemplateSchema,
  type TemplateView,
  type WebchatSettings,
  WebchatSettingsSchema,
} from '../../contract/chats.ts'
import type { Principal } from '../domain/auth/index.ts'
import {
  createPersonalTemplate,
  createSharedTemplate,
  deletePersonalTemplate,
  deleteSharedTemplate,
  listTemplates,
  setAcceptButton,
  setWebchat,
  updatePersonalTemplate,
  updateSharedTemplate,
  webchatSettings,
} from '../domain/chats/index.ts'
import { AppError } from '../errors.ts'
import { type AppDeps, principal, validate } from './context.ts'

/** Registers the template and inbox admin routes. */
export function templateRoutes(app: FastifyInstance, deps: AppDeps): void {
  const db = () => deps.db.orm
  const admin = async (req: FastifyRequest): Promise<Principal> => {
    const p = await principal(deps, req)
    if (p.role !== 'admin') throw new AppError('E_FORBIDDEN')
    return p
  }

  app.get('/api/templates', async (req): Promise<{ templates: TemplateView[] }> => {
    const p = await principal(deps, req)
    return { templates: await listTemplates(db(), p) }
  })

  app.post('/api/templates', async (req, reply): Promise<{ template: TemplateView }> => {
    const p = await principal(deps, req)
    const template = await createPersonalTemplate(db(), p, validate(TemplateSchema, req.body))
    reply.code(201)
    return { template }
  })

  // PATCH is the documented verb; PUT is accepted too (the app's first client used it).
  for (const method of ['patch', 'put'] as const)
    app[method]('/api/templates/:id', async (req): Promise<{ template: TemplateView }> => {
      const p = await principal(deps, req)
      const { id } = validate(IdParam, req.params)
      return { template: await updatePersonalTemplate(db(), p, id, validate(TemplateSchema, req.body)) }
    })

  app.delete('/api/templates/:id', async (req, reply) => {
    const p = await principal(deps, req)
    const { id } = validate(IdParam, req.params)
    await deletePersonalTemplate(db(), p, id)
    return reply.code(204).send()
  })

  app.post('/api/admin/templates', async (req, reply): Promise<{ template: TemplateView }> => {
    const p = await admin(req)
    const template = await createSharedTemplate(db(), p, validate(SharedTemplateSchema, req.body))
    reply.code(201)
    return { template }
  })

  app.patch('/api/admin/templates/:id', async (req): Promise<{ template: TemplateView }> => {
    const p = await admin(req)
    const { id } = validate(IdParam, req.params)
    return { template: await updateSharedTemplate(db(), p, id, validate(SharedTemplateSchema, req.body)) }
  })

  app.delete('/api/admin/templates/:id', async (req, reply) => {
    const p = await admin(req)
    const { id } = validate(IdParam, req.params)
    await deleteSharedTemplate(db(), p, id)
    return reply.code(204).send()
  })

  app.patch('/api/admin/employees/:id', async (req) => {
    const p = await admin(req)
    const { id } = validate(IdParam, req.params)
    const { acceptButton } = validate(EmployeeChatSettingsSchema, req.body)
    return setAcceptButton(db(), p, id, acceptButton)
  })

  app.get('/api/admin/channels/webchat', async (req): Promise<WebchatSettings> => {
    const p = await admin(req)
    return webchatSettings(db(), p.tenantId)
  })

  app.put('/api/admin/channels/webchat', async (req): Promise<WebchatSettings> => {
    const p = await admin(req)
    return setWebchat(db(), p, validate(WebchatSettingsSchema, req.body))
  })
}
