/**
 * The CRM hand-off (SPEC T13): the admin sets the webhook (/api/admin/crm-webhook: the secret is
 * generated and shown once), an employee sends an open chat (POST /api/chats/:id/crm), and the job
 * 'crm.deliver' POSTs each delivery (server/domain/crm: signature, retries).
 */
import type { FastifyInstance } from 'fastify'
import { IdParam } from '../../contract/api.ts'
import { type CrmSendResponse, CrmWebhookSchema, type CrmWebhookView } from '../../contract/leads.ts'
import { tenantSuspended } from '../channels/webhooks.ts'
import type { Queryable } from '../db/index.ts'
import { audited, crmWebhookSnapshot } from '../domain/admin-audit/index.ts'
import {
  attemptCrmDelivery,
  CRM_JOB,
  type CrmPostOptions,
  deleteCrmWebhook,
  getCrmWebhook,
  newCrmWebhookSecret,
  sendChatToCrm,
  setCrmWebhook,
} from '../domain/crm/index.ts'
import { AppError } from '../errors.ts'
import { PermanentFailure, Postpone, RetryAt } from '../jobs/index.ts'
import { providerUrlProblem } from '../net/provider-fetch.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Registers the routes and the delivery job's handler. */
export function crmRoutes(app: FastifyInstance, deps: AppDeps, opts: CrmPostOptions = {}): void {
  const db = () => deps.db.orm
  app.jobs.handle(CRM_JOB, async (job) => {
    const id = job.payload.deliveryId
    if (typeof id !== 'string' || !job.tenantId) throw new PermanentFailure('no delivery id')
    // Probe 10 #4: a suspended company's deliveries wait for re-activation (no attempt spent).
    if (await tenantSuspended(db(), job.tenantId))
      throw new Postpone(new Date(Date.now() + 3600_000), 'tenant suspended')
    const r = await attemptCrmDelivery(db(), job.tenantId, id, job.attempts >= job.maxAttempts, opts)
    if (r.outcome === 'failed') throw new PermanentFailure(r.reason)
    if (r.outcome === 'retry') {
      if (r.retryAfterMs !== undefined) throw new RetryAt(new Date(Date.now() + r.retryAfterMs), r.reason)
      throw new Error(r.reason)
    }
  })

  /** A webhook change with its audit row (the secret as its hint) in one transaction. */
  const webhookChange = <R>(
    p: { tenantId: string; employeeId: string },
    action: string,
    run: (tx: Queryable) => Promise<R>,
  ) =>
    audited(db(), p.tenantId, {
      actorId: p.employeeId,
      action,
      entity: 'crm',
      entityId: null,
      snapshot: (tx) => crmWebhookSnapshot(tx, p.tenantId),
      change: run,
    })

  registerScope(app, deps, { auth: 'admin' }, (r) => {
    r.get(
      '/api/admin/crm-webhook',
      async (_req, p): Promise<CrmWebhookView> => getCrmWebhook(db(), p.tenantId),
    )
    r.delete('/api/admin/crm-webhook', async (_req, p, reply) => {
      await webhookChange(p, 'crm_webhook.delete', (tx) => deleteCrmWebhook(tx, p.tenantId))
      return reply.code(204).send()
    })
    r.put('/api/admin/crm-webhook', async (req, p): Promise<CrmWebhookView> => {
      const { url } = validate(CrmWebhookSchema, req.body)
      // Probe 13 #3: the same guard as a channel's provider URL (delivery checks again, resolved).
      const problem = providerUrlProblem(url)
      if (problem) throw new AppError('E_PROVIDER_URL_PRIVATE', [`url: ${problem}`])
      return webhookChange(p, 'crm_webhook.update', (tx) => setCrmWebhook(tx, p.tenantId, url))
    })
    r.post(
      '/api/admin/crm-webhook/secret',
      async (_req, p): Promise<Required<CrmWebhookView>> =>
        webhookChange(p, 'crm_webhook.secret', (tx) => newCrmWebhookSecret(tx, p.tenantId)),
    )
  })

  registerScope(app, deps, { auth: 'employee', omni: true }, (r) => {
    r.post('/api/chats/:id/crm', async (req, p, reply): Promise<CrmSendResponse> => {
      const { id } = validate(IdParam, req.params)
      reply.code(202)
      return { deliveryId: await sendChatToCrm(db(), p, id) }
    })
  })
}
