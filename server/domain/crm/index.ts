/**
 * The CRM hand-off (SPEC T13): on a chat's completion and on demand ("Send to CRM", as the Ringostat
 * article has) the chat — client, channel, operator, request info, transcript — is POSTed as JSON to
 * the tenant's webhook, signed:
 *
 *   X-Frontline-Timestamp: <unix seconds>
 *   X-Frontline-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
 *   X-Frontline-Delivery:  <delivery id>   (the same on every retry: the CRM dedupes on it)
 *
 * Each delivery is a durable job (enqueue.ts): retried with backoff on a network error, 408, 429 or
 * 5xx; any other 4xx fails it at once. The body is fixed at the first attempt, so every retry sends
 * the same JSON. A delivery already delivered is never posted again (at-least-once jobs).
 */
import { createHmac, randomBytes } from 'node:crypto'
import { and, asc, eq } from 'drizzle-orm'
import type { CrmPayload, CrmWebhookView } from '../../../contract/leads.ts'
import { type Queryable, schema } from '../../db/index.ts'
import { crmDeliveries, crmWebhooks } from '../../db/schema-leads.ts'
import { AppError } from '../../errors.ts'
import { providerFetch } from '../../net/provider-fetch.ts'
import { getChat, type Viewer } from '../chats/index.ts'
import { enqueueCrmDelivery } from './enqueue.ts'

export { CRM_JOB, CRM_MAX_ATTEMPTS, enqueueCrmDelivery } from './enqueue.ts'

const { channels, chats, employees, files, messages, tenants } = schema

/** The webhook's URL (never its secret: that is shown once, when set). */
export async function getCrmWebhook(q: Queryable, tenantId: string): Promise<CrmWebhookView> {
  const [row] = await q
    .select({ url: crmWebhooks.url })
    .from(crmWebhooks)
    .where(eq(crmWebhooks.tenantId, tenantId))
  return { url: row?.url ?? null }
}

/**
 * Sets the webhook's URL. The signing key the CRM already holds is kept (probe 13 UI #7: fixing a typo
 * in the URL must not kill it); a key is issued — and returned this once — only for a new webhook.
 */
export async function setCrmWebhook(q: Queryable, tenantId: string, url: string): Promise<CrmWebhookView> {
  const updated = await q
    .update(crmWebhooks)
    .set({ url, updatedAt: new Date() })
    .where(eq(crmWebhooks.tenantId, tenantId))
    .returning({ url: crmWebhooks.url })
  if (updated.length > 0) return { url }
  const secret = randomBytes(32).toString('base64url')
  const inserted = await q
    .insert(crmWebhooks)
    .values({ tenantId, url, secret })
    .onConflictDoNothing({ target: crmWebhooks.tenantId })
    .returning({ url: crmWebhooks.url })
  if (inserted.length > 0) return { url, secret }
  // Another save created it meanwhile: its key stands, this one takes the URL.
  await q.update(crmWebhooks).set({ url, updatedAt: new Date() }).where(eq(crmWebhooks.tenantId, tenantId))
  return { url }
}

/** A new signing key for the webhook (the old one stops at once), returned this once; E_CRM_NOT_SET without one. */
export async function newCrmWebhookSecret(q: Queryable, tenantId: string): Promise<Required<CrmWebhookView>> {
  const secret = randomBytes(32).toString('base64url')
  const [row] = await q
    .update(crmWebhooks)
    .set({ secret, updatedAt: new Date() })
    .where(eq(crmWebhooks.tenantId, tenantId))
    .returning({ url: crmWebhooks.url })
  if (!row) throw new AppError('E_CRM_NOT_SET')
  return { url: row.url, secret }
}

/** Removes the webhook: nothing more is queued (queued deliveries fail when they run). */
export async function deleteCrmWebhook(q: Queryable, tenantId: string): Promise<void> {
  await q.delete(crmWebhooks).where(eq(crmWebhooks.tenantId, tenantId))
}

/** "Send to CRM" from a chat the viewer may see; E_CRM_NOT_SET without a webhook. */
export async function sendChatToCrm(q: Queryable, v: Viewer, chatId: string): Promise<string> {
  await getChat(q, v, chatId)
  const id = await q.transaction((tx) =>
    enqueueCrmDelivery(tx, v.tenantId, chatId, 'chat.sent', v.employeeId),
  )
  if (!id) throw new AppError('E_CRM_NOT_SET')
  return id
}

