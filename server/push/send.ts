/**
 * Sending Web Push (SPEC N1): the typed payload, encrypted aes128gcm (RFC 8291) and signed with the
 * server's VAPID key (RFC 8292) by the `web-push` package, POSTed to each of the employees'
 * subscriptions at once. A push service that answers 404/410 has dropped the subscription: so do we.
 * A transient failure (network, 429, 5xx) is retried by a durable job (PUSH_RETRY_JOB) until the
 * push's TTL runs out — a late call push is worse than none. Other refusals (400, 403, 413) are final.
 */
import { createHash, randomUUID } from 'node:crypto'
import type https from 'node:https'
import webpush from 'web-push'
import { PUSH_PLAINTEXT_MAX, type PushPayload, pushTag } from '../../contract/push.ts'
import { type Db, enqueueJob } from '../db/index.ts'
import { AppError } from '../errors.ts'
import { RetryAt } from '../jobs/index.ts'
import { pushAgent } from './endpoint.ts'
import type { PushSubscriptionRow } from './schema.ts'
import { dropSubscription, subscriptionById, subscriptionsOf } from './subscriptions.ts'
import { type VapidKeys, vapidKeys } from './vapid.ts'

/** How the server reaches push services (AppDeps.push; env in main.ts). */
export interface PushOptions {
  /**
   * Allow endpoints on loopback and private networks (the push-service stand-in of tests and
   * development). Off in production: a subscription is a URL a browser chose (SSRF).
   */
  allowPrivate?: boolean
  /** A PEM certificate to trust (the stand-in's self-signed one); absent: the system's roots. */
  ca?: string
  /** The VAPID `sub` claim: a mailto: or https: contact for push services (RFC 8292 §2.1). */
  subject?: string
  /** Per request (default 10 s). */
  timeoutMs?: number
}

export interface PushDeps {
  db: Db
  push?: PushOptions | undefined
}

export type Urgency = 'very-low' | 'low' | 'normal' | 'high'

export interface SendOptions {
  urgency?: Urgency
  /** Seconds the push service keeps it for an offline device (calls: no longer than the ring time). */
  ttl: number
  /** Replaces an undelivered push of the same topic at the push service (default: from the tag). */
  topic?: string
}

export interface SendReport {
  /** Subscriptions the employees had. */
  subscriptions: number
  sent: number
  /** Gone at the push service (404/410): deleted. */
  removed: number
  /** Failed for now: a retry job holds them. */
  retrying: number
  /** Refused for good. */
  failed: number
}

/** The durable retry of one push to one subscription. */
export const PUSH_RETRY_JOB = 'push.retry'

export const DEFAULT_SUBJECT = 'mailto:admin@frontline.invalid'

/** A topic (≤ 32 base64url characters, RFC 8030 §5.4) for a tag. */
export function topicOf(tag: string): string {
  return createHash('sha256').update(tag).digest('base64url').slice(0, 32)
}

/** The JSON that goes out; E_PUSH_TOO_LARGE when it would not fit a push record. */
export function encodePayload(p: PushPayload): string {
  const body = JSON.stringify(p)
  if (Buffer.byteLength(body) > PUSH_PLAINTEXT_MAX) throw new AppError('E_PUSH_TOO_LARGE')
  return body
}

interface Sender {
  agent: https.Agent
  keys: Promise<VapidKeys>
}
/** Per database, per way of reaching push services (allowPrivate, ca): its agent and the keys. */
const senders = new WeakMap<Db, Map<string, Sender>>()

function senderOf(deps: PushDeps): Sender {
  let byOptions = senders.get(deps.db)
  if (!byOptions) {
    byOptions = new Map()
    senders.set(deps.db, byOptions)
  }
  const allowPrivate = deps.push?.allowPrivate ?? false
  const ca = deps.push?.ca
  const id = `${allowPrivate}\n${ca ?? ''}`
  let s = byOptions.get(id)
  if (!s) {
    const keys = vapidKeys(deps.db.orm)
    const own = byOptions
    // Not cached when it fails: the next push tries again.
    keys.catch(() => own.delete(id))
    s = { agent: pushAgent({ allowPrivate, ca }), keys }
    byOptions.set(id, s)
  }
  return s
}

