/**
 * The push routes (SPEC N1): the VAPID public key for `pushManager.subscribe`, and this device's
 * subscription — registered after the notification permission and re-checked at every start of the
 * app (POST again: it refreshes `last_seen_at` and moves the endpoint to the signed-in account), and
 * removed at logout or when the user turns notifications off.
 */
import type { FastifyInstance } from 'fastify'
import {
  PushSubscriptionSchema,
  type PushSubscriptionView,
  PushUnsubscribeSchema,
  type VapidKeyResponse,
} from '../../contract/push.ts'
import { isStorableText } from '../../contract/text.ts'
import { AppError } from '../errors.ts'
import { type AppDeps, validate } from '../http/context.ts'
import { registerScope } from '../http/scope.ts'
import { endpointProblem } from './endpoint.ts'
import { keysProblem } from './keys.ts'
import { deleteSubscription, saveSubscription, viewOf } from './subscriptions.ts'
import { vapidKeys } from './vapid.ts'

export function pushHttpRoutes(app: FastifyInstance, deps: AppDeps): void {
  const db = () => deps.db.orm
  registerScope(app, deps, { auth: 'employee' }, (r) => {
    r.get('/api/push/vapid-key', async (): Promise<VapidKeyResponse> => {
      const k = await vapidKeys(db())
      return { publicKey: k.publicKey }
    })
    r.post('/api/push/subscriptions', async (req, who): Promise<PushSubscriptionView> => {
      const body = validate(PushSubscriptionSchema, req.body)
      const bad = keysProblem(body.keys.p256dh, body.keys.auth)
      if (bad) throw new AppError('E_VALIDATION', [bad])
      const where = endpointProblem(body.endpoint, deps.push?.allowPrivate ?? false)
      if (where) throw new AppError('E_PUSH_ENDPOINT', [where])
      const ua = String(req.headers['user-agent'] ?? '')
      const row = await saveSubscription(db(), who.tenantId, who.employeeId, {
        endpoint: body.endpoint,
        p256dh: body.keys.p256dh,
        auth: body.keys.auth,
        // Shown in Settings to tell devices apart; cut, and only what PostgreSQL can hold.
        userAgent: Array.from(ua)
          .filter((c) => (c.codePointAt(0) ?? 0) >= 0x20 && isStorableText(c))
          .slice(0, 400)
          .join(''),
      })
      return viewOf(row)
    })
    r.delete('/api/push/subscriptions', async (req, who, reply) => {
      const body = validate(PushUnsubscribeSchema, req.body)
      await deleteSubscription(db(), who.tenantId, who.employeeId, body.endpoint)
      return reply.code(204).send()
    })
  })
}
