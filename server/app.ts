/** Builds the Fastify instance (tests drive it with app.inject()/injectWS(); main.ts listens). */

import type { IncomingMessage } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import websocket from '@fastify/websocket'
import Fastify, { type FastifyInstance, type FastifyLoggerOptions } from 'fastify'
import type { HealthResponse } from '../contract/api.ts'
import { channelRoutes, type EmailOptions, type VisitorLimits } from './channels/index.ts'
import { logSerializers } from './db/index.ts'
import { sweepUnsentFiles, UNSENT_SWEEP_MS } from './domain/chats/index.ts'
import { closeUnreadOnRefusal, FileStore } from './files/index.ts'
import { adminAuditRoutes } from './http/admin-audit.ts'
import { adminChannelRoutes } from './http/admin-channels.ts'
import { adminEmployeeRoutes } from './http/admin-employees.ts'
import { adminSetupRoutes } from './http/admin-setup.ts'
import { adminSipRoutes } from './http/admin-sip.ts'
import { authRoutes } from './http/auth.ts'
import { callSettingsRoutes } from './http/call-settings.ts'
import { callWakeJobs } from './http/call-wake.ts'
import { callRoutes } from './http/calls.ts'
import { chatLifecycleRoutes } from './http/chat-lifecycle.ts'
import { chatRoutes } from './http/chats.ts'
import { contactImportRoutes } from './http/contact-import.ts'
import { contactRoutes } from './http/contacts.ts'
import type { AppDeps } from './http/context.ts'
import { crmRoutes } from './http/crm.ts'
import { crmContactRoutes } from './http/crm-contacts.ts'
import { clientErrorHandler, frameworkErrors, installErrorHandler } from './http/errors.ts'
import { internalSipRoutes } from './http/internal-sip.ts'
import { internalTenantRoutes } from './http/internal-tenants.ts'
import { leadRoutes } from './http/leads.ts'
import { missedRoutes } from './http/missed.ts'
import { noStoreSecrets } from './http/no-store.ts'
import { publicFileRoutes } from './http/public-files.ts'
import { recordRoutes } from './http/route-table.ts'
import { scheduledRoutes } from './http/scheduled.ts'
import { securityHeaders } from './http/security-headers.ts'
import { siteRoutes } from './http/site.ts'
import { staticRoutes } from './http/static.ts'
import { statusRoutes } from './http/statuses.ts'
import { supervisorRoutes } from './http/supervisor.ts'
import { templateRoutes } from './http/templates.ts'
import { testHookRoutes } from './http/test-hooks.ts'
import { type TrackingOptions, trackingRoutes } from './http/tracking.ts'
import { writeFirstRoutes } from './http/write-first.ts'
import { wsErrorHandler, wsRoutes } from './http/ws.ts'
import { createJobRunner, type JobRunner, type JobRunnerOptions } from './jobs/index.ts'
import { pushRoutes } from './push/index.ts'
import { type Scheduler, startPeriodic } from './schedule.ts'

export type { AppDeps } from './http/context.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The durable job worker (server/jobs/): `app.jobs.handle(kind, handler)`; tests `drain()` it. */
    jobs: JobRunner
  }
}

/** Request bodies are small JSON; anything larger is E_BODY_TOO_LARGE. */
export const BODY_LIMIT = 64 * 1024

/**
 * Connection timeouts (slowloris): a socket that sends nothing for `idleMs` is closed (Node's socket
 * idle timeout — a slow upload that keeps sending is not); request headers must be complete within
 * `headersMs`; a whole request (a 30 MB upload on a slow mobile link: ~15 min at 300 kbit/s) within
 * `requestMs`. An upgraded WebSocket is not subject to them (its own pings keep it).
 */
export interface HttpTimeouts {
  idleMs: number
  headersMs: number
  requestMs: number
  keepAliveMs: number
}
export const HTTP_TIMEOUTS: HttpTimeouts = {
  idleMs: 60_000,
  headersMs: 20_000,
  requestMs: 20 * 60_000,
  keepAliveMs: 65_000,
}

/** ws:// and wss:// of the origin the page was loaded from (CSP connect-src). */
function sameOriginWs(req: IncomingMessage): string {
  const host = String(req.headers.host ?? '')
  // Only a well-formed host may enter a header we emit.
  return /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-fA-F:]+\](:\d{1,5})?$/.test(host)
    ? `ws://${host} wss://${host}`
    : ''
}

