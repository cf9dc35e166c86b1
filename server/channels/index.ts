/**
 * Channels (SPEC T1): how clients' messages come in and operators' go out, one adapter per channel
 * (adapter.ts). Website chat is the first; the door wires it into the app.
 */
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { schema } from '../db/index.ts'
import type { FileStore } from '../files/index.ts'
import { publicLinks } from '../files/public-links.ts'
import type { AppDeps } from '../http/context.ts'
import { type EmailOptions, emailChannel } from './email/index.ts'
import { type ExternalAdapter, startExternalDelivery } from './external.ts'
import { GATEWAY_ADAPTERS, gatewayRoutes } from './gateway/index.ts'
import { OutboundDispatcher } from './outbound.ts'
import { telegramBotAdapter, telegramRoutes } from './telegram/index.ts'
import { type VisitorLimits, webchatRoutes } from './webchat/http.ts'
import { WebchatAdapter } from './webchat/sockets.ts'
import { visitorWsRoutes } from './webchat/ws.ts'

export { type ChannelAdapter, capabilitiesOf, type Outbound } from './adapter.ts'
export {
  announceConnected,
  announceDisconnected,
  CONNECT_HOOKS,
  type ConnectContext,
  type ConnectHook,
  DISCONNECT_HOOKS,
} from './connect.ts'
export { connectedChannel } from './connected.ts'
export { type EmailOptions, SMTP_MAX_BYTES } from './email/index.ts'
export {
  type ExternalAdapter,
  ReadableFailure,
  type SendContext,
  type Sent,
  startExternalDelivery,
} from './external.ts'
export { OutboundDispatcher } from './outbound.ts'
export { connectDemoTelegramBot, connectTelegramBot, disconnectTelegramBot } from './telegram/index.ts'
export { signVisitorToken, VISITOR_TOKEN_TTL_S, verifyVisitorToken } from './visitor-token.ts'
export { createVisitor, requestInfoOf, visitorByToken } from './visitors.ts'
export { VISITOR_LIMITS, type VisitorLimits } from './webchat/http.ts'
export { WebchatAdapter } from './webchat/sockets.ts'
export {
  type ChannelRow,
  channelByWebhookKey,
  hmacHex,
  keepRawJson,
  parseJson,
  sameSecret,
} from './webhooks.ts'

/** Registers the channels' routes and their outbound delivery (started with the app, stopped with it). */
export async function channelRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  opts: {
    files: FileStore
    visitorLimits?: Partial<VisitorLimits> | undefined
    maxBytes?: number | undefined
    /** The e-mail channel's inbound SMTP server and default relay (issue 8 §1). */
    email?: EmailOptions | undefined
  },
): Promise<{ webchat: WebchatAdapter }> {
  const webchat = new WebchatAdapter()
  const onError = (e: unknown) => app.log.error({ err: e }, 'channels: outbound delivery failed')
  const dispatcher = new OutboundDispatcher(async (tenantId, chatId) => {
    const [row] = await deps.db.orm
      .select({ channel: schema.chats.channel })
      .from(schema.chats)
      .where(and(eq(schema.chats.tenantId, tenantId), eq(schema.chats.id, chatId)))
    return row?.channel ?? null
  }, onError)
  dispatcher.register(webchat)
  // Outbound delivery is a listener of the event spine (server/events/spine.ts): after commit, once
  // per event, each tenant's in seq order, on every instance.
  const off = deps.hub.spine.on((event, tenantId) => dispatcher.handle(tenantId, event))
  app.addHook('onClose', async () => off())
  // External channels: each kind's sender runs the durable delivery job (external.ts); each kind's
  // webhook routes take its provider's calls in. One line per channel kind below.
  const external: ExternalAdapter[] = []
  external.push(emailChannel(app, deps.db, opts.files, opts.email))
  external.push(telegramBotAdapter)
  telegramRoutes(app, deps, { files: opts.files })
  external.push(...GATEWAY_ADAPTERS)
  const links = publicLinks(deps.secrets.internalSecret)
  startExternalDelivery(app.jobs, { db: deps.db, files: opts.files, publicLinks: links }, external)
  gatewayRoutes(app, deps, { db: deps.db, files: opts.files })
  await webchatRoutes(app, deps, {
    files: opts.files,
    limits: opts.visitorLimits,
    maxBytes: opts.maxBytes,
    socket: (scope) => visitorWsRoutes(scope, deps, webchat),
  })
  return { webchat }
}
