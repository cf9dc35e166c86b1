/**
 * /internal/sip/* — Kamailio's side door (pbx/README.md). Loopback only and the shared secret
 * (constant-time compare): others get 404 (the door is not advertised), a loopback caller with a
 * wrong secret 403. Bad bodies get a coded 400 that the cfg turns into a SIP 400, never a 500.
 */
import type { FastifyInstance } from 'fastify'
import {
  SipDialogBody,
  type SipReferAnswer,
  SipReferBody,
  SipRegistrationBody,
  type SipRouteAnswer,
  SipRouteBody,
} from '../../contract/calls.ts'
import { applyDialog, grantTransfer, routeInvite } from '../domain/calls/index.ts'
import { announcePresence } from '../domain/contacts/index.ts'
import { AppError } from '../errors.ts'
import {
  parseSipUri,
  readDialogReport,
  readReferReport,
  readRouteRequest,
  recordRegistration,
} from '../sip/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Registers the Kamailio endpoints. */
export function internalSipRoutes(app: FastifyInstance, deps: AppDeps): void {
  // Kamailio calls here for every INVITE, dialog event and REGISTER: two info lines per request
  // (received, completed) would cost the call path and bury the log. Warnings and errors still show.
  registerScope(app, deps, { auth: 'internal', logLevel: 'warn' }, (r) => {
    r.post('/internal/sip/route', async (req): Promise<SipRouteAnswer> => {
      const request = readRouteRequest(validate(SipRouteBody, req.body))
      if (!request) return { action: 'reject', code: 400, reason: 'Bad URI' }
      return routeInvite(deps.db, request)
    })

    // C5 (issue 11 §1): a REFER inside a call, before Kamailio relays it — the leg it asks for is granted.
    r.post('/internal/sip/refer', async (req): Promise<SipReferAnswer> => {
      const report = readReferReport(validate(SipReferBody, req.body))
      if (!report) return { action: 'reject', code: 400, reason: 'Bad URI' }
      return grantTransfer(deps.db, report)
    })

    r.post('/internal/sip/dialog', async (req) => {
      const outcome = await applyDialog(deps.db, readDialogReport(validate(SipDialogBody, req.body)))
      if (outcome === 'unknown_tenant') throw new AppError('E_NOT_FOUND')
      return { ok: true as const, outcome }
    })

    r.post('/internal/sip/registration', async (req, _who, reply) => {
      const body = validate(SipRegistrationBody, req.body)
      const aor = parseSipUri(body.aor)
      if (!aor) throw new AppError('E_VALIDATION', ['aor: not a SIP URI'])
      const known = await deps.db.orm.transaction(async (tx) => {
        const r = await recordRegistration(tx, {
          user: aor.user,
          domain: aor.host,
          contacts: body.contacts,
          expires: body.expires,
        })
        // S1: a line that came or went changes what colleagues see (presence, group counts).
        if (r?.changed) await announcePresence(tx, r.tenantId, aor.user)
        return r
      })
      if (!known) throw new AppError('E_NOT_FOUND')
      return reply.code(204).send()
    })
  })
}