/** Creates the app with every route; call `await app.ready()` (or listen) before use. */
export async function buildApp(
  deps: AppDeps & {
    filesDir?: string
    logStream?: NodeJS.WritableStream
    trustProxy?: readonly string[]
    recordingMaxBytes?: number
    /** Visitor API rate limits (tests raise them). */
    visitorLimits?: Partial<VisitorLimits>
    attachmentMaxBytes?: number
    /** Tests lower them. */
    httpTimeouts?: Partial<HttpTimeouts>
    /** The durable job worker's options (tests shorten backoff and polls). */
    jobOptions?: JobRunnerOptions
    /** The e-mail channel: inbound SMTP port (null/absent: none) and default relay. */
    email?: EmailOptions
    /** Tracking snippet rate limits (tests and the bench raise them). */
    trackLimits?: TrackingOptions['limits']
  },
): Promise<FastifyInstance> {
  const timeouts = { ...HTTP_TIMEOUTS, ...deps.httpTimeouts }
  // Failed queries are logged without their parameters (server/db/log.ts).
  const logger: FastifyLoggerOptions | false =
    deps.logLevel === 'silent'
      ? false
      : {
          level: deps.logLevel,
          serializers: logSerializers,
          ...(deps.logStream && { stream: deps.logStream }),
        }
  const app = Fastify({
    logger,
    // request.ip is the X-Forwarded-For client only for connections from a configured proxy (TRUSTED_PROXY).
    trustProxy: deps.trustProxy?.length ? [...deps.trustProxy] : false,
    bodyLimit: BODY_LIMIT,
    // Error bodies are ours; Fastify's default 404/500 bodies never reach a client.
    return503OnClosing: true,
    // Node's parser refusals in our coded shape (server/http/errors.ts).
    clientErrorHandler,
    // The router's refusals (a path parameter of broken UTF-8 or over 100 characters) too (probe 11).
    frameworkErrors,
    connectionTimeout: timeouts.idleMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: {
      headersTimeout: timeouts.headersMs,
      // How often Node checks the headers/request deadlines (its default, 30 s, would add up to that).
      connectionsCheckingInterval: Math.min(5000, Math.ceil(timeouts.headersMs / 2)),
    },
  })
  // JSON only: text/plain would otherwise be accepted and reach validation as a string.
  app.removeContentTypeParser('text/plain')
  recordRoutes(app)
  installErrorHandler(app)
  closeUnreadOnRefusal(app)
  // Probe 13 #10: answers carrying a secret are never cached (the list is in http/no-store.ts).
  noStoreSecrets(app)

  const sipOrigin = new URL(deps.sipWsUrl).origin.replace(/^http/, 'ws')
  securityHeaders(app, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'", (req) => sameOriginWs(req), sipOrigin],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        // Solid's compiled templates carry static style="" attributes, which CSP counts as inline.
        styleSrc: ["'self'", "'unsafe-inline'"],
        fontSrc: ["'self'"],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // The app needs its microphone; the default COEP would block nothing we use but costs nothing to keep off.
    crossOriginEmbedderPolicy: false,
  })
  await app.register(websocket, { options: { maxPayload: BODY_LIMIT }, errorHandler: wsErrorHandler })

  app.get(
    '/api/health',
    async (): Promise<HealthResponse> => ({
      ok: true,
      db: deps.db.kind,
      sip: deps.sipStatus(),
      version: deps.version,
    }),
  )
  authRoutes(app, deps)
  statusRoutes(app, deps)
  contactRoutes(app, deps)
  // Recordings live in DATA_DIR/files (main.ts); tests without one get a per-process temp dir.
  const files = new FileStore(deps.filesDir ?? path.join(os.tmpdir(), `frontline-files-${process.pid}`))
  // Parts left by an upload cut short by a crash or kill -9.
  app.addHook('onReady', async () => {
    await files
      .sweepParts()
      .catch((err: unknown) => app.log.warn({ err }, 'files: sweeping old parts failed'))
  })
  // Uploads no message or template carries, older than a day: at start and every hour.
  const sweepUnsent = () => sweepUnsentFiles(deps.db.orm, files)
  let unsentSweep: Scheduler | null = null
  app.addHook('onReady', async () => {
    await sweepUnsent().catch((err: unknown) =>
      app.log.warn({ err }, 'files: sweeping unsent uploads failed'),
    )
    unsentSweep = startPeriodic(
      [{ name: 'unsent uploads sweep', everyMs: UNSENT_SWEEP_MS, run: sweepUnsent }],
      (name, err) => app.log.warn({ err }, `${name} failed`),
    )
  })
  app.addHook('onClose', async () => {
    await unsentSweep?.stop()
  })
  // Durable jobs (server/jobs/): features register their kinds' handlers; the worker starts once the
  // app is ready and stops (waiting for the jobs in flight) before the database closes.
  const jobs = createJobRunner(deps.db, {
    onError: (job, err) =>
      app.log.warn({ err, job: { id: job.id, kind: job.kind, attempts: job.attempts } }, 'job failed'),
    ...deps.jobOptions,
  })
  app.decorate('jobs', jobs)
  app.addHook('onReady', () => jobs.start())
  app.addHook('onClose', () => jobs.stop())
  callRoutes(app, deps, { files, recordingMaxBytes: deps.recordingMaxBytes })
  chatRoutes(app, deps, { files, attachmentMaxBytes: deps.attachmentMaxBytes })
  publicFileRoutes(app, deps, { files })
  chatLifecycleRoutes(app, deps)
  templateRoutes(app, deps)
  writeFirstRoutes(app, deps)
  adminChannelRoutes(app, deps)
  adminSetupRoutes(app, deps)
  internalSipRoutes(app, deps)
  callSettingsRoutes(app, deps)
  adminSipRoutes(app, deps)
  siteRoutes(app, deps)
  trackingRoutes(app, deps, { limits: deps.trackLimits })
  leadRoutes(app, deps)
  missedRoutes(app, deps)
  scheduledRoutes(app, deps)
  crmRoutes(app, deps)
  pushRoutes(app, deps)
  callWakeJobs(app, deps)
  adminAuditRoutes(app, deps)
  adminEmployeeRoutes(app, deps)
  supervisorRoutes(app, deps)
  contactImportRoutes(app, deps)
  crmContactRoutes(app, deps)
  internalTenantRoutes(app, deps)
  testHookRoutes(app, deps)
  await channelRoutes(app, deps, { files, visitorLimits: deps.visitorLimits, email: deps.email })
  wsRoutes(app, deps)
  await staticRoutes(app, deps)
  return app
}
