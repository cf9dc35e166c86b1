/**
 * The security headers of every answer (CSP, nosniff, frame and referrer policies…): helmet's,
 * configured once. Not through @fastify/helmet: its onRequest hook calls `helmet(options)` for every
 * request, building the middleware anew (options checked, CSP directives parsed), which was a tenth of
 * the server's CPU per page view in the tracking bench (issue 12's ingest budget). The headers are
 * the same; only the CSP's `connect-src` (the request's own host for the app's WebSocket) is worked
 * out per request, by helmet's own per-request directive function. A route whose config says
 * `helmet: { skipRoute: true }` gets none (the providers' webhooks: no browser reads them).
 */
import type { FastifyInstance } from 'fastify'
import helmet, { type HelmetOptions } from 'helmet'

/** Adds the headers to every answer of `app` (call on the root instance: the hook is global). */
export function securityHeaders(app: FastifyInstance, options: Readonly<HelmetOptions>): void {
  const apply = helmet(options)
  app.addHook('onRequest', (req, reply, done) => {
    // A route that no browser reads (providers' webhooks) opts out: config { helmet: { skipRoute: true } }.
    const config = req.routeOptions.config as { helmet?: { skipRoute?: boolean } } | undefined
    if (config?.helmet?.skipRoute) return done()
    apply(req.raw, reply.raw, (err) => done(err instanceof Error ? err : undefined))
  })
}
