/**
 * WhatsApp Cloud API (Meta): webhook verification by GET (hub.mode / hub.verify_token /
 * hub.challenge; the verify token is the channel's generated secret), notifications by POST signed
 * `X-Hub-Signature-256` with Meta's app secret (`config.appSecret`); `entry[].changes[].value` carries `messages` (text, image, document, audio —
 * voice when `audio.voice`) and `statuses` (sent / delivered / read / failed). Media by id:
 * `GET {base}/{media-id}` → `{url}` → the bytes, both with the bearer token. Sending:
 * `POST {base}/{phone-number-id}/messages`; files are uploaded first (`POST {base}/{phone-number-id}/media`).
 * Config: `phoneNumberId`, `accessToken`, `appSecret`, optional `baseUrl` (env WHATSAPP_API_BASE).
 */
import type { DeliveryState } from '../../../contract/chats.ts'
import type { Deliverable } from '../../domain/chats/index.ts'
import { PermanentFailure } from '../../jobs/index.ts'
import type { ExternalAdapter } from '../external.ts'
import { channelByWebhookKey, parseJson } from '../webhooks.ts'
import {
  answerId,
  applyReceipts,
  baseUrl,
  blobOf,
  callProvider,
  cfg,
  checkHubSignature,
  fileOf,
  type GatewayContext,
  hubChallenge,
  type Incoming,
  idOf,
  inertName,
  inertText,
  ingest,
  postJson,
  type Receipt,
  type Router,
  rawBody,
  recipientOf,
} from './core.ts'

type Channel = Awaited<ReturnType<typeof channelByWebhookKey>>
const api = (c: Channel) => baseUrl(c, 'WHATSAPP_API_BASE', 'https://graph.facebook.com/v21.0')
const bearer = (c: Channel) => ({ authorization: `Bearer ${cfg(c, 'accessToken') ?? ''}` })

const STATES: Record<string, DeliveryState> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
}
/** Message types carrying media, and where the media object sits. */
const MEDIA = ['image', 'document', 'audio', 'voice', 'video', 'sticker'] as const

/** Reads a notification's client messages and receipts. */
export function readWhatsApp(c: Channel, body: unknown): { incoming: Incoming[]; receipts: Receipt[] } {
  const incoming: Incoming[] = []
  const receipts: Receipt[] = []
  const entries = (body as { entry?: unknown })?.entry
  for (const entry of Array.isArray(entries) ? entries : []) {
    for (const change of Array.isArray(entry?.changes) ? entry.changes : []) {
      const value = change?.value ?? {}
      // A change for another business number (another channel's, or forged with this app's secret)
      // is not this channel's: its messages and statuses are ignored.
      const own = cfg(c, 'phoneNumberId')
      if (!own || idOf(value.metadata?.phone_number_id) !== own) continue
      const names = new Map<string, string>()
      for (const ct of Array.isArray(value.contacts) ? value.contacts : []) {
        const wa = idOf(ct?.wa_id)
        const name = inertName(ct?.profile?.name)
        if (wa && name) names.set(wa, name)
      }
      for (const m of Array.isArray(value.messages) ? value.messages : []) {
        const id = idOf(m?.id, 300)
        const from = idOf(m?.from, 32)
        if (!id || !from) continue
        const kind = MEDIA.find((k) => k === m.type && m[k]?.id)
        const media = kind ? m[kind] : null
        incoming.push({
          providerMsgId: id,
          clientAddress: from,
          clientName: names.get(from) ?? null,
          clientPhone: /^\d{6,15}$/.test(from) ? `+${from}` : null,
          text: inertText(m.type === 'text' ? m.text?.body : (media?.caption ?? '')),
          mediaName: typeof media?.filename === 'string' ? media.filename : null,
          media: media
            ? async (get) => {
                const meta = (await callProvider(`${api(c)}/${encodeURIComponent(String(media.id))}`, {
                  headers: bearer(c),
                })) as { url?: unknown; mime_type?: unknown }
                if (typeof meta?.url !== 'string') return null
                const got = await get(meta.url, bearer(c))
                if (!got) return null
                const mime = typeof meta.mime_type === 'string' ? meta.mime_type : got.mime
                const voice = kind === 'voice' || (kind === 'audio' && media.voice === true)
                return {
                  bytes: got.bytes,
                  name: typeof media.filename === 'string' ? media.filename : (kind ?? 'file'),
                  mime,
                  voiceMs: voice ? 0 : null,
                }
              }
            : null,
        })
      }
      for (const s of Array.isArray(value.statuses) ? value.statuses : []) {
        const id = idOf(s?.id, 300)
        const state = STATES[String(s?.status)]
        if (id && state) receipts.push({ externalId: id, state })
      }
    }
  }
  return { incoming, receipts }
}

