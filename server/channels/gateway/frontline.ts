/**
 * The Frontline gateway protocol (ours; docs/gateway-protocol.md): for channels with no public API we
 * can speak — Telegram personal accounts, Auto.ru, SMS aggregators — a gateway of the tenant's choice
 * speaks this instead. Both directions are JSON signed the same way:
 *
 *   X-Frontline-Timestamp: <unix seconds>
 *   X-Frontline-Signature: sha256=<hex HMAC-SHA256(channel secret, timestamp + "." + raw body)>
 *
 * In: `POST /api/hooks/gateway/:key`, events `message` and `status`. A timestamp more than 5 minutes
 * away, or a signature already seen (kept in `webhook_replays` for the window), is E_REPLAYED.
 * Out: `POST config.url` with a `message` event; the gateway answers `{id}` (its id of the message,
 * which its `status` events name) and should treat our `id` as an idempotency key.
 */

import { and, eq, inArray, sql } from 'drizzle-orm'
import { GATEWAY_PROTOCOL_KINDS } from '../../../contract/channels.ts'
import type { ChannelKind, DeliveryState } from '../../../contract/chats.ts'
import { queryRows, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { PermanentFailure } from '../../jobs/index.ts'
import type { ExternalAdapter } from '../external.ts'
import { hmacHex, parseJson, refuseIfSuspended, sameSecret } from '../webhooks.ts'
import { cachedChannel } from './channel-cache.ts'
import {
  answerId,
  applyReceipts,
  callProvider,
  cfg,
  fileOf,
  type GatewayContext,
  type Incoming,
  idOf,
  inertName,
  inertText,
  ingest,
  type Payload,
  type Router,
  rawBody,
  recipientOf,
} from './core.ts'

/** The channel kinds that speak the gateway protocol (contract: their one webhook path and settings). */
export const GATEWAY_KINDS: readonly ChannelKind[] = GATEWAY_PROTOCOL_KINDS
/** How far a timestamp may be from our clock, and how long a seen signature is remembered. */
export const REPLAY_WINDOW_S = 5 * 60

/** The signature of a body at a timestamp (both directions). */
export const frontlineSignature = (secret: string, timestamp: string, raw: Buffer | string) =>
  `sha256=${hmacHex(secret, Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.isBuffer(raw) ? raw : Buffer.from(raw)]))}`

/** Headers of a signed call (the gateway checks ours the same way we check its). */
export function frontlineHeaders(secret: string, raw: string, now = Date.now()): Record<string, string> {
  const ts = String(Math.floor(now / 1000))
  return { 'x-frontline-timestamp': ts, 'x-frontline-signature': frontlineSignature(secret, ts, raw) }
}

const STATES: Record<string, DeliveryState> = {
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
  sent: 'sent',
}

const gatewayChannel = (ctx: GatewayContext, key: unknown) =>
  cachedChannel('gateway', key, () => lookUpGatewayChannel(ctx, key))

async function lookUpGatewayChannel(ctx: GatewayContext, key: unknown) {
  if (typeof key !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(key)) throw new AppError('E_NOT_FOUND')
  const [c] = await ctx.db.orm
    .select()
    .from(schema.channels)
    .where(
      and(
        eq(schema.channels.webhookKey, key),
        inArray(schema.channels.kind, [...GATEWAY_KINDS]),
        eq(schema.channels.connected, true),
      ),
    )
  if (!c) throw new AppError('E_NOT_FOUND')
  await refuseIfSuspended(ctx.db.orm, c.tenantId)
  return c
}

/**
 * Checks signature and window, then remembers the signature: E_BAD_SIGNATURE, or E_REPLAYED for a
 * stale timestamp or a signature seen before (one INSERT decides, so two copies at once: one wins).
 */
export async function checkFrontlineCall(
  ctx: GatewayContext,
  channel: { id: string; secret: string | null },
  headers: Record<string, unknown>,
  raw: Buffer,
  now = Date.now(),
): Promise<void> {
  const ts = headers['x-frontline-timestamp']
  const sig = headers['x-frontline-signature']
  if (!channel.secret || typeof ts !== 'string' || !/^\d{1,12}$/.test(ts) || typeof sig !== 'string')
    throw new AppError('E_BAD_SIGNATURE')
  // The hex is compared and remembered in one form (lower case): recorded as sent, an upper-cased
  // copy of a seen signature would pass as new (probe 8, finding 2).
  const expected = frontlineSignature(channel.secret, ts, raw)
  if (!sameSecret(sig.toLowerCase(), expected)) throw new AppError('E_BAD_SIGNATURE')
  if (Math.abs(now / 1000 - Number(ts)) > REPLAY_WINDOW_S) throw new AppError('E_REPLAYED')
  // Batched with the other webhooks of this moment (replay-batch.ts) where the app wired it.
  const fresh = ctx.replays
    ? await ctx.replays.fresh(channel.id, expected.slice(7))
    : (
        await queryRows<{ ok: number }>(
          ctx.db.orm,
          sql`INSERT INTO webhook_replays (channel_id, signature) VALUES (${channel.id}, ${expected.slice(7)})
              ON CONFLICT DO NOTHING RETURNING 1 AS ok`,
        )
      ).length > 0
  if (!fresh) throw new AppError('E_REPLAYED')
  // Now and then, forget what the window no longer needs (a call that old fails on its timestamp).
  if (Math.random() < 0.01)
    await queryRows(
      ctx.db.orm,
      sql`DELETE FROM webhook_replays WHERE seen_at < ${new Date(now - 2 * REPLAY_WINDOW_S * 1000).toISOString()}::timestamptz`,
    ).catch(() => {})
}

/** Reads one event: a client message or a status of ours. */
export function readFrontline(body: unknown): {
  incoming: Incoming[]
  status: { id: string; state: DeliveryState } | null
} {
  const b = (body ?? {}) as Payload
  if (b.type === 'status') {
    const id = idOf(b.id, 300)
    const state = STATES[String(b.state)]
    // Not one of the documented events: 400, as docs/gateway-protocol.md says (probe 15 F6).
    if (!id || !state)
      throw new AppError('E_VALIDATION', ['status: id and a state of sent, delivered, read, failed'])
    return { incoming: [], status: { id, state } }
  }
  if (b.type !== 'message') throw new AppError('E_VALIDATION', ['type: message or status'])
  const id = idOf(b.id, 300)
  const address = typeof b.from?.address === 'string' ? inertText(b.from.address).slice(0, 320) : ''
  // An address of only invisible characters (zero-width space, joiners, BOM) is no address (probe 15 F6).
  if (!id || !address.replace(/[\u200B-\u200D\u2060\uFEFF]/g, '').trim())
    throw new AppError('E_VALIDATION', ['id and from.address are required'])
  const f = b.file
  const data = typeof f?.data === 'string' ? f.data : null
  return {
    status: null,
    incoming: [
      {
        providerMsgId: id,
        clientAddress: address,
        clientName: inertName(b.from.name),
        clientPhone:
          typeof b.from.phone === 'string' && /^\+\d{6,15}$/.test(b.from.phone) ? b.from.phone : null,
        text: inertText(b.text ?? ''),
        media: data
          ? async () => ({
              bytes: Buffer.from(data, 'base64'),
              name: typeof f.name === 'string' ? f.name : 'file',
              mime: typeof f.type === 'string' ? f.type : null,
              voiceMs: f.voice === true ? Math.max(0, Number(f.durationMs) || 0) : null,
            })
          : null,
      },
    ],
  }
}

/** POST /api/hooks/gateway/:key */
export function frontlineRoutes(r: Router<'public'>, ctx: GatewayContext): void {
  r.post('/api/hooks/gateway/:key', async (req) => {
    const c = await gatewayChannel(ctx, (req.params as { key?: string }).key)
    const raw = rawBody(req.body)
    await checkFrontlineCall(ctx, c, req.headers, raw)
    const { incoming, status } = readFrontline(parseJson(raw))
    await ingest(ctx, c, incoming)
    if (status) await applyReceipts(ctx, c, [{ externalId: status.id, state: status.state }])
    return { ok: true }
  })
}

/** One sender per gateway kind: POST config.url, signed; the answer's `id` names it in receipts. */
export const frontlineAdapters: ExternalAdapter[] = GATEWAY_KINDS.map((kind) => ({
  kind,
  async send(d, ctx) {
    const c = d.channel
    const url = cfg(c, 'url')
    if (!url || !c.secret) throw new PermanentFailure(`${kind}: no gateway url or secret`)
    const file = await fileOf(ctx, d)
    const raw = JSON.stringify({
      type: 'message',
      id: d.message.id,
      channel: kind,
      to: recipientOf(d),
      text: d.message.text,
      replyTo: d.replyToExternalId,
      file: file && {
        name: file.name,
        type: file.type,
        voice: file.voice,
        durationMs: d.message.file?.durationMs ?? null,
        data: file.bytes.toString('base64'),
      },
    })
    const res = (await callProvider(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...frontlineHeaders(c.secret, raw) },
      body: raw,
    })) as { id?: unknown }
    return { externalId: answerId(res?.id, 'id') }
  },
}))
