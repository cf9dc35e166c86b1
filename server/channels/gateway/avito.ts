/**
 * Avito Messenger API: webhook v3 (`{id, version, timestamp, payload: {type: 'message', value:
 * {id, chat_id, user_id, author_id, type, content: {text} | {image: {sizes}}, item_id, …}}}`),
 * registered with `POST /messenger/v3/webhook`. Avito signs nothing, so the unguessable webhook key in
 * the path is the whole check; the account's own messages (author_id = user_id) are ignored. The
 * listing (`item_id`) is kept on a new chat as `requestInfo.listing` (T6). Sending:
 * `POST {base}/messenger/v1/accounts/{user_id}/chats/{chat_id}/messages` (text), and an image by
 * `uploadImages` then `…/messages/image` — single images only (contract/capabilities.ts).
 * Config: `userId`, `accessToken`, optional `baseUrl` (env AVITO_API_BASE).
 */
import type { RequestInfo } from '../../../contract/chats.ts'
import { PermanentFailure } from '../../jobs/index.ts'
import type { ExternalAdapter } from '../external.ts'
import { channelByWebhookKey, parseJson } from '../webhooks.ts'
import {
  answerId,
  baseUrl,
  blobOf,
  callProvider,
  cfg,
  fetchBytes,
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
} from './core.ts'

type Channel = Awaited<ReturnType<typeof channelByWebhookKey>>
const api = (c: Channel) => baseUrl(c, 'AVITO_API_BASE', 'https://api.avito.ru')
const bearer = (c: Channel) => ({ authorization: `Bearer ${cfg(c, 'accessToken') ?? ''}` })

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
          ? async () => {
              const got = await fetchBytes(url)
              return got && { bytes: got.bytes, name: 'image.jpg', mime: got.mime }
            }
          : null,
    },
  ]
}

/** POST /api/hooks/avito/:key */
export function avitoRoutes(r: Router<'public'>, ctx: GatewayContext): void {
  r.post('/api/hooks/avito/:key', async (req) => {
    const c = await channelByWebhookKey(ctx.db.orm, 'avito', (req.params as { key?: string }).key)
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
    if (!user || !cfg(c, 'accessToken')) throw new PermanentFailure('avito: userId or accessToken missing')
    const chat = `${api(c)}/messenger/v1/accounts/${encodeURIComponent(user)}/chats/${encodeURIComponent(recipientOf(d))}`
    const file = await fileOf(ctx, d)
    if (!file) {
      const res = (await postJson(
        `${chat}/messages`,
        { message: { text: d.message.text }, type: 'text' },
        bearer(c),
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
        headers: bearer(c),
        body: form,
      },
    )) as Record<string, unknown> | null
    const imageId = up && typeof up === 'object' ? Object.keys(up)[0] : undefined
    const res = (await postJson(
      `${chat}/messages/image`,
      { image_id: answerId(imageId, 'image id') },
      bearer(c),
    )) as {
      id?: unknown
    }
    return { externalId: answerId(res?.id, 'message id') }
  },
}
