/**
 * The demo site's guest line (issue 3 §6, issue 6 §4): POST /api/site/call-credentials. No session, so
 * it is limited per client address in the database (`request.ip`: the real client behind the trusted
 * proxy); each visitor gets a line of their own that lives only minutes.
 */
import type { FastifyInstance } from 'fastify'
import { SiteCallCredentialsBody } from '../../contract/calls.ts'
import { AppError } from '../errors.ts'
import { guestHit, issueGuest } from '../sip/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Registers the site routes. */
export function siteRoutes(app: FastifyInstance, deps: AppDeps): void {
  registerScope(app, deps, { auth: 'public' }, (r) => {
    r.post('/api/site/call-credentials', async (req) => {
      const { tenant } = validate(SiteCallCredentialsBody, req.body)
      if (!(await guestHit(deps.db.orm, 'linesPerAddress', req.ip))) throw new AppError('E_RATE_LIMITED')
      return issueGuest(deps.db.orm, { secret: deps.secrets.sipSecret, wsUrl: deps.sipWsUrl }, tenant)
    })
  })
}
