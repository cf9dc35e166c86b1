/**
 * Typed routes: a route module is a Fastify plugin that declares once who may call its routes
 * (CONVENTIONS "A route declares who may call it once"). The scope checks the caller before the
 * handler runs and hands the handler the checked caller, typed by the level:
 *
 *   app.register(scope(deps, { auth: 'employee' }, (r) => {
 *     r.get('/api/calls', async (req, who) => listCalls(deps.db.orm, who.tenantId, …))
 *   }))
 *
 * Levels: `public` (anyone), `employee` (a live session), `supervisor` (a session of a supervisor or
 * admin), `admin`, `internal` (Kamailio: loopback and `x-internal-secret`), `visitor` (the website
 * visitor's signed token, checked by `deps.visitorAuth`), `webhook` (a provider's signed callback,
 * checked by `deps.webhookAuth`). Every route records its level in the route table
 * (route-table.ts), which the fuzz and isolation suites read.
 *
 * The check runs before the handler, after the body is parsed (as a `principal()` call at the top of
 * a handler did), or — `beforeBody: true`, for raw uploads — in onRequest, while the body is unread.
 * `internal` always runs in onRequest (the door is not advertised: others get 404 before anything).
 */
import { eq } from 'drizzle-orm'
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { ApiReply, ApiRouteKey } from '../../contract/routes.ts'
import { schema } from '../db/index.ts'
import { authenticate, type Principal, requireOwnPassword } from '../domain/auth/index.ts'
import { AppError } from '../errors.ts'
import { internalAllowed } from '../sip/index.ts'
import { type AppDeps, bearer, type VisitorPrincipal, type WebhookCaller } from './context.ts'
import { bodyMatches, InternalSignatures, SIGNATURE_HEADER } from './signed-internal.ts'

export type { VisitorPrincipal, WebhookCaller }

export type AuthLevel = 'public' | 'employee' | 'supervisor' | 'admin' | 'internal' | 'visitor' | 'webhook'

/** Kamailio on loopback with the internal secret. */
export interface InternalCaller {
  ip: string
}

/** What a handler receives as `who`, per level. */
export interface Callers {
  public: null
  employee: Principal
  supervisor: Principal
  admin: Principal
  internal: InternalCaller
  visitor: VisitorPrincipal
  webhook: WebhookCaller
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])

type Check<L extends AuthLevel> = (deps: AppDeps, req: FastifyRequest) => Promise<Callers[L]>

/** An employee's session; with a one-time password only the set-password step passes (probe 13 #13). */
async function employeeOf(deps: AppDeps, req: FastifyRequest): Promise<Principal> {
  const p = await authenticate(deps.db.orm, bearer(req))
  requireOwnPassword(p, `${req.method} ${req.routeOptions.url}`)
  return p
}

async function withRole(deps: AppDeps, req: FastifyRequest, roles: Principal['role'][]) {
  const p = await employeeOf(deps, req)
  if (!roles.includes(p.role)) throw new AppError('E_FORBIDDEN')
  return p
}

