/**
 * Leads (SPEC T11): the site's lead form (public, POST /api/site/leads) and the operators' side
 * (/api/leads). The form is limited per client address in memory (a burst is what it stops, as the
 * visitor API's address limit) and answers CORS: a tenant's own site is another origin.
 */

import type { FastifyInstance } from 'fastify'
import { IdParam } from '../../contract/api.ts'
import { LeadFormSchema, type LeadView } from '../../contract/leads.ts'
import { requestInfoOf, visitorByToken } from '../channels/visitors.ts'
import { WindowCounter } from '../channels/webchat/limits.ts'
import { addressKey } from '../domain/address-key.ts'
import { completeLead, createLead, leadTenant, listLeads, openLead } from '../domain/leads/index.ts'
import { AppError } from '../errors.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Leads a client address may send per minute (an office behind one NAT fits). */
export const LEADS_PER_ADDRESS = 10

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '600',
}

/** Registers the lead routes. */
export function leadRoutes(app: FastifyInstance, deps: AppDeps, opts: { perAddress?: number } = {}): void {
  const db = () => deps.db.orm
  const perAddress = new WindowCounter(opts.perAddress ?? LEADS_PER_ADDRESS)

  registerScope(app, deps, { auth: 'public' }, (r) => {
    r.app.options('/api/site/leads', { config: { auth: 'public' } }, async (_req, reply) =>
      reply.headers(CORS).code(204).send(),
    )
    r.post('/api/site/leads', async (req, _who, reply): Promise<{ id: string }> => {
      reply.headers(CORS)
      if (!perAddress.hit(addressKey(req.ip))) throw new AppError('E_RATE_LIMITED')
      const form = validate(LeadFormSchema, req.body)
      const tenantId = await leadTenant(db(), form.tenant)
      // The widget's visitor on the same site (his request info from his first contact); a bad or
      // another tenant's token links nothing, and the form still goes through.
      const visitor = form.visitorToken
        ? await visitorByToken(db(), deps.secrets.visitorSecret, form.visitorToken, { tenantId }).catch(
            () => null,
          )
        : null
      const requestInfo = visitor?.requestInfo ?? (form.page ? requestInfoOf(form.page) : null)
      const lead = await createLead(
        db(),
        tenantId,
        { name: form.name, phone: form.phone, email: form.email, comment: form.comment },
        { visitorId: visitor?.visitorId ?? null, requestInfo },
      )
      reply.code(201)
      return { id: lead.id }
    })
  })

  registerScope(app, deps, { auth: 'employee', omni: true }, (r) => {
    r.get(
      '/api/leads',
      async (_req, p): Promise<{ leads: LeadView[] }> => ({ leads: await listLeads(db(), p) }),
    )
    r.post('/api/leads/:id/open', async (req, p): Promise<{ lead: LeadView }> => {
      const { id } = validate(IdParam, req.params)
      return { lead: await openLead(db(), p, id) }
    })
    r.post('/api/leads/:id/complete', async (req, p): Promise<{ lead: LeadView }> => {
      const { id } = validate(IdParam, req.params)
      return { lead: await completeLead(db(), p, id) }
    })
  })
}
