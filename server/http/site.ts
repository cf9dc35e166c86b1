/**
 * The demo site's guest line (issue 3 §6, issue 6 §4): POST /api/site/call-credentials. No session, so
 * it is limited per client address in the database (`request.ip`: the real client behind the trusted
 * proxy); each visitor gets a line of their own that lives only minutes, issued when he presses Call —
 * POST /api/site/numbers gives the page its numbers without one.
 */

import type { FastifyInstance } from 'fastify'
import { SiteCallCredentialsBody, SiteNumbersBody } from '../../contract/calls.ts'
import { visitorByToken } from '../channels/visitors.ts'
import { WindowCounter } from '../channels/webchat/limits.ts'
import { addressKey } from '../domain/address-key.ts'
import { guestHit } from '../domain/calls/index.ts'
import { AppError } from '../errors.ts'
import { issueGuest, siteNumbers } from '../sip/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Page loads a minute one address may ask the numbers for (like the widget's GET /api/visitor/open). */
export const NUMBERS_PER_ADDRESS = 600

/** Registers the site routes. */
export function siteRoutes(app: FastifyInstance, deps: AppDeps): void {
  const numbersPerAddress = new WindowCounter(NUMBERS_PER_ADDRESS)
  registerScope(app, deps, { auth: 'public' }, (r) => {
    // What the page shows on load; the line itself is issued only when the visitor presses Call.
    r.post('/api/site/numbers', async (req) => {
      if (!numbersPerAddress.hit(addressKey(req.ip))) throw new AppError('E_RATE_LIMITED')
      const { tenant } = validate(SiteNumbersBody, req.body)
      return siteNumbers(deps.db.orm, tenant)
    })
    r.post('/api/site/call-credentials', async (req) => {
      const { tenant, visitorToken } = validate(SiteCallCredentialsBody, req.body)
      if (!(await guestHit(deps.db.orm, 'linesPerAddress', addressKey(req.ip))))
        throw new AppError('E_RATE_LIMITED')
      // The chat widget's visitor (issue 7 §2), so his calls and chats join up; a bad token links nothing.
      const visitor = visitorToken
        ? await visitorByToken(deps.db.orm, deps.secrets.visitorSecret, visitorToken).catch(() => null)
        : null
      const sip = { secret: deps.secrets.sipSecret, wsUrl: deps.sipWsUrl }
      return issueGuest(deps.db.orm, sip, tenant, Date.now(), visitor)
    })
  })
}
