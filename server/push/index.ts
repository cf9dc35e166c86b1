/**
 * Web Push (SPEC N1): the door. `sendPush` pushes a typed payload (contract/push.ts) to employees'
 * devices — the spine's listeners here use it for chats, leads, transfer offers and missed calls, and
 * the call wake-up for incoming calls. `pushRoutes` registers the routes, the retry job and the
 * listeners, and makes sure the VAPID keys exist at start.
 */
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../http/context.ts'
import { pushHttpRoutes } from './http.ts'
import { pushListeners } from './listeners.ts'
import { closeSender, PUSH_RETRY_JOB, retryPush } from './send.ts'
import { vapidKeys } from './vapid.ts'

export { pushOptionsFromEnv } from './config.ts'
export { endpointProblem, isPrivateAddress } from './endpoint.ts'
export { PUSH_EVENT_JOB, pushPlan } from './listeners.ts'
export { pushSubscriptions } from './schema.ts'
export {
  DEFAULT_SUBJECT,
  encodePayload,
  PUSH_RETRY_JOB,
  type PushDeps,
  type PushOptions,
  type SendOptions,
  type SendReport,
  sendPush,
  topicOf,
  type Urgency,
} from './send.ts'
export { subscriptionsOf } from './subscriptions.ts'
export {
  type Candidate,
  deliveryOf,
  type Plan,
  payloadOf,
  planOf,
  recipients,
  statusTakes,
} from './targets.ts'
export { vapidKeys } from './vapid.ts'

/** Registers the push routes, the retry job and (with the spine) the listeners. */
export function pushRoutes(app: FastifyInstance, deps: AppDeps): void {
  pushHttpRoutes(app, deps)
  pushListeners(app, deps)
  app.jobs.handle(PUSH_RETRY_JOB, (job) => retryPush(deps, job.tenantId ?? '', job.payload))
  // The keys exist from the first start on (not at the first subscription: every instance agrees).
  app.addHook('onReady', async () => {
    await vapidKeys(deps.db.orm)
  })
  app.addHook('onClose', async () => closeSender(deps.db))
}
