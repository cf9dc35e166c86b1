/**
 * Viber REST bot API: callbacks signed `X-Viber-Content-Signature` (hex HMAC-SHA256 of the raw body
 * with the bot's auth token, `config.authToken`); events `message` (text, picture, file, video —
 * media by `message.media` URL), `delivered`, `seen`, `failed` (by `message_token`), and the
 * set-up events (`webhook`, `subscribed`, `conversation_started` …) answered 200 and ignored.
 * Sending: `POST {base}/pa/send_message` with `X-Viber-Auth-Token`; `status` 0 is success, and
 * `message_token` is its id. Viber takes media only by a public URL, which this server does not hand
 * out yet: an operator's file in a Viber chat fails (the operator sees "Not delivered").
 * Config: `authToken`, optional `senderName`, `baseUrl` (env VIBER_API_BASE).
 */
import type { DeliveryState } from '../../../contract/chats.ts'
import { AppError } from '../../errors.ts'
import { PermanentFailure } from '../../jobs/index.ts'
import type { ExternalAdapter } from '../external.ts'
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

/** Sends an operator's text; Viber's status 0 is success, anything else a refusal. */
export const viberAdapter: ExternalAdapter = {
  kind: 'viber',
  async send(d) {
    const c = d.channel
    const authToken = cfg(c, 'authToken')
    if (!authToken) throw new PermanentFailure('viber: no auth token')
    if (d.message.file) throw new PermanentFailure('viber: files need a public URL, not supported yet')
    const raw = await callProviderRaw(`${api(c)}/pa/send_message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-viber-auth-token': authToken },
      body: JSON.stringify({
        receiver: recipientOf(d),
        min_api_version: 1,
        sender: { name: (cfg(c, 'senderName') ?? c.name).slice(0, 28) },
        type: 'text',
        text: d.message.text,
      }),
    })
    const res = JSON.parse(raw) as { status?: unknown; status_message?: unknown }
    if (res?.status !== 0)
      throw new PermanentFailure(`viber refused: ${String(res?.status_message ?? res?.status)}`)
    return { externalId: answerId(viberToken(raw), 'message_token') }
  },
}
