/**
 * Tracking (I3), Insider (I1) and clients on site (I2) — issue 12 §1–3 (docs/api.md "Tracking").
 *
 * GET /track.js and POST /api/track/{view,ping,leave} are called from the tenant's website: CORS for
 * any origin (no cookie is involved; the visitor token travels in the body), bodies as `text/plain`
 * JSON so the browser sends them without a preflight and `sendBeacon` can carry the last one. The
 * token is the chat widget's visitor token — one identity for his chats, calls, leads and visits; a
 * token of another tenant (another site key) is refused, never linked. Floods are refused per visitor
 * (429), new visitors per address.
 *
 * GET /api/insider/… and /api/onsite are the operator's: Insider of a visitor, of a call from the site,
 * of a website chat; the visitors on the site now.
 */

import fs from 'node:fs'
import path from 'node:path'
import { eq, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import {
  InsiderCallParam,
  InsiderParam,
  InsiderQuery,
  type InsiderView,
  type OnsiteView,
  TRACK_LIMITS,
  TrackPingSchema,
  type TrackViewResponse,
  TrackViewSchema,
} from '../../contract/tracking.ts'
import { signVisitorToken } from '../channels/visitor-token.ts'
import { VisitorTokenCache } from '../channels/visitor-token-cache.ts'
import { createVisitor, requestInfoOf, visitorByToken } from '../channels/visitors.ts'
import { WindowCounter } from '../channels/webchat/limits.ts'
import { queryRows, schema } from '../db/index.ts'
import { addressKey } from '../domain/address-key.ts'
import { BoundedSet } from '../domain/tracking/bounded.ts'
import {
  insiderOf,
  onsiteOf,
  recordPing,
  recordView,
  visitorOfCall,
  visitorOfChat,
  visitorOfClient,
  withOnsiteDetails,
} from '../domain/tracking/index.ts'
import { AppError } from '../errors.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '600',
}

/** Insider's default period for "calls in the last N days". */
const DEFAULT_DAYS = 7

export interface TrackingOptions {
  limits?: { perVisitor?: number; newPerAddress?: number }
}