/** GET (verification) and POST (notifications) at /api/hooks/whatsapp/:key. */
export function whatsappRoutes(r: Router<'public'>, ctx: GatewayContext): void {
  r.get('/api/hooks/whatsapp/:key', async (req, _who, reply) => {
    const c = await channelByWebhookKey(ctx.db.orm, 'whatsapp', (req.params as { key?: string }).key)
    return reply.type('text/plain').send(hubChallenge(req.query, c.secret))
  })
  r.post('/api/hooks/whatsapp/:key', async (req) => {
    const c = await channelByWebhookKey(ctx.db.orm, 'whatsapp', (req.params as { key?: string }).key)
    const raw = rawBody(req.body)
    checkHubSignature(req.headers['x-hub-signature-256'], cfg(c, 'appSecret'), raw)
    const { incoming, receipts } = readWhatsApp(c, parseJson(raw))
    await ingest(ctx, c, incoming)
    await applyReceipts(ctx, c, receipts)
    return { ok: true }
  })
}

const KIND_OF: Record<string, 'image' | 'audio' | 'document' | 'video'> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'video/mp4': 'video',
  'audio/ogg': 'audio',
  'audio/mpeg': 'audio',
}

const MB = 1024 * 1024
/** The Cloud API's largest image, video and audio (documents: 100 MB, above our 30 MB cap). */
const MEDIA_MAX: Record<string, number> = { image: 5 * MB, video: 16 * MB, audio: 16 * MB }

/** Sends an operator's message: text, or an uploaded file as image / audio / video / document. */
export const whatsappAdapter: ExternalAdapter = {
  kind: 'whatsapp',
  async send(d: Deliverable, ctx) {
    const c = d.channel
    const phoneId = cfg(c, 'phoneNumberId')
    if (!phoneId || !cfg(c, 'accessToken'))
      throw new PermanentFailure('whatsapp: phoneNumberId or accessToken missing')
    const base = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: recipientOf(d),
      ...(d.replyToExternalId ? { context: { message_id: d.replyToExternalId } } : {}),
    }
    const file = await fileOf(ctx, d)
    let body: Record<string, unknown>
    if (!file) body = { ...base, type: 'text', text: { preview_url: false, body: d.message.text } }
    else {
      const form = new FormData()
      form.set('messaging_product', 'whatsapp')
      form.set('type', file.type)
      form.set('file', blobOf(file), file.name)
      const up = (await callProvider(`${api(c)}/${encodeURIComponent(phoneId)}/media`, {
        method: 'POST',
        headers: bearer(c),
        body: form,
      })) as { id?: unknown }
      let type = file.voice ? 'audio' : (KIND_OF[file.type] ?? 'document')
      // Cloud API media limits: an image over 5 MB, a video or audio over 16 MB goes as a document.
      if (!file.voice && file.bytes.length > (MEDIA_MAX[type] ?? Number.POSITIVE_INFINITY)) type = 'document'
      const media: Record<string, unknown> = { id: answerId(up?.id, 'media id') }
      if (type !== 'audio' && d.message.text) media.caption = d.message.text
      if (type === 'document') media.filename = file.name
      body = { ...base, type, [type]: media }
    }
    const res = (await postJson(`${api(c)}/${encodeURIComponent(phoneId)}/messages`, body, bearer(c))) as {
      messages?: { id?: unknown }[]
    }
    return { externalId: answerId(res?.messages?.[0]?.id, 'message id') }
  },
}
