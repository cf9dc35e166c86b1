/**
 * Missed calls a team can work (C9, issue 11 §4–5): Undo of "Mark handled", and the website
 * visitor's call-back request when nobody could answer (public, limited per address first, then per
 * visitor and per number in the domain).
 */

import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { IdParam } from '../../contract/api.ts'
import { SiteCallbackBody, type SiteCallbackResponse } from '../../contract/missed.ts'
import { visitorByToken } from '../channels/visitors.ts'
import { addressKey } from '../domain/address-key.ts'
import { callbackHit, requestCallback, undoHandled } from '../domain/calls/index.ts'
import { domainCredentials } from '../sip/index.ts'
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
      await callbackHit(deps.db.orm, 'perAddress', addressKey(req.ip))
      // The widget's visitor on the same site (issue 7 §2); a bad or another tenant's token links nothing.
      const visitorOf = async (tenantId: string) =>
        body.visitorToken
          ? visitorByToken(deps.db.orm, deps.secrets.visitorSecret, body.visitorToken, { tenantId }).catch(
              () => null,
            )
          : null
      const guest = body.line ? guestOf(deps.secrets.sipSecret, body.line) : null
      const made = await requestCallback(deps.db, { ...body, guest }, visitorOf)
      reply.code(201)
      return made
    })
  })
}

/**
 * The guest line of live credentials (`<expiry>:<user>@<domain>` and its HMAC, server/sip), or null:
 * only who holds the password may give that line's calls a number.
 */
function guestOf(secret: string, line: { username: string; password: string }, now = Date.now()) {
  const m = /^(\d{1,12}):([^@:\s]{1,64})@([A-Za-z0-9.-]{1,255})$/.exec(line.username)
  if (!m) return null
  const [, exp = '0', user = '', domain = ''] = m
  if (Number(exp) * 1000 < now) return null
  const want = Buffer.from(domainCredentials(secret, user, domain, Number(exp)).password)
  const got = Buffer.from(line.password)
  return want.length === got.length && timingSafeEqual(want, got) ? { user, domain } : null
}
