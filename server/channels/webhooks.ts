/**
 * What every provider webhook shares (issue 8): the channel is found by the unguessable key in the
 * path (`/api/hooks/<kind>/:key`, generated at connection), never by anything the body claims; the
 * body is kept raw so the adapter can check the provider's signature over the exact bytes; and a
 * signed, timestamped body is checked against a replay window.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import type { ChannelKind } from '../../contract/chats.ts'
import { type Queryable, schema } from '../db/index.ts'
import { AppError } from '../errors.ts'

const { channels } = schema
/** A webhook key's form (16–64 of A–Z a–z 0–9 _ -). */
export const WEBHOOK_KEY = /^[A-Za-z0-9_-]{16,64}$/

export type ChannelRow = typeof channels.$inferSelect

/** Whether the tenant is suspended (probe 10 #4: a suspended company takes nothing in). */
export async function tenantSuspended(q: Queryable, tenantId: string): Promise<boolean> {
  const [t] = await q
    .select({ at: schema.tenants.suspendedAt })
    .from(schema.tenants)
    .where(eq(schema.tenants.id, tenantId))
  return !!t?.at
}

/**
 * A provider's callback for a suspended company: 503 E_TENANT_SUSPENDED_RETRY with Retry-After (the
 * error handler adds it), so the provider keeps the message and delivers it after re-activation.
 */
export async function refuseIfSuspended(q: Queryable, tenantId: string): Promise<void> {
  if (await tenantSuspended(q, tenantId)) throw new AppError('E_TENANT_SUSPENDED_RETRY')
}

/** The connected channel of this kind whose webhook key this is; E_NOT_FOUND otherwise (no oracle). */
export async function channelByWebhookKey(
  q: Queryable,
  kind: ChannelKind,
  key: unknown,
): Promise<ChannelRow> {
  if (typeof key !== 'string' || !WEBHOOK_KEY.test(key)) throw new AppError('E_NOT_FOUND')
  const [c] = await q
    .select()
    .from(channels)
    .where(and(eq(channels.webhookKey, key), eq(channels.kind, kind), eq(channels.connected, true)))
  if (!c) throw new AppError('E_NOT_FOUND')
  await refuseIfSuspended(q, c.tenantId)
  return c
}

/** Constant-time comparison of two strings (a signature and the expected one). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Hex HMAC-SHA256 of a body with a key. */
export const hmacHex = (key: string, body: Buffer | string) =>
  createHmac('sha256', key).update(body).digest('hex')

/**
 * Makes JSON bodies of the routes registered in `scope` arrive as the raw Buffer (signatures are over
 * the bytes); `parseJson` then reads them. Register it inside the plugin that holds the webhook routes.
 */
export function keepRawJson(scope: FastifyInstance, bodyLimit = 1024 * 1024): void {
  scope.addContentTypeParser(
    ['application/json', 'application/x-www-form-urlencoded'],
    { parseAs: 'buffer', bodyLimit },
    (_req, body, done) => done(null, body),
  )
}

/** Parses a raw JSON body (a Buffer from `keepRawJson`); E_BAD_REQUEST when it is not JSON. */
export function parseJson(body: unknown): unknown {
  if (!Buffer.isBuffer(body)) throw new AppError('E_BAD_REQUEST')
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    throw new AppError('E_BAD_REQUEST')
  }
}