/** `sha256=<hex>` over `<timestamp>.<body>` (what the CRM recomputes to check a delivery). */
export function crmSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/** The chat as the CRM receives it. */
export async function crmPayload(
  q: Queryable,
  tenantId: string,
  chatId: string,
  delivery: { id: string; event: CrmPayload['event'] },
): Promise<CrmPayload | null> {
  const [row] = await q
    .select({ chat: chats, tenant: tenants, channel: channels, operatorName: employees.name })
    .from(chats)
    .innerJoin(tenants, eq(tenants.id, chats.tenantId))
    .leftJoin(channels, and(eq(channels.tenantId, chats.tenantId), eq(channels.id, chats.channelId)))
    .leftJoin(employees, and(eq(employees.tenantId, chats.tenantId), eq(employees.id, chats.assigneeId)))
    .where(and(eq(chats.tenantId, tenantId), eq(chats.id, chatId)))
  if (!row) return null
  const { chat, tenant, channel } = row
  const lines = await q
    .select({ m: messages, authorName: employees.name, file: files })
    .from(messages)
    .leftJoin(employees, and(eq(employees.tenantId, messages.tenantId), eq(employees.id, messages.authorId)))
    .leftJoin(files, and(eq(files.tenantId, messages.tenantId), eq(files.id, messages.fileId)))
    .where(and(eq(messages.tenantId, tenantId), eq(messages.chatId, chatId)))
    .orderBy(asc(messages.n))
  return {
    deliveryId: delivery.id,
    event: delivery.event,
    sentAt: new Date().toISOString(),
    tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug },
    chat: {
      id: chat.id,
      state: chat.state,
      createdAt: chat.createdAt.toISOString(),
      completedAt: chat.completedAt?.toISOString() ?? null,
      client: {
        name: chat.clientName,
        phone: chat.clientPhone,
        email: chat.clientEmail,
        address: chat.clientAddress,
      },
      channel: {
        kind: chat.channel,
        id: channel?.id ?? null,
        name: channel?.name ?? null,
        address: channel?.address ?? null,
      },
      operator: chat.assigneeId ? { id: chat.assigneeId, name: row.operatorName ?? '' } : null,
      requestInfo: chat.requestInfo ?? null,
      transcript: lines.map(({ m, authorName, file }) => ({
        n: m.n,
        at: m.at.toISOString(),
        author: m.author,
        authorName: m.author === 'client' ? chat.clientName : (authorName ?? null),
        kind: m.kind,
        text: m.text,
        file: file ? { name: file.name, type: file.type, size: file.size } : null,
      })),
    },
  }
}

export interface CrmPostOptions {
  fetch?: typeof fetch
  /** Per attempt (default 10 s). */
  timeoutMs?: number
}

/** What one attempt came to, for the job runner (server/http/crm.ts maps it to retry or fail). */
export type CrmAttempt =
  | { outcome: 'done' }
  | { outcome: 'retry'; reason: string; retryAfterMs?: number }
  | { outcome: 'failed'; reason: string }

const RETRYABLE = new Set([408, 429])

/**
 * One attempt of a delivery (the job's body): fixes the body at the first attempt, signs it, POSTs
 * it, records the answer. `lastAttempt`: a retryable answer on it fails the delivery.
 */
export async function attemptCrmDelivery(
  q: Queryable,
  tenantId: string,
  deliveryId: string,
  lastAttempt: boolean,
  opts: CrmPostOptions = {},
): Promise<CrmAttempt> {
  const where = and(eq(crmDeliveries.tenantId, tenantId), eq(crmDeliveries.id, deliveryId))
  const [d] = await q.select().from(crmDeliveries).where(where)
  if (d?.state !== 'pending') return { outcome: 'done' }
  const [hook] = await q.select().from(crmWebhooks).where(eq(crmWebhooks.tenantId, tenantId))
  const fail = async (reason: string, status: number | null = null): Promise<CrmAttempt> => {
    await q
      .update(crmDeliveries)
      .set({ state: 'failed', lastError: reason, lastStatus: status, attempts: d.attempts + 1 })
      .where(where)
    return { outcome: 'failed', reason }
  }
  if (!hook) return fail('no webhook')
  let body = d.body
  if (body === null) {
    const payload = await crmPayload(q, tenantId, d.chatId, { id: d.id, event: d.event })
    if (!payload) return fail('chat gone')
    body = JSON.stringify(payload)
    // The first attempt fixes it; a concurrent first attempt (a lease run out) keeps whichever won.
    await q
      .update(crmDeliveries)
      .set({ body })
      .where(and(where, eq(crmDeliveries.state, 'pending')))
    const [again] = await q.select({ body: crmDeliveries.body }).from(crmDeliveries).where(where)
    body = again?.body ?? body
  }
  const timestamp = String(Math.floor(Date.now() / 1000))
  let status: number | null = null
  let reason: string
  let retryAfterMs: number | undefined
  try {
    // Probe 13 #3: the tenant typed this address — sent like a provider request (server/net): no
    // private host as typed or as resolved at connect time, unless PROVIDER_ALLOW_PRIVATE=1.
    const res = await (opts.fetch ?? providerFetch)(hook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Frontline-CRM-Webhook/1',
        'x-frontline-delivery': d.id,
        'x-frontline-event': d.event,
        'x-frontline-timestamp': timestamp,
        'x-frontline-signature': crmSignature(hook.secret, timestamp, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    })
    status = res.status
    await res.body?.cancel().catch(() => {})
    if (status >= 200 && status < 300) {
      await q
        .update(crmDeliveries)
        .set({
          state: 'delivered',
          deliveredAt: new Date(),
          lastStatus: status,
          lastError: null,
          attempts: d.attempts + 1,
        })
        .where(where)
      return { outcome: 'done' }
    }
    reason = `HTTP ${status}`
    if (!(status >= 500 || RETRYABLE.has(status))) return fail(reason, status)
    const after = Number(res.headers.get('retry-after'))
    if (Number.isFinite(after) && after > 0) retryAfterMs = Math.min(after, 3600) * 1000
  } catch (e) {
    reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
    // A private address is refused the same way on every retry: the delivery fails at once.
    if ((e as NodeJS.ErrnoException | null)?.code === 'EPRIVATE') return fail(reason.slice(0, 500))
  }
  if (lastAttempt) return fail(reason, status)
  await q
    .update(crmDeliveries)
    .set({ lastStatus: status, lastError: reason.slice(0, 500), attempts: d.attempts + 1 })
    .where(where)
  return retryAfterMs === undefined
    ? { outcome: 'retry', reason }
    : { outcome: 'retry', reason, retryAfterMs }
}
