/**
 * /api/admin/sip/*: the tenant's demo "phone network" line (pbx/README.md "Guests and the gateway").
 * Only an admin may take it: whoever registers as `gateway` receives every call to an operator's
 * mobile and every call out to a number (S1 Away, C3, C5).
 */
import { eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { type GatewayCredentials, GatewayCredentialsBody } from '../../contract/calls.ts'
import { announceLinesChanged, cutLines, lineNotBefore, schema } from '../db/index.ts'
import { audited } from '../domain/admin-audit/index.ts'
import { GATEWAY_USER } from '../domain/calls/index.ts'
import { AppError } from '../errors.ts'
import { credentialExpiry, domainCredentials } from '../sip/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Registers the admin SIP routes. */
export function adminSipRoutes(app: FastifyInstance, deps: AppDeps): void {
  registerScope(app, deps, { auth: 'admin' }, (r) => {
    r.post('/api/admin/sip/gateway-credentials', async (req, p): Promise<GatewayCredentials> => {
      validate(GatewayCredentialsBody, req.body ?? {})
      const [t] = await deps.db.orm
        .select({ sipDomain: schema.tenants.sipDomain, features: schema.tenants.features })
        .from(schema.tenants)
        .where(eq(schema.tenants.id, p.tenantId))
      if (!t) throw new AppError('E_AUTH_REQUIRED')
      if (!t.features.softphone) throw new AppError('E_NO_SOFTPHONE')
      const mint = (notBefore: number): GatewayCredentials => {
        const expiresAtS = credentialExpiry(Date.now(), notBefore)
        const { username, password } = domainCredentials(
          deps.secrets.sipSecret,
          GATEWAY_USER,
          t.sipDomain,
          expiresAtS,
        )
        return {
          wsUrl: deps.sipWsUrl,
          aor: `sip:${GATEWAY_USER}@${t.sipDomain}`,
          domain: t.sipDomain,
          username,
          password,
          expiresAt: new Date(expiresAtS * 1000).toISOString(),
        }
      }
      // Taking the gateway line is an admin act worth a row (issue 13 §2); its password never is.
      return audited(deps.db.orm, p.tenantId, {
        actorId: p.employeeId,
        action: 'sip.gateway_credentials',
        entity: 'sip_gateway',
        entityId: null,
        created: true,
        after: (c) => ({ name: c.aor, expiresAt: c.expiresAt }),
        // Probe 13 #1: new credentials replace the old — those minted before now are refused.
        change: async (tx) => {
          await cutLines(tx, p.tenantId, [GATEWAY_USER])
          await announceLinesChanged(tx, p.tenantId)
          return mint(await lineNotBefore(tx, p.tenantId, GATEWAY_USER))
        },
      })
    })
  })
}