/** How each level is checked: one table, no `if` on names in the routes. */
const CHECKS: { [L in AuthLevel]: Check<L> } = {
  public: async () => null,
  employee: (deps, req) => employeeOf(deps, req),
  supervisor: (deps, req) => withRole(deps, req, ['supervisor', 'admin']),
  admin: (deps, req) => withRole(deps, req, ['admin']),
  internal: async (deps, req) => {
    if (!LOOPBACK.has(req.ip)) throw new AppError('E_NOT_FOUND')
    if (!internalAllowed(req.ip, req.headers['x-internal-secret'], deps.secrets.internalSecret))
      throw new AppError('E_FORBIDDEN')
    return { ip: req.ip }
  },
  // Until a channel provides the check, these doors do not exist.
  visitor: async (deps, req) => {
    if (!deps.visitorAuth) throw new AppError('E_NOT_FOUND')
    return deps.visitorAuth(req)
  },
  webhook: async (deps, req) => {
    if (!deps.webhookAuth) throw new AppError('E_NOT_FOUND')
    return deps.webhookAuth(req)
  },
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'

/** The reply a route must give: its contract type when contract/routes.ts lists it. */
type ReplyFor<M extends Method, U extends string> = `${M} ${U}` extends ApiRouteKey
  ? ApiReply<`${M} ${U}`> | FastifyReply
  : unknown

export type Handler<L extends AuthLevel, R> = (
  req: FastifyRequest,
  who: Callers[L],
  reply: FastifyReply,
) => Promise<R>

/** Registers routes of one auth level; `app` is the encapsulated scope (hooks, content-type parsers). */
export interface Router<L extends AuthLevel> {
  readonly app: FastifyInstance
  get<U extends string>(url: U, h: Handler<L, ReplyFor<'GET', U>>): void
  post<U extends string>(url: U, h: Handler<L, ReplyFor<'POST', U>>): void
  put<U extends string>(url: U, h: Handler<L, ReplyFor<'PUT', U>>): void
  delete<U extends string>(url: U, h: Handler<L, ReplyFor<'DELETE', U>>): void
  patch<U extends string>(url: U, h: Handler<L, ReplyFor<'PATCH', U>>): void
}

export interface ScopeOptions<L extends AuthLevel> {
  auth: L
  /** Check the caller in onRequest, before the body is read (raw uploads). */
  beforeBody?: boolean
  /** Fastify's per-scope log level (the internal routes log warnings only). */
  logLevel?: string
  /**
   * A5: the routes belong to the omnichannel part (chats, templates, leads): a tenant with the option
   * off gets E_OMNI_OFF from every one of them, checked here once, after the caller.
   */
  omni?: boolean
  /**
   * `internal` only: the caller signs each request (signed-internal.ts) instead of sending the
   * secret — the tenant CLI, which cannot be sure who answers at its URL (probe 10 #9).
   */
  signed?: boolean
  /**
   * `public` only: the routes check that their tenant is active themselves, where they write (the
   * tracking ingest: once per batch of page views inside the batch's transaction, instead of one
   * query per request here). A route that says so and does not check is a hole: keep the list short.
   */
  tenantCheckedByRoute?: boolean
}

/** The signed internal check: loopback, a fresh signature, and (when the JSON body is read) its hash. */
function signedInternal(deps: AppDeps, app: FastifyInstance): Check<'internal'> {
  const sigs = new InternalSignatures(deps.secrets.internalSecret)
  const bodies = new WeakMap<FastifyRequest, string>()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, raw, done) => {
    const signed = bodies.get(req)
    if (!signed || !bodyMatches(String(raw), signed)) return done(new AppError('E_FORBIDDEN'), undefined)
    try {
      done(null, JSON.parse(String(raw)))
    } catch {
      done(new AppError('E_BAD_REQUEST'), undefined)
    }
  })
  return async (_deps, req) => {
    if (!LOOPBACK.has(req.ip)) throw new AppError('E_NOT_FOUND')
    const b = sigs.verify(req.headers[SIGNATURE_HEADER], req.method, req.url)
    if (!b) throw new AppError('E_FORBIDDEN')
    bodies.set(req, b)
    return { ip: req.ip }
  }
}

/** E_OMNI_OFF unless the tenant has the omnichannel option on (A5). */
async function requireOmni(deps: AppDeps, caller: unknown): Promise<void> {
  const tenantId = (caller as { tenantId?: string } | null)?.tenantId
  if (!tenantId) throw new AppError('E_OMNI_OFF')
  const [t] = await deps.db.orm
    .select({ features: schema.tenants.features })
    .from(schema.tenants)
    .where(eq(schema.tenants.id, tenantId))
  if (!t?.features.omni) throw new AppError('E_OMNI_OFF')
}

