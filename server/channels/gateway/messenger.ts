/**
 * Facebook Messenger Platform: the same verification GET and `X-Hub-Signature-256` (app secret,
 * `config.appSecret`; verify token: the channel's generated secret) as WhatsApp; `entry[].messaging[]` items carry `message` (`mid`, `text`,
 * `attachments[]` with `payload.url`; echoes of our own messages ignored), `delivery` (`mids`) and
 * `read` (`watermark`: everything sent up to that time is read). Sending: `POST {base}/me/messages`
 * with the page access token; a file goes as a multipart `filedata` attachment.
 * Config: `pageAccessToken`, `appSecret`, optional `baseUrl` (env MESSENGER_API_BASE).
 */
import { and, eq, inArray, lte } from 'drizzle-orm'
import { schema } from '../../db/index.ts'
import { PermanentFailure } from '../../jobs/index.ts'
import type { ExternalAdapter } from '../external.ts'
import { type channelByWebhookKey, parseJson } from '../webhooks.ts'
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
  inertText,
  ingest,
  type Payload,
  type Receipt,
  type Router,
  rawBody,
  recipientOf,
  webhookChannel,
} from './core.ts'

type Channel = Awaited<ReturnType<typeof channelByWebhookKey>>
const api = (c: Channel) => baseUrl(c, 'MESSENGER_API_BASE', 'https://graph.facebook.com/v21.0')
const ATTACHMENT: Record<string, 'image' | 'audio' | 'video' | 'file'> = {
  image: 'image',
  audio: 'audio',
  video: 'video',
  file: 'file',
}

/** Reads a notification: client messages, delivery receipts, and read watermarks per client. */
export function readMessenger(body: unknown): {
  incoming: Incoming[]
  receipts: Receipt[]
  reads: { psid: string; upTo: Date }[]
} {
  const incoming: Incoming[] = []
  const receipts: Receipt[] = []
  const reads: { psid: string; upTo: Date }[] = []
  const entries = (body as { entry?: unknown })?.entry
  for (const entry of Array.isArray(entries) ? entries : []) {
    for (const ev of Array.isArray(entry?.messaging) ? entry.messaging : []) {
      const psid = idOf(ev?.sender?.id, 64)
      if (!psid) continue
      const m = ev.message
      if (m && !m.is_echo) {
        const mid = idOf(m.mid, 300)
        if (!mid) continue
        const atts = (Array.isArray(m.attachments) ? m.attachments : []).filter(
          (a: Payload) => ATTACHMENT[a?.type] && typeof a?.payload?.url === 'string',
        )
        // One stored message per attachment (each a file of its own), the text with the first.
        const parts = atts.length ? atts : [null]
        parts.forEach((a: Payload, i: number) => {
          let name: string | null = null
          try {
            name = a ? new URL(a.payload.url).pathname.split('/').pop() || a.type : null
          } catch {}
          incoming.push({
            providerMsgId: i === 0 ? mid : `${mid}#${i}`,
            clientAddress: psid,
            text: i === 0 ? inertText(m.text ?? '') : '',
            mediaName: name,
            media: a
              ? async (get) => {
                  const got = await get(a.payload.url)
                  return got && { bytes: got.bytes, name: name ?? a.type, mime: got.mime, voiceMs: null }
                }
              : null,
          })
        })
      }
      for (const id of Array.isArray(ev.delivery?.mids) ? ev.delivery.mids : []) {
        const mid = idOf(id, 300)
        if (mid) receipts.push({ externalId: mid, state: 'delivered' })
      }
      const wm = Number(ev.read?.watermark)
      if (Number.isFinite(wm) && wm > 0) reads.push({ psid, upTo: new Date(wm) })
    }
  }
  return { incoming, receipts, reads }
}

/** Our messages to this client sent up to the watermark, by their provider ids (to mark them read). */
async function sentUpTo(ctx: GatewayContext, c: Channel, psid: string, upTo: Date): Promise<string[]> {
  const { chats, messages } = schema
  const rows = await ctx.db.orm
    .select({ externalId: messages.externalId })
    .from(messages)
    .innerJoin(chats, and(eq(chats.tenantId, messages.tenantId), eq(chats.id, messages.chatId)))
    .where(
      and(
        eq(messages.tenantId, c.tenantId),
        eq(chats.channelId, c.id),
        eq(chats.clientAddress, psid),
        eq(messages.author, 'operator'),
        inArray(messages.delivery, ['sent', 'delivered']),
        lte(messages.at, upTo),
      ),
    )
    .limit(500)
  return rows.flatMap((r) => (r.externalId ? [r.externalId] : []))
}

/** GET (verification) and POST (notifications) at /api/hooks/messenger/:key. */
export function messengerRoutes(r: Router<'public'>, ctx: GatewayContext): void {
  r.get('/api/hooks/messenger/:key', async (req, _who, reply) => {
    const c = await webhookChannel(ctx, 'messenger', (req.params as { key?: string }).key)
    return reply.type('text/plain').send(hubChallenge(req.query, c.secret))
  })
  r.post('/api/hooks/messenger/:key', async (req) => {
    const c = await webhookChannel(ctx, 'messenger', (req.params as { key?: string }).key)
    const raw = rawBody(req.body)
    checkHubSignature(req.headers['x-hub-signature-256'], cfg(c, 'appSecret'), raw)
    const { incoming, receipts, reads } = readMessenger(parseJson(raw))
    await ingest(ctx, c, incoming)
    await applyReceipts(ctx, c, receipts)
    for (const rd of reads) {
      const ids = await sentUpTo(ctx, c, rd.psid, rd.upTo)
      await applyReceipts(
        ctx,
        c,
        ids.map((externalId) => ({ externalId, state: 'read' as const })),
      )
    }
    return { ok: true }
  })
}

const TYPE_OF: Record<string, 'image' | 'audio' | 'video'> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/gif': 'image',
  'audio/ogg': 'audio',
  'audio/mpeg': 'audio',
  'audio/webm': 'audio',
  'video/mp4': 'video',
}

/** Sends an operator's message (RESPONSE within the 24 h window): text, or one file as an attachment. */
export const messengerAdapter: ExternalAdapter = {
  kind: 'messenger',
  async send(d, ctx) {
    const c = d.channel
    const token = cfg(c, 'pageAccessToken')
    if (!token) throw new PermanentFailure('messenger: no page access token')
    const url = `${api(c)}/me/messages?access_token=${encodeURIComponent(token)}`
    const recipient = JSON.stringify({ id: recipientOf(d) })
    const file = await fileOf(ctx, d)
    let res: { message_id?: unknown }
    if (!file) {
      res = (await callProvider(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          recipient: { id: recipientOf(d) },
          messaging_type: 'RESPONSE',
          message: { text: d.message.text },
        }),
      })) as typeof res
    } else {
      const form = new FormData()
      form.set('recipient', recipient)
      form.set('messaging_type', 'RESPONSE')
      const type = TYPE_OF[file.type] ?? 'file'
      form.set('message', JSON.stringify({ attachment: { type, payload: { is_reusable: false } } }))
      form.set('filedata', blobOf(file), file.name)
      res = (await callProvider(url, { method: 'POST', body: form })) as typeof res
    }
    return { externalId: answerId(res?.message_id, 'message_id') }
  },
}
