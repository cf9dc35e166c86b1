/**
 * Sending Web Push (SPEC N1): the typed payload, encrypted aes128gcm (RFC 8291) and signed with the
 * server's VAPID key (RFC 8292) by the `web-push` package, POSTed to each of the employees'
 * subscriptions, SEND_CONCURRENCY at a time. A push service that answers 404/410 has dropped the
 * subscription: so do we. A transient failure (network, 429, 5xx) is retried by one durable job per
 * push (PUSH_RETRY_JOB, all its failed subscriptions) for at most RETRY_ROUNDS rounds and never past
 * the TTL — a late call push is worse than none. Other refusals (400, 403, 413) are final for the push.
 * A subscription failing MAX_FAILURES times in a row over a day is dropped.
 */
import { createHash, randomUUID } from 'node:crypto'
import type https from 'node:https'
import webpush from 'web-push'
import { PUSH_PLAINTEXT_MAX, type PushPayload, pushTag } from '../../contract/push.ts'
import { type Db, enqueueJob } from '../db/index.ts'
import { AppError } from '../errors.ts'
import { endpointProblem, pushAgent } from './endpoint.ts'
import { keysProblem } from './keys.ts'
import type { PushSubscriptionRow } from './schema.ts'
import {
  dropSubscription,
  markDelivered,
  markFailed,
  subscriptionById,
  subscriptionsOf,
} from './subscriptions.ts'
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

/** Requests one sendPush (or one retry round) has in flight at once. */
export const SEND_CONCURRENCY = 8
/** Retry rounds of one push after its first try (one job per push, not per subscription). */
export const RETRY_ROUNDS = 4

async function deliver(
  deps: PushDeps,
  sub: Pick<PushSubscriptionRow, 'endpoint' | 'p256dh' | 'auth'>,
  body: string,
  o: Required<Pick<SendOptions, 'ttl' | 'urgency' | 'topic'>>,
): Promise<Outcome> {
  // Node never resolves an IP literal (the agent's lookup is not called): check the stored URL again.
  if (!deps.push?.allowPrivate && endpointProblem(sub.endpoint, false)) return 'gone'
  // Keys that do not encrypt never will (rows from before the subscribe-time check).
  if (keysProblem(sub.p256dh, sub.auth)) return 'gone'
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
    const code = (e as { code?: string }).code
    if (status === 404 || status === 410) return 'gone'
    // Resolves to a private address: never works.
    if (code === 'EPRIVATE') return 'gone'
    if (status === undefined || status === 429 || status >= 500) {
      const after = Number((e as { headers?: Record<string, string> }).headers?.['retry-after'])
      return { retryAt: new Date(Date.now() + (Number.isFinite(after) && after > 0 ? after * 1000 : 2000)) }
    }
    return 'failed'
  }
}

/** Runs `fn` over `items` with at most `limit` at once. */
async function pool<T>(items: readonly T[], limit: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const x = items[next++] as T
      await fn(x)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

type Delivery = Required<Pick<SendOptions, 'ttl' | 'urgency' | 'topic'>>

/**
 * One round: each subscription at most SEND_CONCURRENCY at a time; the gone are dropped, the
 * failing counted (markFailed drops one that keeps failing), and those to retry returned.
 */
async function round(
  deps: PushDeps,
  subs: readonly PushSubscriptionRow[],
  body: string,
  o: Delivery,
  report: SendReport,
): Promise<{ ids: string[]; at: number }> {
  const retry: string[] = []
  let at = 0
  await pool(subs, SEND_CONCURRENCY, async (sub) => {
    const out = await deliver(deps, sub, body, o)
    if (out === 'sent') {
      report.sent++
      if (sub.failures > 0) await markDelivered(deps.db.orm, sub.id)
    } else if (out === 'gone') {
      await dropSubscription(deps.db.orm, sub.id)
      report.removed++
    } else if (out === 'failed') {
      if (await markFailed(deps.db.orm, sub.id)) report.removed++
      else report.failed++
    } else {
      if (await markFailed(deps.db.orm, sub.id)) report.removed++
      else {
        retry.push(sub.id)
        at = Math.max(at, out.retryAt.getTime())
      }
    }
  })
  return { ids: retry, at }
}

async function queueRetry(
  deps: PushDeps,
  tenantId: string,
  ids: readonly string[],
  at: number,
  body: string,
  o: Delivery,
  expiresAt: number,
  attempt: number,
): Promise<number> {
  if (!ids.length || attempt > RETRY_ROUNDS || at >= expiresAt) return 0
  await enqueueJob(deps.db.orm, {
    kind: PUSH_RETRY_JOB,
    key: `${tenantId}:${o.topic}:${randomUUID()}`,
    tenantId,
    payload: { subscriptionIds: [...ids], body, ...o, expiresAt, attempt },
    runAt: new Date(at),
    maxAttempts: 1,
  })
  return ids.length
}

/**
 * Pushes `payload` to every subscription of `employeeIds` in the tenant, SEND_CONCURRENCY at a time.
 * Resolves when each has been sent, removed or handed to the push's one retry job; throws
 * E_PUSH_TOO_LARGE before sending anything when the payload would not fit.
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
  const again = await round(deps, subs, body, o, report)
  report.retrying = await queueRetry(deps, tenantId, again.ids, again.at, body, o, expiresAt, 1)
  report.failed += again.ids.length - report.retrying
  return report
}

/**
 * The retry job's handler: one push's failed subscriptions, the same body; what fails again goes to
 * the next round's job, at most RETRY_ROUNDS rounds and never past the TTL.
 */
export async function retryPush(
  deps: PushDeps,
  tenantId: string,
  payload: Record<string, unknown>,
): Promise<void> {
  const expiresAt = Number(payload.expiresAt)
  if (!(expiresAt > Date.now())) return
  const ids = Array.isArray(payload.subscriptionIds)
    ? payload.subscriptionIds.map(String)
    : payload.subscriptionId
      ? [String(payload.subscriptionId)]
      : []
  const subs = (await Promise.all(ids.map((id) => subscriptionById(deps.db.orm, id)))).filter(
    (x): x is PushSubscriptionRow => x !== null && x.tenantId === tenantId,
  )
  const o: Delivery = {
    ttl: Math.max(0, Math.floor((expiresAt - Date.now()) / 1000)),
    urgency: (payload.urgency as Urgency) ?? 'normal',
    topic: String(payload.topic),
  }
  const report: SendReport = { subscriptions: subs.length, sent: 0, removed: 0, retrying: 0, failed: 0 }
  const again = await round(deps, subs, String(payload.body), o, report)
  const attempt = Number(payload.attempt) || RETRY_ROUNDS
  await queueRetry(deps, tenantId, again.ids, again.at, String(payload.body), o, expiresAt, attempt + 1)
}
