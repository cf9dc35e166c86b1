/**
 * VK Callback API (community messages): every call carries the `secret` field set in the community's
 * Callback API settings (`channel.secret`), compared in constant time; `confirmation` is answered
 * with the channel's confirmation string (`config.confirmation`), `message_new` with `ok` (VK repeats
 * a call until it reads `ok`). Attachments: `photo` (the largest size's url), `doc`, `audio_message`
 * (`link_ogg`, a voice message). Sending: `messages.send` (`{base}/method/messages.send`, form
 * fields, API version 5.199) with `random_id` = a hash of our message id, so a retried job is not a
 * second message. An operator's file is uploaded first (vk-upload.ts): a JPEG, PNG or GIF as a message
 * photo, a voice message as an audio_message document, anything else as a document, and sent as the
 * message's `attachment`. VK's error codes that no retry mends are a PermanentFailure naming the
 * reason; rate limits and VK's internal errors are retried.
 * Config: `accessToken`, `confirmation`, optional `baseUrl` (env VK_API_BASE).
 */
import { createHash } from 'node:crypto'
import { AppError } from '../../errors.ts'
import { PermanentFailure } from '../../jobs/index.ts'
import type { ExternalAdapter } from '../external.ts'
import { channelByWebhookKey, parseJson, sameSecret } from '../webhooks.ts'
import {
  baseUrl,
  cfg,
  type GatewayContext,
  type Incoming,
  idOf,
  inertText,
  ingest,
  type Media,
  type MediaGetter,
  type Payload,
  type Router,
  rawBody,
  recipientOf,
} from './core.ts'
import { outgoingFile } from './outbound-files.ts'
import { uploadAttachment, vkCall } from './vk-upload.ts'

type Channel = Awaited<ReturnType<typeof channelByWebhookKey>>
const api = (c: Channel) => baseUrl(c, 'VK_API_BASE', 'https://api.vk.com')
export const VK_API_VERSION = '5.199'

/** `random_id` of messages.send: a signed 32-bit hash of our message id (VK drops a repeat of it). */
export const vkRandomId = (messageId: string) =>
  createHash('sha256').update(messageId).digest().readInt32BE(0)

/** The first attachment's media, when it has one we keep. */
function mediaOf(a: Payload): ((get: MediaGetter) => Promise<Media | null>) | null {
  if (a?.type === 'photo' && Array.isArray(a.photo?.sizes) && a.photo.sizes.length) {
    const best = [...a.photo.sizes].sort(
      (x: Payload, y: Payload) => (y.width ?? 0) * (y.height ?? 0) - (x.width ?? 0) * (x.height ?? 0),
    )[0]
    if (typeof best?.url !== 'string') return null
    return async (get) => {
      const got = await get(best.url)
      return got && { bytes: got.bytes, name: 'photo', mime: got.mime }
    }
  }
  if (a?.type === 'doc' && typeof a.doc?.url === 'string')
    return async (get) => {
      const got = await get(a.doc.url)
      const name = typeof a.doc.title === 'string' ? a.doc.title : `file.${a.doc.ext ?? ''}`
      return got && { bytes: got.bytes, name, mime: got.mime }
    }
  if (a?.type === 'audio_message' && typeof a.audio_message?.link_ogg === 'string')
    return async (get) => {
      const got = await get(a.audio_message.link_ogg)
      const s = Number(a.audio_message.duration)
      return (
        got && {
          bytes: got.bytes,
          name: 'voice.ogg',
          mime: 'audio/ogg',
          voiceMs: Number.isFinite(s) ? s * 1000 : 0,
        }
      )
    }
  return null
}

/** Reads a `message_new` call's message. */
export function readVk(body: unknown): Incoming[] {
  const m = (body as Payload)?.object?.message
  const id = idOf(m?.id) !== '0' ? idOf(m?.id) : null
  const peer = idOf(m?.peer_id, 20)
  if (!m || !peer) return []
  const providerMsgId = id ?? (idOf(m.conversation_message_id) ? `c${m.conversation_message_id}` : null)
  if (!providerMsgId) return []
  const first = Array.isArray(m.attachments) ? m.attachments[0] : null
  const mediaName = first?.type === 'doc' && typeof first.doc?.title === 'string' ? first.doc.title : null
  return [
    { providerMsgId, clientAddress: peer, text: inertText(m.text ?? ''), media: mediaOf(first), mediaName },
  ]
}

/** POST /api/hooks/vk/:key — answers are plain text, as VK reads them. */
export function vkRoutes(r: Router<'public'>, ctx: GatewayContext): void {
  r.post('/api/hooks/vk/:key', async (req, _who, reply) => {
    const c = await channelByWebhookKey(ctx.db.orm, 'vk', (req.params as { key?: string }).key)
    const body = parseJson(rawBody(req.body)) as { type?: unknown; secret?: unknown }
    if (!c.secret || typeof body?.secret !== 'string' || !sameSecret(body.secret, c.secret))
      throw new AppError('E_BAD_SIGNATURE')
    reply.type('text/plain')
    if (body.type === 'confirmation') {
      const answer = cfg(c, 'confirmation')
      if (!answer) throw new AppError('E_NOT_FOUND')
      return reply.send(answer)
    }
    if (body.type === 'message_new') await ingest(ctx, c, readVk(body))
    return reply.send('ok')
  })
}

/** Sends an operator's text, with a file uploaded first as its attachment, by messages.send. */
export const vkAdapter: ExternalAdapter = {
  kind: 'vk',
  async send(d, ctx) {
    const c = d.channel
    const token = cfg(c, 'accessToken')
    if (!token) throw new PermanentFailure('vk: no access token')
    const call = (method: string, params: Record<string, string>) =>
      vkCall(`${api(c)}/method/${method}`, { access_token: token, v: VK_API_VERSION, ...params })
    const peer = recipientOf(d)
    const file = await outgoingFile(ctx, d)
    const params: Record<string, string> = {
      peer_id: peer,
      random_id: String(vkRandomId(d.message.id)),
      message: d.message.text,
    }
    if (file) params.attachment = await uploadAttachment(call, peer, file)
    if (d.replyToExternalId) params.reply_to = d.replyToExternalId
    const id = idOf(await call('messages.send', params))
    if (!id) throw new Error('vk: no message id in the answer')
    return { externalId: id }
  },
}
