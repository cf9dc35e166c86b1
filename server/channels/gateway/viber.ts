/**
 * Viber REST bot API: callbacks signed `X-Viber-Content-Signature` (hex HMAC-SHA256 of the raw body
 * with the bot's auth token, `config.authToken`); events `message` (text, picture, file, video —
 * media by `message.media` URL), `delivered`, `seen`, `failed` (by `message_token`), and the
 * set-up events (`webhook`, `subscribed`, `conversation_started` …) answered 200 and ignored.
 * Sending: `POST {base}/pa/send_message` with `X-Viber-Auth-Token`; `status` 0 is success, and
 * `message_token` is its id. Viber takes media only by a public URL: an operator's file goes as a
 * signed, expiring link to this server (outbound-files.ts; PUBLIC_BASE_URL must be set) — a JPEG, PNG
 * or GIF up to 1 MB as `picture` (the text as its description), an MP4 up to 26 MB as `video`, any
 * other file (and a voice message) as `file` with `size` and `file_name` (contract/chats.ts: 50 MB,
 * no forbidden types); a video's or file's text goes after it as a text message.
 * Config: `authToken`, optional `senderName`, `publicBaseUrl`, `baseUrl` (env VIBER_API_BASE).
 */

import { and, eq } from 'drizzle-orm'
import type { DeliveryState } from '../../../contract/chats.ts'
import { schema } from '../../db/index.ts'
import { recordDelivery } from '../../domain/chats/index.ts'
import { AppError } from '../../errors.ts'
import { PermanentFailure } from '../../jobs/index.ts'
import { type ExternalAdapter, ReadableFailure, type SendContext } from '../external.ts'
import { type channelByWebhookKey, hmacHex, parseJson, sameSecret } from '../webhooks.ts'
import {
  answerId,
  applyReceipts,
  baseUrl,
  callProviderRaw,
  cfg,
  type GatewayContext,
  type Incoming,
  idOf,
  inertName,
  inertText,
  ingest,
  type Payload,
  type Receipt,
  type Router,
  rawBody,
  recipientOf,
  webhookChannel,
} from './core.ts'
import { type OutgoingFile, outgoingFile, publicFileUrl } from './outbound-files.ts'

type Channel = Awaited<ReturnType<typeof channelByWebhookKey>>
const api = (c: Channel) => baseUrl(c, 'VIBER_API_BASE', 'https://chatapi.viber.com')

const RECEIPTS: Record<string, DeliveryState> = { delivered: 'delivered', seen: 'read', failed: 'failed' }
const MEDIA_TYPES = new Set(['picture', 'file', 'video'])

/**
 * Viber's `message_token` is a 64-bit integer, beyond a JSON number's exact range: read from the raw
 * text, so two tokens never collapse into one (dedupe and receipts match digits, not doubles).
 */
export const viberToken = (raw: string): string | null =>
  /"message_token"\s*:\s*"?(\d{1,20})/.exec(raw)?.[1] ?? null

/** Reads one callback: a client message or a receipt (or nothing). */
export function readViber(raw: Buffer): { incoming: Incoming[]; receipts: Receipt[] } {
  const b = (parseJson(raw) ?? {}) as Payload
  const token = viberToken(raw.toString('utf8'))
  if (b.event === 'message') {
    const from = idOf(b.sender?.id, 100)
    const m = b.message ?? {}
    if (!token || !from) return { incoming: [], receipts: [] }
    const media = MEDIA_TYPES.has(m.type) && typeof m.media === 'string' ? m.media : null
    return {
      incoming: [
        {
          providerMsgId: token,
          clientAddress: from,
          clientName: inertName(b.sender?.name),
          text: inertText(m.text ?? ''),
          mediaName: typeof m.file_name === 'string' ? m.file_name : null,
          media: media
            ? async (get) => {
                const got = await get(media)
                return (
                  got && {
                    bytes: got.bytes,
                    name: typeof m.file_name === 'string' ? m.file_name : m.type,
                    mime: got.mime,
                  }
                )
              }
            : null,
        },
      ],
      receipts: [],
    }
  }
  const state = RECEIPTS[String(b.event)]
  return { incoming: [], receipts: token && state ? [{ externalId: token, state }] : [] }
}

/** POST /api/hooks/viber/:key */
export function viberRoutes(r: Router<'public'>, ctx: GatewayContext): void {
  r.post('/api/hooks/viber/:key', async (req) => {
    const c = await webhookChannel(ctx, 'viber', (req.params as { key?: string }).key)
    const raw = rawBody(req.body)
    const sig = req.headers['x-viber-content-signature']
    const authToken = cfg(c, 'authToken')
    if (!authToken || typeof sig !== 'string' || !sameSecret(sig.toLowerCase(), hmacHex(authToken, raw)))
      throw new AppError('E_BAD_SIGNATURE')
    const { incoming, receipts } = readViber(raw)
    await ingest(ctx, c, incoming)
    await applyReceipts(ctx, c, receipts)
    return { ok: true }
  })
}

