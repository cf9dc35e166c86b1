/** What the routes need, and the small helpers every route uses (validate, the bearer token). */

import type { FastifyRequest } from 'fastify'
import * as v from 'valibot'
import type { HealthResponse } from '../../contract/api.ts'
import type { Db, Secrets } from '../db/index.ts'
import { authenticate, type LoginLimits, type Principal } from '../domain/auth/index.ts'
import { AppError } from '../errors.ts'
import type { PushOptions } from '../push/send.ts'
import type { Hub } from '../realtime/hub.ts'

/** The website visitor behind a signed visitor token (`AppDeps.visitorAuth`, the webchat channel). */
export interface VisitorPrincipal {
  tenantId: string
  visitorId: string
}

/** A provider callback whose signature was checked (`AppDeps.webhookAuth`). */
export interface WebhookCaller {
  tenantId: string
  /** Which connected channel it is for. */
  channelId: string
}

export interface AppDeps {
  db: Db
  secrets: Secrets
  /** Login throttle limits (default LOGIN_LIMITS); the counts live in the database. */
  loginLimits?: Partial<LoginLimits>
  hub: Hub
  sipWsUrl: string
  /** Whether Kamailio is up (GET /api/health). */
  sipStatus: () => HealthResponse['sip']
  /** The built PWA (served when it exists) and the demo site. */
  distDir: string
  siteDir: string
  version: string
  logLevel: string
  /**
   * Checks a website visitor's signed token (routes at level `visitor`, server/http/scope.ts); throws
   * a coded AppError (E_VISITOR_TOKEN, E_AUTH_REQUIRED) when it is missing, forged or expired.
   * Without it, `visitor` routes answer 404.
   */
  visitorAuth?: (req: FastifyRequest) => Promise<VisitorPrincipal>
  /** Checks a provider callback's signature (routes at level `webhook`); without it they answer 404. */
  webhookAuth?: (req: FastifyRequest) => Promise<WebhookCaller>
  /** How Web Push reaches push services (server/push/; env PUSH_* in main.ts). */
  push?: PushOptions
}

/** Parses input with a contract schema or throws E_VALIDATION listing each problem. */
export function validate<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const r = v.safeParse(schema, input)
  if (r.success) return r.output
  throw new AppError(
    'E_VALIDATION',
    r.issues.map((i) => {
      const where = v.getDotPath(i)
      return where ? `${where}: ${i.message}` : i.message
    }),
  )
}

/** The bearer token of a request, or ''. */
export function bearer(req: FastifyRequest): string {
  const h = req.headers.authorization
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : ''
}

/**
 * The caller's session or E_AUTH_REQUIRED. @deprecated Routes declare their level with `registerScope`
 * (scope.ts) and receive the checked caller; kept only so branches written before it still build.
 */
export function principal(deps: AppDeps, req: FastifyRequest): Promise<Principal> {
  return authenticate(deps.db.orm, bearer(req))
}
