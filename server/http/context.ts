/** What the routes need, and the small helpers every route uses (validate, authenticate). */

import type { FastifyRequest } from 'fastify'
import * as v from 'valibot'
import type { HealthResponse } from '../../contract/api.ts'
import type { Db, Secrets } from '../db/index.ts'
import { authenticate, type LoginLimits, type Principal } from '../domain/auth/index.ts'
import { AppError } from '../errors.ts'
import type { Hub } from '../realtime/hub.ts'

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

/** The caller's session or E_AUTH_REQUIRED. */
export function principal(deps: AppDeps, req: FastifyRequest): Promise<Principal> {
  return authenticate(deps.db.orm, bearer(req))
}