/** Viber's media limits (REST bot API, send_message): picture and video sizes, a picture's text. */
export const VIBER_PICTURE_MAX = 1024 * 1024
export const VIBER_VIDEO_MAX = 26 * 1024 * 1024
const PICTURE_TEXT_MAX = 768
const PICTURE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif'])

/** The send_message fields of a file: picture, video or file, by its type and size. */
function mediaMessage(file: OutgoingFile, url: string, text: string): { body: object; textAfter: boolean } {
  if (!file.voice && PICTURE_TYPES.has(file.type) && file.size <= VIBER_PICTURE_MAX) {
    // A picture's description holds 768 characters: a longer text goes after it, whole.
    const fits = text.length <= PICTURE_TEXT_MAX
    return { body: { type: 'picture', media: url, text: fits ? text : '' }, textAfter: !fits }
  }
  if (!file.voice && file.type === 'video/mp4' && file.size <= VIBER_VIDEO_MAX)
    return { body: { type: 'video', media: url, size: file.size }, textAfter: !!text }
  return {
    body: { type: 'file', media: url, size: file.size, file_name: file.name.slice(0, 256) },
    textAfter: !!text,
  }
}

/** Viber's `status` 12 (tooManyRequests) mends with time: retried. Every other non-zero status is final. */
const VIBER_TOO_MANY_REQUESTS = 12
/** Readable reasons of the final statuses an operator can act on (REST bot API "Error codes"). */
const VIBER_REASONS: Record<number, string> = {
  1: 'ссылка на файл недоступна Viber — проверьте PUBLIC_BASE_URL / the file link is not reachable for Viber — check PUBLIC_BASE_URL',
  2: 'токен бота недействителен / the bot token is invalid',
  5: 'клиент не зарегистрирован в Viber / the client is not registered in Viber',
  6: 'клиент отписался от бота / the client has unsubscribed from the bot',
  7: 'бот заблокирован / the bot is blocked',
  11: 'у клиента нет подходящего устройства / the client has no suitable device',
}

/** One send_message call; Viber's status 0 is success (its message_token), anything else a refusal. */
async function sendMessage(c: Channel, authToken: string, body: object): Promise<string> {
  const raw = await callProviderRaw(`${api(c)}/pa/send_message`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-viber-auth-token': authToken },
    body: JSON.stringify({
      min_api_version: 1,
      sender: { name: (cfg(c, 'senderName') ?? c.name).slice(0, 28) },
      ...body,
    }),
  })
  const res = JSON.parse(raw) as { status?: unknown; status_message?: unknown }
  if (res?.status !== 0) {
    const status = Number(res?.status)
    const said = `viber refused: ${status} ${String(res?.status_message ?? '').slice(0, 200)}`
    if (status === VIBER_TOO_MANY_REQUESTS) throw new Error(said)
    const reason = VIBER_REASONS[status]
    if (reason) throw new ReadableFailure(said, `Viber ${status}: ${reason}`)
    throw new PermanentFailure(said)
  }
  return answerId(viberToken(raw), 'message_token')
}

/** Sends an operator's text, or a file by its public link (and its text). */
export const viberAdapter: ExternalAdapter = {
  kind: 'viber',
  async send(d, ctx: SendContext) {
    const c = d.channel
    const authToken = cfg(c, 'authToken')
    if (!authToken) throw new PermanentFailure('viber: no auth token')
    const receiver = recipientOf(d)
    const file = await outgoingFile(ctx, d)
    if (!file)
      return { externalId: await sendMessage(c, authToken, { receiver, type: 'text', text: d.message.text }) }
    const url = await publicFileUrl(ctx, d, file, 'viber')
    const m = mediaMessage(file, url, d.message.text)
    if (!m.textAfter) return { externalId: await sendMessage(c, authToken, { receiver, ...m.body }) }
    // Two sends, and Viber has no idempotency key: the file's id is recorded as soon as it went, so a
    // retry after the text failed sends only the text (the client never gets the file twice).
    const tenantId = d.chat.tenantId
    const [sent] = await ctx.db.orm
      .select({ externalId: schema.messages.externalId })
      .from(schema.messages)
      .where(and(eq(schema.messages.tenantId, tenantId), eq(schema.messages.id, d.message.id)))
    let externalId = sent?.externalId ?? null
    if (!externalId) {
      externalId = await sendMessage(c, authToken, { receiver, ...m.body })
      await recordDelivery(ctx.db.orm, tenantId, { messageId: d.message.id }, { externalId })
    }
    await sendMessage(c, authToken, { receiver, type: 'text', text: d.message.text })
    return { externalId }
  },
}
