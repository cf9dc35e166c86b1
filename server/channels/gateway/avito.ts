/**
 * Avito Messenger API: webhook v3 (`{id, version, timestamp, payload: {type: 'message', value:
 * {id, chat_id, user_id, author_id, type, content: {text} | {image: {sizes}}, item_id, …}}}`),
 * registered with `POST /messenger/v3/webhook`. Avito signs nothing, so the unguessable webhook key in
 * the path is the whole check — so an image URL is fetched only from Avito's own hosts (media-fetch.ts),
 * never from wherever the payload points; the account's own messages (author_id = user_id) are ignored. The
 * listing (`item_id`) is kept on a new chat as `requestInfo.listing` (T6). Sending:
 * `POST {base}/messenger/v1/accounts/{user_id}/chats/{chat_id}/messages` (text), and an image by
 * `uploadImages` then `…/messages/image` — single images only (contract/capabilities.ts).
 * Auth: OAuth 2 client credentials (`POST {base}/token`, `grant_type=client_credentials`) with
 * `config.clientId` / `clientSecret`, the token kept until shortly before it expires — or a fixed
 * `config.accessToken`. Config: `userId`, those, optional `baseUrl` (env AVITO_API_BASE).
 */
import type { RequestInfo } from '../../../contract/chats.ts'
import { PermanentFailure } from '../../jobs/index.ts'
import type { ExternalAdapter } from '../external.ts'
import { type channelByWebhookKey, parseJson } from '../webhooks.ts'
import {
  answerId,
  baseUrl,
  blobOf,
  callProvider,
  cfg,
  fileOf,
  type GatewayContext,
  type Incoming,
  idOf,
  inertText,
  ingest,
  type Payload,
  postJson,
  type Router,
  rawBody,
  recipientOf,
  webhookChannel,
} from './core.ts'

type Channel = Awaited<ReturnType<typeof channelByWebhookKey>>
const api = (c: Channel) => baseUrl(c, 'AVITO_API_BASE', 'https://api.avito.ru')

/** Access tokens by channel (and its client id), until a minute before they expire. */
const tokens = new Map<string, { token: string; until: number }>()

/** The channel's bearer header: its fixed token, or one from the client-credentials grant. */
async function bearer(c: Channel): Promise<Record<string, string>> {
  const fixed = cfg(c, 'accessToken')
  if (fixed) return { authorization: `Bearer ${fixed}` }
  const id = cfg(c, 'clientId')
  const secret = cfg(c, 'clientSecret')
  if (!id || !secret) throw new PermanentFailure('avito: no accessToken, nor clientId and clientSecret')
  const key = `${c.id}:${id}`
  const held = tokens.get(key)
  if (held && held.until > Date.now()) return { authorization: `Bearer ${held.token}` }
  const res = (await callProvider(`${api(c)}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }),
  })) as { access_token?: unknown; expires_in?: unknown }
  const token = answerId(res?.access_token, 'access_token')
  const ttl = Number(res?.expires_in)
  tokens.set(key, { token, until: Date.now() + (Number.isFinite(ttl) ? ttl : 3600) * 1000 - 60_000 })
  return { authorization: `Bearer ${token}` }
}

/** The public link of a listing. */
export const avitoListing = (itemId: string) => `https://www.avito.ru/${itemId}`

/** Reads a v3 webhook's message (none for the account's own messages or other payload types). */
export function readAvito(c: Channel, body: unknown): Incoming[] {
  const p = (body as Payload)?.payload
  const v = p?.value
  if (p?.type !== 'message' || !v) return []
  const id = idOf(v.id, 300)
  const chatId = idOf(v.chat_id, 300)
  const author = idOf(v.author_id)
  if (!id || !chatId || (author && author === (idOf(v.user_id) ?? cfg(c, 'userId')))) return []
  const item = idOf(v.item_id, 30)
  const requestInfo: RequestInfo | null = item
    ? { landingPage: null, referrer: null, utm: {}, listing: avitoListing(item) }
    : null
  const sizes = v.content?.image?.sizes
  const url =
    sizes && typeof sizes === 'object' ? Object.values(sizes).find((u) => typeof u === 'string') : null
  return [
    {
      providerMsgId: id,
      clientAddress: chatId,
      text: inertText(v.content?.text ?? ''),
      requestInfo,
      media:
        typeof url === 'string'
          ? async (get) => {
              // Named by its bytes (core.ts): Avito sends JPEG, PNG and GIF alike.
              const got = await get(url)
              return got && { bytes: got.bytes, name: 'image', mime: got.mime }
            }
          : null,
    },
  ]
}

/** POST /api/hooks/avito/:key */
export function avitoRoutes(r: Router<'public'>, ctx: GatewayContext): void {
  r.post('/api/hooks/avito/:key', async (req) => {
    const c = await webhookChannel(ctx, 'avito', (req.params as { key?: string }).key)
    await ingest(ctx, c, readAvito(c, parseJson(rawBody(req.body))))
    return { ok: true }
  })
}

/** Sends an operator's text, or one image (uploaded, then sent by its id). */
export const avitoAdapter: ExternalAdapter = {
  kind: 'avito',
  async send(d, ctx) {
    const c = d.channel
    const user = cfg(c, 'userId')
    if (!user) throw new PermanentFailure('avito: no userId')
    const auth = await bearer(c)
    const chat = `${api(c)}/messenger/v1/accounts/${encodeURIComponent(user)}/chats/${encodeURIComponent(recipientOf(d))}`
    const file = await fileOf(ctx, d)
    if (!file) {
      const res = (await postJson(
        `${chat}/messages`,
        { message: { text: d.message.text }, type: 'text' },
        auth,
      )) as {
        id?: unknown
      }
      return { externalId: answerId(res?.id, 'message id') }
    }
    const form = new FormData()
    form.set('uploadfile[]', blobOf(file), file.name)
    const up = (await callProvider(
      `${api(c)}/messenger/v1/accounts/${encodeURIComponent(user)}/uploadImages`,
      {
        method: 'POST',
        headers: auth,
        body: form,
      },
    )) as Record<string, unknown> | null
    const imageId = up && typeof up === 'object' ? Object.keys(up)[0] : undefined
    const res = (await postJson(
      `${chat}/messages/image`,
      { image_id: answerId(imageId, 'image id') },
      auth,
    )) as {
      id?: unknown
    }
    return { externalId: answerId(res?.id, 'message id') }
  },
}