/** Drops the cached agents of a database (shutdown, tests that close it). */
export function closeSender(db: Db): void {
  for (const s of senders.get(db)?.values() ?? []) s.agent.destroy()
  senders.delete(db)
}

type Outcome = 'sent' | 'gone' | { retryAt: Date } | 'failed'

async function deliver(
  deps: PushDeps,
  sub: Pick<PushSubscriptionRow, 'endpoint' | 'p256dh' | 'auth'>,
  body: string,
  o: Required<Pick<SendOptions, 'ttl' | 'urgency' | 'topic'>>,
): Promise<Outcome> {
  const s = senderOf(deps)
  const keys = await s.keys
  try {
    await webpush.sendNotification(
      { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
      body,
      {
        TTL: o.ttl,
        urgency: o.urgency,
        topic: o.topic,
        contentEncoding: 'aes128gcm',
        vapidDetails: {
          subject: deps.push?.subject ?? DEFAULT_SUBJECT,
          publicKey: keys.publicKey,
          privateKey: keys.privateKey,
        },
        agent: s.agent,
        timeout: deps.push?.timeoutMs ?? 10_000,
      },
    )
    return 'sent'
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode
    if (status === 404 || status === 410) return 'gone'
    if (status === undefined || status === 429 || status >= 500) {
      const after = Number((e as { headers?: Record<string, string> }).headers?.['retry-after'])
      return { retryAt: new Date(Date.now() + (Number.isFinite(after) && after > 0 ? after * 1000 : 2000)) }
    }
    return 'failed'
  }
}

/**
 * Pushes `payload` to every subscription of `employeeIds` in the tenant. Resolves when each has been
 * sent, removed or handed to the retry job; throws E_PUSH_TOO_LARGE before sending anything when the
 * payload would not fit.
 */
export async function sendPush(
  deps: PushDeps,
  tenantId: string,
  employeeIds: readonly string[],
  payload: PushPayload,
  opts: SendOptions,
): Promise<SendReport> {
  const body = encodePayload(payload)
  const o = {
    ttl: Math.max(0, Math.floor(opts.ttl)),
    urgency: opts.urgency ?? 'normal',
    topic: opts.topic ?? topicOf(pushTag(payload)),
  }
  const subs = await subscriptionsOf(deps.db.orm, tenantId, [...new Set(employeeIds)])
  const report: SendReport = { subscriptions: subs.length, sent: 0, removed: 0, retrying: 0, failed: 0 }
  const expiresAt = Date.now() + o.ttl * 1000
  await Promise.all(
    subs.map(async (sub) => {
      const out = await deliver(deps, sub, body, o)
      if (out === 'sent') report.sent++
      else if (out === 'gone') {
        await dropSubscription(deps.db.orm, sub.id)
        report.removed++
      } else if (out === 'failed') report.failed++
      else if (out.retryAt.getTime() < expiresAt) {
        await enqueueJob(deps.db.orm, {
          kind: PUSH_RETRY_JOB,
          key: `${sub.id}:${randomUUID()}`,
          tenantId,
          payload: { subscriptionId: sub.id, body, ...o, expiresAt },
          runAt: out.retryAt,
          maxAttempts: 6,
        })
        report.retrying++
      } else report.failed++
    }),
  )
  return report
}

/** The retry job's handler: one subscription, the same body, until the TTL runs out. */
export async function retryPush(deps: PushDeps, payload: Record<string, unknown>): Promise<void> {
  const expiresAt = Number(payload.expiresAt)
  if (!(expiresAt > Date.now())) return
  const sub = await subscriptionById(deps.db.orm, String(payload.subscriptionId))
  if (!sub) return
  const ttl = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000))
  const out = await deliver(deps, sub, String(payload.body), {
    ttl,
    urgency: (payload.urgency as Urgency) ?? 'normal',
    topic: String(payload.topic),
  })
  if (out === 'gone') await dropSubscription(deps.db.orm, sub.id)
  else if (out !== 'sent' && out !== 'failed') {
    if (out.retryAt.getTime() >= expiresAt) return
    throw new RetryAt(out.retryAt, 'push service unavailable')
  }
}
