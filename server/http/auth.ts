/** /api/auth/* and /api/me (SPEC A1, A2). */
import type { FastifyInstance } from 'fastify'
import { IdParam, LoginBody, SetStatusBody } from '../../contract/api.ts'
import {
  LoginThrottle,
  listSessions,
  loadMe,
  login,
  type MintSip,
  revokeSession,
} from '../domain/auth/index.ts'
import { setStatus } from '../domain/status/index.ts'
import { sipSettings } from '../sip/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Registers the account routes. */
export function authRoutes(app: FastifyInstance, deps: AppDeps): void {
  const sip = { secret: deps.secrets.sipSecret, wsUrl: deps.sipWsUrl }
  const mintSip: MintSip = (me, sipDomain, notBefore) =>
    sipSettings(me, sipDomain, sip, Date.now(), notBefore)
  const throttle = new LoginThrottle(deps.loginLimits)

  registerScope(app, deps, { auth: 'public' }, (r) => {
    r.post('/api/auth/login', async (req) => {
      const body = validate(LoginBody, req.body)
      return login(
        deps.db,
        { throttle, mintSip },
        {
          ...body,
          ip: req.ip,
          userAgent: String(req.headers['user-agent'] ?? ''),
        },
      )
    })
  })

  registerScope(app, deps, { auth: 'employee' }, (r) => {
    r.post('/api/auth/logout', async (_req, p, reply) => {
      await revokeSession(deps.db.orm, p, p.sessionId)
      return reply.code(204).send()
    })

    r.get('/api/auth/sessions', async (_req, p) => listSessions(deps.db.orm, p))

    r.delete('/api/auth/sessions/:id', async (req, p, reply) => {
      const { id } = validate(IdParam, req.params)
      await revokeSession(deps.db.orm, p, id)
      return reply.code(204).send()
    })

    r.get('/api/me', async (_req, p) => {
      const { me, sipDomain, sipNotBefore } = await loadMe(deps.db.orm, p.tenantId, p.employeeId)
      // Probe 13 #13: no SIP line while the password is a one-time one.
      return { me, sip: me.mustChangePassword ? null : mintSip(me, sipDomain, sipNotBefore) }
    })

    r.put('/api/me/status', async (req, p) => {
      const { status } = validate(SetStatusBody, req.body)
      return setStatus(deps.db, p.tenantId, p.employeeId, status)
    })
  })
}
