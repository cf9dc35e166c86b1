/**
 * Missed calls a team can work (C9, issue 11 §4–5): Undo of "Mark handled", and the website
 * visitor's call-back request when nobody could answer (public, limited per address first, then per
 * visitor and per number in the domain).
 */
import type { FastifyInstance } from 'fastify'
import { IdParam } from '../../contract/api.ts'
import { SiteCallbackBody, type SiteCallbackResponse } from '../../contract/missed.ts'
import { visitorByToken } from '../channels/visitors.ts'
import { callbackHit } from '../domain/calls/callback.ts'
import { requestCallback, undoHandled } from '../domain/calls/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Registers the missed-call routes. */
export function missedRoutes(app: FastifyInstance, deps: AppDeps): void {
  registerScope(app, deps, { auth: 'employee' }, (r) => {
    r.post('/api/calls/missed/:id/undo', async (req, p) => {
      const { id } = validate(IdParam, req.params)
      return undoHandled(deps.db, p.tenantId, p.employeeId, id)
    })
  })

  registerScope(app, deps, { auth: 'public' }, (r) => {
    r.post('/api/site/callback', async (req, _who, reply): Promise<SiteCallbackResponse> => {
      const body = validate(SiteCallbackBody, req.body)
      await callbackHit(deps.db.orm, 'perAddress', req.ip)
      // The widget's visitor on the same site (issue 7 §2); a bad or another tenant's token links nothing.
      const visitorOf = async (tenantId: string) =>
        body.visitorToken
          ? visitorByToken(deps.db.orm, deps.secrets.visitorSecret, body.visitorToken, { tenantId }).catch(
              () => null,
            )
          : null
      const made = await requestCallback(deps.db, body, visitorOf)
      reply.code(201)
      return made
    })
  })
}