/** Registers /track.js, the tracking API and the operator's Insider and On site routes. */
export function trackingRoutes(app: FastifyInstance, deps: AppDeps, opts: TrackingOptions = {}): void {
  const q = deps.db.orm
  const secret = deps.secrets.visitorSecret

  const file = path.join(deps.distDir, 'track', 'track.js')
  let cached: Promise<Buffer | null> | null = null
  app.get('/track.js', async (_req, reply) => {
    cached ??= fs.promises.readFile(file).catch(() => null)
    const code = await cached
    if (!code) cached = null
    if (!code) throw new AppError('E_NOT_FOUND')
    return reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('cross-origin-resource-policy', 'cross-origin')
      .send(code)
  })

  /**
   * Tenant id by slug. The id of an active tenant is remembered for 30 s (a slug's tenant does not
   * change); whether it is still active is not taken from here: a view is refused at write time, in
   * its batch's transaction (ingest.ts), and a new visitor is made only after a fresh check below.
   */
  const tenants = new Map<string, { id: string; until: number }>()
  async function tenantBySlug(slug: string, fresh = false): Promise<string> {
    const hit = tenants.get(slug)
    if (!fresh && hit && hit.until > Date.now()) return hit.id
    const [t] = await q
      .select({ id: schema.tenants.id, suspendedAt: schema.tenants.suspendedAt })
      .from(schema.tenants)
      .where(eq(schema.tenants.slug, slug))
    if (!t) throw new AppError('E_NOT_FOUND')
    if (t.suspendedAt) throw new AppError('E_TENANT_SUSPENDED')
    if (tenants.size > 10_000) tenants.clear()
    tenants.set(slug, { id: t.id, until: Date.now() + 30_000 })
    return t.id
  }

  /**
   * The visitor token check of every view and ping: the signature once per token and process, its
   * expiry and tenant claim each time (VisitorTokenCache, no I/O); the visitor's row once per process —
   * a visitor once seen stays (bounded, oldest forgotten first). Another tenant's token fails the
   * tenant claim check before the visitor cache is consulted.
   */
  const seen = new BoundedSet(50_000)
  const tokens = new VisitorTokenCache(secret)
  async function visitorOf(
    token: string,
    tenantId?: string,
  ): Promise<{ tenantId: string; visitorId: string }> {
    const claims = tokens.verify(token, tenantId ? { tenantId } : {})
    const key = `${claims.tenantId}:${claims.visitorId}`
    if (seen.has(key)) return { tenantId: claims.tenantId, visitorId: claims.visitorId }
    const v = await visitorByToken(q, secret, token, tenantId ? { tenantId } : {})
    seen.add(key)
    return v
  }

  /** A visitor made here: his row exists, so his token's first view needs no lookup. */
  async function newVisitor(tenantId: string, page: { url: string; referrer: string | null }) {
    const v = await createVisitor(q, tenantId, requestInfoOf(page))
    seen.add(`${v.tenantId}:${v.visitorId}`)
    return v
  }

  app.register(async (scope) => {
    const perVisitor = new WindowCounter(opts.limits?.perVisitor ?? TRACK_LIMITS.perVisitor)
    const newPerAddress = new WindowCounter(opts.limits?.newPerAddress ?? TRACK_LIMITS.newPerAddress)
    scope.removeContentTypeParser('text/plain')
    scope.addContentTypeParser(
      'text/plain',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_req, raw, done) => {
        try {
          done(null, JSON.parse(String(raw)))
        } catch {
          done(new AppError('E_BAD_REQUEST'), undefined)
        }
      },
    )
    scope.addHook('onRequest', async (_req, reply) => {
      reply.headers(CORS)
    })
    // The tenant's suspension is checked by the view route itself: a fresh query before a new
    // visitor is made, and in the batch's transaction for every view (no view of a suspended tenant
    // is written once the suspension has committed) — not one query per request in the scope.
    registerScope(scope, deps, { auth: 'public', tenantCheckedByRoute: true }, (r) => {
      r.post('/api/track/view', async (req): Promise<TrackViewResponse> => {
        const body = validate(TrackViewSchema, req.body)
        const tenantId = await tenantBySlug(body.tenant, !body.token)
        // Another tenant's token (another site key) is refused: E_VISITOR_TOKEN, nothing linked.
        const v = body.token
          ? await visitorOf(body.token, tenantId)
          : newPerAddress.hit(addressKey(req.ip))
            ? await newVisitor(tenantId, body)
            : null
        if (!v || !perVisitor.hit(v.visitorId)) throw new AppError('E_RATE_LIMITED')
        const { viewId } = await recordView(deps.db, {
          tenantId,
          visitorId: v.visitorId,
          url: body.url,
          title: body.title,
          referrer: body.referrer,
          userAgent: req.headers['user-agent'],
          ip: req.ip,
        })
        const token = body.token ?? signVisitorToken(secret, { tenantId, visitorId: v.visitorId }).token
        return { token, viewId }
      })
    })
    registerScope(scope, deps, { auth: 'public' }, (r) => {
      r.app.options('/api/track/*', { config: { auth: 'public' } }, async (_req, reply) =>
        reply.code(204).send(),
      )

      for (const kind of ['ping', 'leave'] as const)
        r.post(`/api/track/${kind}`, async (req) => {
          const body = validate(TrackPingSchema, req.body)
          const v = await visitorOf(body.token)
          if (!perVisitor.hit(v.visitorId)) throw new AppError('E_RATE_LIMITED')
          const ok = await recordPing(deps.db, {
            tenantId: v.tenantId,
            visitorId: v.visitorId,
            viewId: body.viewId,
            ms: body.ms,
            leave: kind === 'leave',
          })
          if (!ok) throw new AppError('E_NOT_FOUND')
          return { ok: true as const }
        })
    })
  })

  const daysOf = (query: unknown) => validate(InsiderQuery, query).days ?? DEFAULT_DAYS
  registerScope(app, deps, { auth: 'employee' }, (r) => {
    r.get('/api/insider/visitors/:id', async (req, who): Promise<{ insider: InsiderView }> => {
      const { id } = validate(InsiderParam, req.params)
      const insider = await insiderOf(q, who.tenantId, id, { days: daysOf(req.query) })
      if (!insider) throw new AppError('E_NOT_FOUND')
      return { insider }
    })
    r.get('/api/insider/calls/:sipCallId', async (req, who): Promise<{ insider: InsiderView | null }> => {
      const { sipCallId } = validate(InsiderCallParam, req.params)
      const [call] = await queryRows<{ id: string }>(
        q,
        sql`SELECT id FROM calls WHERE tenant_id = ${who.tenantId} AND sip_call_id = ${sipCallId}
            ORDER BY started_at DESC LIMIT 1`,
      )
      if (!call) throw new AppError('E_NOT_FOUND')
      const visitorId = await visitorOfCall(q, who.tenantId, call.id)
      return {
        insider: visitorId ? await insiderOf(q, who.tenantId, visitorId, { days: daysOf(req.query) }) : null,
      }
    })
    r.get('/api/insider/chats/:id', async (req, who): Promise<{ insider: InsiderView | null }> => {
      const { id } = validate(InsiderParam, req.params)
      const [chat] = await queryRows<{ id: string }>(
        q,
        sql`SELECT id FROM chats WHERE tenant_id = ${who.tenantId} AND id = ${id}`,
      )
      if (!chat) throw new AppError('E_NOT_FOUND')
      const visitorId = await visitorOfChat(q, who.tenantId, id)
      return {
        insider: visitorId ? await insiderOf(q, who.tenantId, visitorId, { days: daysOf(req.query) }) : null,
      }
    })
    r.get('/api/insider/clients/:id', async (req, who): Promise<{ insider: InsiderView | null }> => {
      const { id } = validate(InsiderParam, req.params)
      const [contact] = await queryRows<{ id: string }>(
        q,
        sql`SELECT id FROM contacts WHERE tenant_id = ${who.tenantId} AND id = ${id}`,
      )
      if (!contact) throw new AppError('E_NOT_FOUND')
      const visitorId = await visitorOfClient(q, who.tenantId, id)
      return {
        insider: visitorId ? await insiderOf(q, who.tenantId, visitorId, { days: daysOf(req.query) }) : null,
      }
    })
    r.get(
      '/api/onsite',
      async (_req, who): Promise<{ visitors: OnsiteView[] }> => ({
        visitors: await withOnsiteDetails(q, who.tenantId, await onsiteOf(q, who.tenantId)),
      }),
    )
  })
}
