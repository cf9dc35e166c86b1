/**
 * /api/templates (T5: the operator's usable templates and his personal ones) and the admin's
 * /api/admin/templates (shared ones) and
 * /api/admin/channels/webchat (connected, distribution).
 */
import type { FastifyInstance } from 'fastify'
import { IdParam } from '../../contract/api.ts'
import {
  SharedTemplateSchema,
  TemplateSchema,
  type TemplateView,
  type WebchatSettings,
  WebchatSettingsSchema,
} from '../../contract/chats.ts'
import { audited, entityChanges, templateSnapshot, webchatSnapshot } from '../domain/admin-audit/index.ts'
import {
  createPersonalTemplate,
  createSharedTemplate,
  deletePersonalTemplate,
  deleteSharedTemplate,
  listTemplates,
  setWebchat,
  updatePersonalTemplate,
  updateSharedTemplate,
  webchatSettings,
} from '../domain/chats/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Registers the template and inbox admin routes. */
export function templateRoutes(app: FastifyInstance, deps: AppDeps): void {
  const db = () => deps.db.orm

  registerScope(app, deps, { auth: 'employee', omni: true }, (r) => {
    r.get(
      '/api/templates',
      async (_req, p): Promise<{ templates: TemplateView[] }> => ({
        templates: await listTemplates(db(), p),
      }),
    )

    r.post('/api/templates', async (req, p, reply): Promise<{ template: TemplateView }> => {
      const template = await createPersonalTemplate(db(), p, validate(TemplateSchema, req.body))
      reply.code(201)
      return { template }
    })

    // PATCH is the documented verb; PUT is accepted too (the app's first client used it).
    for (const method of ['patch', 'put'] as const)
      r[method]('/api/templates/:id', async (req, p): Promise<{ template: TemplateView }> => {
        const { id } = validate(IdParam, req.params)
        return { template: await updatePersonalTemplate(db(), p, id, validate(TemplateSchema, req.body)) }
      })

    r.delete('/api/templates/:id', async (req, p, reply) => {
      const { id } = validate(IdParam, req.params)
      await deletePersonalTemplate(db(), p, id)
      return reply.code(204).send()
    })
  })

  /** A template change with its audit row (before and after, secrets masked) in one transaction. */
  const templateChange = entityChanges(db, 'template', templateSnapshot)

  registerScope(app, deps, { auth: 'admin', omni: true }, (r) => {
    r.post('/api/admin/templates', async (req, p, reply): Promise<{ template: TemplateView }> => {
      const body = validate(SharedTemplateSchema, req.body)
      const template = await templateChange(
        p,
        'template.create',
        null,
        (tx) => createSharedTemplate(tx, p, body),
        (t) => t.id,
      )
      reply.code(201)
      return { template }
    })

    r.patch('/api/admin/templates/:id', async (req, p): Promise<{ template: TemplateView }> => {
      const { id } = validate(IdParam, req.params)
      const body = validate(SharedTemplateSchema, req.body)
      return {
        template: await templateChange(p, 'template.update', id, (tx) =>
          updateSharedTemplate(tx, p, id, body),
        ),
      }
    })

    r.delete('/api/admin/templates/:id', async (req, p, reply) => {
      const { id } = validate(IdParam, req.params)
      await templateChange(p, 'template.delete', id, (tx) => deleteSharedTemplate(tx, p, id))
      return reply.code(204).send()
    })

    r.get(
      '/api/admin/channels/webchat',
      async (_req, p): Promise<WebchatSettings> => webchatSettings(db(), p.tenantId),
    )

    r.put('/api/admin/channels/webchat', async (req, p): Promise<WebchatSettings> => {
      const body = validate(WebchatSettingsSchema, req.body)
      return audited(db(), p.tenantId, {
        actorId: p.employeeId,
        action: 'webchat.update',
        entity: 'channel',
        entityId: null,
        snapshot: (tx) => webchatSnapshot(tx, p.tenantId),
        change: (tx) => setWebchat(tx, p, body),
      })
    })
  })
}