/**
 * Probe 10 #4: a suspended company takes nothing in. Checked here once for the doors of outsiders —
 * the visitor's and the provider's (the tenant of their token or signature) and the public forms
 * (the `tenant` slug of the body) — so no route can forget it. Employees are cut off at suspension
 * (their sessions end), so their doors need no check. A provider gets 503 E_TENANT_SUSPENDED_RETRY with
 * Retry-After (it keeps the message and retries after re-activation: nothing is lost; the webhook
 * routes that find their channel by key check it in channels/webhooks.ts); a visitor or a form
 * E_TENANT_SUSPENDED.
 */
async function requireActiveTenant(
  deps: AppDeps,
  level: AuthLevel,
  req: FastifyRequest,
  caller: unknown,
): Promise<void> {
  if (level !== 'public' && level !== 'visitor' && level !== 'webhook') return
  const tenantId = (caller as { tenantId?: unknown } | null)?.tenantId
  const slug = (req.body as { tenant?: unknown } | undefined | null)?.tenant
  const where =
    typeof tenantId === 'string'
      ? eq(schema.tenants.id, tenantId)
      : // Printable ASCII only: a NUL would make PostgreSQL refuse the query (a 500); anything else
        // is no slug, and the route's own validation refuses it.
        typeof slug === 'string' && /^[\x21-\x7e]{1,64}$/.test(slug)
        ? eq(schema.tenants.slug, slug)
        : null
  if (!where) return
  const [t] = await deps.db.orm
    .select({ suspendedAt: schema.tenants.suspendedAt })
    .from(schema.tenants)
    .where(where)
  if (!t?.suspendedAt) return
  throw new AppError(level === 'webhook' ? 'E_TENANT_SUSPENDED_RETRY' : 'E_TENANT_SUSPENDED')
}

/** The level a route was registered with (route options `config.auth`; read by route-table.ts). */
export function authOf(config: unknown): AuthLevel | undefined {
  return (config as { auth?: AuthLevel } | undefined)?.auth
}

/** A Fastify plugin whose routes all require `opts.auth`; `routes` registers them on the router. */
export function scope<L extends AuthLevel>(
  deps: AppDeps,
  opts: ScopeOptions<L>,
  routes: (r: Router<L>) => void | Promise<void>,
): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app) => {
    const callers = new WeakMap<FastifyRequest, Callers[L]>()
    const check = (
      opts.signed && opts.auth === 'internal' ? signedInternal(deps, app) : CHECKS[opts.auth]
    ) as Check<L>
    const hook = opts.auth === 'internal' || opts.beforeBody ? 'onRequest' : 'preHandler'
    app.addHook(hook, async (req) => {
      const caller = await check(deps, req)
      if (!opts.tenantCheckedByRoute) await requireActiveTenant(deps, opts.auth, req, caller)
      if (opts.omni) await requireOmni(deps, caller)
      callers.set(req, caller)
    })
    const add =
      (method: Method) =>
      (url: string, h: Handler<L, unknown>): void => {
        app.route({
          method,
          url,
          config: { auth: opts.auth },
          handler: async (req, reply) => {
            // The hook ran for every request of this scope; a missing caller is a bug, never a pass.
            if (!callers.has(req)) throw new AppError('E_AUTH_REQUIRED')
            return h(req, callers.get(req) as Callers[L], reply)
          },
        })
      }
    await routes({
      app,
      get: add('GET'),
      post: add('POST'),
      put: add('PUT'),
      delete: add('DELETE'),
      patch: add('PATCH'),
    } as Router<L>)
  }
  return plugin
}

/** Registers a scope with its log level (Fastify takes it as a register option). */
export function registerScope<L extends AuthLevel>(
  app: FastifyInstance,
  deps: AppDeps,
  opts: ScopeOptions<L>,
  routes: (r: Router<L>) => void | Promise<void>,
): void {
  app.register(scope(deps, opts, routes), opts.logLevel ? { logLevel: opts.logLevel as 'warn' } : {})
}
