/**
 * Messengers and SMS (issue 8 §3, SPEC T1): one adapter per provider on a shared core (core.ts) —
 * WhatsApp Cloud API, Viber REST bot API, Messenger Platform, VK Callback API, Avito Messenger API —
 * and the Frontline gateway protocol (frontline.ts) for Telegram personal accounts, Auto.ru and SMS.
 * Webhooks in at /api/hooks/<provider>/:key; out through the delivery job (../external.ts).
 */
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../http/context.ts'
import type { ExternalAdapter } from '../external.ts'
import { avitoAdapter, avitoRoutes } from './avito.ts'
import { type GatewayContext, webhookScope } from './core.ts'
import { frontlineAdapters, frontlineRoutes } from './frontline.ts'
import { createGroupCommit, type GroupCommitOptions } from './group-commit.ts'
import { createInboundQueue, type InboundQueue, type InboundQueueOptions } from './ingest.ts'
import { messengerAdapter, messengerRoutes } from './messenger.ts'
import { createReplayBatch } from './replay-batch.ts'
import { viberAdapter, viberRoutes } from './viber.ts'
import { vkAdapter, vkRoutes } from './vk.ts'
import { whatsappAdapter, whatsappRoutes } from './whatsapp.ts'

export { frontlineHeaders, frontlineSignature, REPLAY_WINDOW_S } from './frontline.ts'
export { vkRandomId } from './vk.ts'

/** The senders of every messenger and gateway kind. */
export const GATEWAY_ADAPTERS: readonly ExternalAdapter[] = [
  whatsappAdapter,
  viberAdapter,
  messengerAdapter,
  vkAdapter,
  avitoAdapter,
  ...frontlineAdapters,
]

declare module 'fastify' {
  interface FastifyInstance {
    /** The gateway's inbound queue (ingest.ts): webhooks queue, its worker stores; tests `drain()` it. */
    ingest: InboundQueue
  }
}

/** Registers every provider's webhook routes and the inbound queue's worker that stores what they take in. */
export function gatewayRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  base: GatewayContext,
  queue: InboundQueueOptions = {},
  groupCommit: GroupCommitOptions = {},
): void {
  const inbound = createInboundQueue(base.db, {
    onError: (err) => app.log.warn({ err }, 'gateway ingest: a batch was stored one by one'),
    ...queue,
  })
  app.decorate('ingest', inbound)
  app.addHook('onReady', () => inbound.start())
  app.addHook('onClose', () => inbound.stop())
  const stage1 = createGroupCommit(() => base.db.orm, groupCommit)
  const replays = createReplayBatch(() => base.db.orm)
  const ctx: GatewayContext = {
    ...base,
    inbound,
    stage1,
    replays,
    onError: (err) => app.log.error({ err }, 'gateway: a client file could not be kept (stored with a note)'),
  }
  webhookScope(app, deps, (r) => {
    for (const routes of [
      whatsappRoutes,
      viberRoutes,
      messengerRoutes,
      vkRoutes,
      avitoRoutes,
      frontlineRoutes,
    ])
      routes(r, ctx)
  })
}
