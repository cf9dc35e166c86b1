/**
 * What every messenger and SMS adapter shares (issue 8 §3), so each provider's file is only its
 * protocol: reading the provider's payload into `Incoming` messages and receipts, and the shape of its
 * send call. Here: the webhook scope (raw bodies, since signatures are over the exact bytes), the
 * signature checks, inbound messages queued once by the provider's id for the ingest worker (ingest.ts;
 * a media message's id claimed before its media is fetched), media kept as chat files, receipts, and the provider calls of the delivery
 * job (a 4xx no retry mends is a PermanentFailure, a 5xx/429 or a dead connection is retried).
 */
import { readFile } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { and, eq, sql } from 'drizzle-orm'
import type { ChannelKind, RequestInfo } from '../../../contract/chats.ts'
import { ATTACHMENT_MAX_BYTES, type DeliveryState, MESSAGE_MAX_CHARS } from '../../../contract/chats.ts'
import { oneLineName, UNSAFE_CONTROLS } from '../../../contract/text.ts'
import { type Db, queryRows, schema } from '../../db/index.ts'
import {
  type Deliverable,
  fileForRead,
  inboundMsgId,
  recordDelivery,
  VOICE_TYPES,
} from '../../domain/chats/index.ts'
import { AppError } from '../../errors.ts'
import { ATTACHMENT_BY_EXTENSION, cleanFileName, extensionOf, type FileStore } from '../../files/index.ts'
import { ATTACHMENT_TYPES, type FileType, SNIFF_BYTES, sniff, TEXT_TYPE } from '../../files/types.ts'
import type { AppDeps } from '../../http/context.ts'
import { type Router, registerScope } from '../../http/scope.ts'
import { PermanentFailure } from '../../jobs/index.ts'
import { providerFetch } from '../../net/provider-fetch.ts'
import { channelByWebhookKey, hmacHex, keepRawJson, sameSecret, WEBHOOK_KEY } from '../webhooks.ts'
import { cachedChannel } from './channel-cache.ts'
import type { GroupCommit } from './group-commit.ts'
import { claimMedia, enqueueInbound, type InboundQueue, mediaDone, type QueuedMessage } from './ingest.ts'
import { type Fetched, fetchMedia, mediaPolicy } from './media-fetch.ts'
import type { ReplayBatch } from './replay-batch.ts'

export type { Router }

/**
 * A provider's parsed JSON, read field by field: every value taken from it is checked where it is
 * read (`idOf`, `inertText`, typeof), so a loose type here is narrower than a schema per provider.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above — each read is checked
export type Payload = any

/** What a webhook handler and a sender may use. */
export interface GatewayContext {
  db: Db
  files: FileStore
  /** The inbound queue's worker (ingest.ts), woken when a webhook has queued messages. */
  inbound?: Pick<InboundQueue, 'kick'> | undefined
  /** Stage 1's group commit (group-commit.ts): a webhook's text messages go in one statement with others'. */
  stage1?: Pick<GroupCommit, 'add'> | undefined
  /** The gateway protocol's replay check, batched (replay-batch.ts). */
  replays?: ReplayBatch | undefined
  /** Told of a failure the webhook's answer does not show (a client file that could not be kept). */
  onError?: ((e: unknown) => void) | undefined
}

/** Fetches a media URL under the channel's policy (media-fetch.ts); null when refused or failed. */
export type MediaGetter = (url: string, headers?: Record<string, string>) => Promise<Fetched | null>

/** A provider's media, fetched only when the message is new. */
export interface Media {
  bytes: Buffer
  /** The name as the provider gives it (or one made from the type). */
  name: string
  /** The provider's content type (a hint; the bytes decide). */
  mime: string | null
  /** A voice message: its length when the provider says it (0 when unknown). */
  voiceMs?: number | null
}

/** One client message read from a provider's payload. */
export interface Incoming {
  providerMsgId: string
  clientAddress: string
  clientName?: string | null
  clientPhone?: string | null
  text: string
  /** The media, fetched through `get` (the only fetcher: allow-listed hosts, capped, timed). */
  media?: ((get: MediaGetter) => Promise<Media | null>) | null
  /** The media's name when the payload says it before the fetch (for a note when it is not fetched). */
  mediaName?: string | null
  requestInfo?: RequestInfo | null
}

/** One receipt read from a provider's payload: our message's id at the provider and its new state. */
export interface Receipt {
  externalId: string
  state: DeliveryState
}

/** Registers public webhook routes whose JSON bodies arrive raw (the handler checks the signature). */
export function webhookScope(
  app: Parameters<typeof registerScope>[0],
  deps: AppDeps,
  routes: (r: Router<'public'>) => void,
) {
  // Warnings only: at info Fastify writes two lines a request, a real cost at a thousand webhooks a
  // second (a 5xx is still logged, as an error).
  registerScope(app, deps, { auth: 'public', logLevel: 'warn' }, (r) => {
    keepRawJson(r.app)
    // No browser reads a provider's webhook answer: helmet's headers (CSP, framing, …) are skipped
    // here — they were 3 % of a webhook's CPU at a thousand a second.
    r.app.addHook('onRoute', (route) => {
      route.config = Object.assign(route.config ?? {}, { helmet: { skipRoute: true } })
    })
    // Probe 15 F3: the key is checked before the body is read — a made-up key is 404 at once, so
    // nobody without a channel's key can make the server buffer bodies (up to 1 MB each) on open
    // connections. Remembered like the channel itself (channel-cache.ts).
    r.app.addHook('onRequest', async (req) => {
      const key = (req.params as { key?: unknown } | undefined)?.key
      await cachedChannel('any', key, () => anyChannelWithKey(deps.db, key))
    })
    // A webhook refused for load (E_BUSY, group-commit.ts) tells the provider when to come back.
    r.app.addHook('onSend', async (_req, reply) => {
      // (A suspended company's 503 already says when: an hour — errors.ts.)
      if (reply.statusCode === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', '1')
    })
    routes(r)
  })
}

/** Some connected channel has this webhook key (its kind and tenant are the route's to check); else E_NOT_FOUND. */
async function anyChannelWithKey(db: Db, key: unknown): Promise<true> {
  if (typeof key !== 'string' || !WEBHOOK_KEY.test(key)) throw new AppError('E_NOT_FOUND')
  const [c] = await db.orm
    .select({ id: schema.channels.id })
    .from(schema.channels)
    .where(and(eq(schema.channels.webhookKey, key), eq(schema.channels.connected, true)))
    .limit(1)
  if (!c) throw new AppError('E_NOT_FOUND')
  return true
}

/** The connected channel of a provider's webhook key (channel-cache.ts: remembered for a second). */
export const webhookChannel = (ctx: GatewayContext, kind: ChannelKind, key: unknown) =>
  cachedChannel(kind, key, () => channelByWebhookKey(ctx.db.orm, kind, key))

/** The raw body of a webhook (a Buffer from `keepRawJson`); E_BAD_REQUEST otherwise. */
export function rawBody(body: unknown): Buffer {
  if (!Buffer.isBuffer(body)) throw new AppError('E_BAD_REQUEST')
  return body
}

/**
 * Meta's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`
 * (WhatsApp Cloud API, Messenger Platform); E_BAD_SIGNATURE when missing or wrong.
 */
export function checkHubSignature(header: unknown, appSecret: string | null, raw: Buffer): void {
  if (!appSecret || typeof header !== 'string' || !header.startsWith('sha256='))
    throw new AppError('E_BAD_SIGNATURE')
  if (!sameSecret(header.slice(7).toLowerCase(), hmacHex(appSecret, raw)))
    throw new AppError('E_BAD_SIGNATURE')
}

/** Meta's webhook verification (GET, hub.mode=subscribe): the challenge when the verify token matches. */
export function hubChallenge(query: unknown, verifyToken: string | null): string {
  const q = (query ?? {}) as Record<string, unknown>
  const token = q['hub.verify_token']
  const challenge = q['hub.challenge']
  if (
    q['hub.mode'] !== 'subscribe' ||
    !verifyToken ||
    typeof token !== 'string' ||
    !sameSecret(token, verifyToken) ||
    typeof challenge !== 'string' ||
    !/^[A-Za-z0-9_-]{1,200}$/.test(challenge)
  )
    throw new AppError('E_FORBIDDEN')
  return challenge
}

/** A string field of a channel's config (tokens, ids, base URLs), or null. */
export function cfg(channel: { config: Record<string, unknown> }, key: string): string | null {
  const v = channel.config[key]
  return typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : null
}

/** The provider's base URL: the channel's `config.baseUrl`, else the env (the demo), else the provider's. */
export function baseUrl(channel: { config: Record<string, unknown> }, env: string, fallback: string): string {
  return (cfg(channel, 'baseUrl') ?? process.env[env] ?? fallback).replace(/\/+$/, '')
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * A provider's text made storable, inert and bounded: NUL and lone surrogates shown as U+FFFD, CRLF as
 * LF, other controls and every bidi control removed, capped at a message's length. Every provider's
 * client text and name goes through here (the one cleaner of the gateway's channels).
 */
export function inertText(s: unknown): string {
  if (typeof s !== 'string') return ''
  const clean = s
    .replace(LONE_SURROGATE, '\uFFFD')
    .replaceAll('\u0000', '\uFFFD')
    .replace(/\r\n?/g, '\n')
    .replace(UNSAFE_CONTROLS, (c) => (c === '\n' || c === '\t' ? c : ''))
  return clean.length > MESSAGE_MAX_CHARS ? `${clean.slice(0, MESSAGE_MAX_CHARS - 1)}…` : clean
}

/** A client's display name: `inertText` on one line (contract/text.ts `oneLineName`, as staff names), at most 200. */
export function inertName(s: unknown): string | null {
  const name = [...oneLineName(inertText(s))].slice(0, 200).join('')
  return name || null
}

/** A short identifier from a payload (ids, addresses), or null when missing or not plausible. */
export function idOf(x: unknown, max = 200): string | null {
  const s = typeof x === 'number' && Number.isSafeInteger(x) ? String(x) : x
  return typeof s === 'string' && s.length > 0 && s.length <= max && /^[\x21-\x7e]+$/.test(s) ? s : null
}

const MIME_EXTENSION: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'video/mp4': 'mp4',
  'text/plain': 'txt',
}

/** Types a name-less media may be named by (the bytes decide: an Avito image may be PNG or GIF). */
const NAMED_BY_BYTES: readonly FileType[] = ATTACHMENT_TYPES.filter((t) => t !== TEXT_TYPE)

/**
 * Keeps a provider's media as a chat file of the tenant (the same checks as an upload: an allowed
 * type by name or content type, the bytes must be that type, 30 MB). Returns its id, or the reason
 * it was refused (the message is still stored, saying so).
 */
async function storeMedia(
  ctx: GatewayContext,
  tenantId: string,
  m: Media,
): Promise<{ fileId: string } | { refused: string }> {
  const voice = m.voiceMs != null
  const mime = m.mime?.split(';')[0]?.trim().toLowerCase() ?? ''
  let name = cleanFileName(m.name, 'file')
  if (!ATTACHMENT_BY_EXTENSION[extensionOf(name)]) {
    // No usable extension: the bytes name it, else the provider's content type.
    const sniffed = sniff(m.bytes.subarray(0, SNIFF_BYTES), NAMED_BY_BYTES)
    const ext = (sniffed && MIME_EXTENSION[sniffed]) || MIME_EXTENSION[mime]
    if (ext) name = cleanFileName(`${name}.${ext}`, 'file')
  }
  const rule = ATTACHMENT_BY_EXTENSION[extensionOf(name)]
  const types = voice ? VOICE_TYPES : rule?.bytes
  if (!types) return { refused: 'E_FILE_TYPE' }
  try {
    const got = await ctx.files.put(tenantId, Readable.from([m.bytes]), {
      types,
      maxBytes: ATTACHMENT_MAX_BYTES,
      declaredLength: m.bytes.length,
    })
    const [row] = await ctx.db.orm
      .insert(schema.files)
      .values({
        tenantId,
        sha256: got.sha256,
        name,
        type: voice ? got.type : (rule?.mime ?? got.type),
        size: got.size,
        // A provider's length is a hint: bounded to a day (1e308 failed the insert: probe 15 F5).
        durationMs: voice ? Math.min(MAX_VOICE_MS, Math.max(0, Math.round(m.voiceMs ?? 0) || 0)) : null,
      })
      .returning({ id: schema.files.id })
    if (!row) throw new Error('file insert returned nothing')
    return { fileId: row.id }
  } catch (e) {
    if (e instanceof AppError) return { refused: e.code }
    throw e
  }
}

/** A voice message's stated length at most (a day). */
const MAX_VOICE_MS = 86_400_000

/** Media fetched per webhook call at most; the rest are stored with a note naming them. */
export const MEDIA_PER_WEBHOOK = 10

/** Why a client's file was not kept, in both languages (what an operator reads in the chat). */
const REFUSAL_REASONS: Record<string, string> = {
  E_FILE_TYPE: 'тип файла не разрешён / file type not allowed',
  E_FILE_TOO_LARGE: 'файл слишком большой / file too large',
  E_PROVIDER: 'не удалось получить файл у провайдера / could not fetch the file from the provider',
  E_FILE_STORE: 'файл не удалось сохранить / the file could not be kept',
  TOO_MANY: `больше ${MEDIA_PER_WEBHOOK} вложений в одном запросе / more than ${MEDIA_PER_WEBHOOK} attachments in one webhook`,
}

/** The note a message carries for a file not kept: `[Вложение не принято / attachment refused: name — reason]`. */
export function refusalNote(name: string | null | undefined, code: string): string {
  const reason = REFUSAL_REASONS[code] ?? 'файл не принят / file refused'
  const shown = name ? `${cleanFileName(inertName(name) ?? '', 'file')} — ` : ''
  return `[Вложение не принято / attachment refused: ${shown}${reason}]`
}

/** What a message with neither text nor a kept file says (it is not stored empty). */
export const EMPTY_NOTE = '(пустое сообщение / empty message)'

/** Whether this provider message is already stored (a repeat after its queue row was purged: no fetch). */
async function alreadyStored(q: Db['orm'], tenantId: string, channelId: string, providerMsgId: string) {
  const [row] = await q
    .select({ id: schema.messages.id })
    .from(schema.messages)
    .where(
      and(
        eq(schema.messages.tenantId, tenantId),
        eq(schema.messages.clientMsgId, inboundMsgId(channelId, providerMsgId)),
      ),
    )
  return !!row
}

/** A client message as the inbound queue keeps it (its text never empty: a note says what it was). */
function queued(channel: GatewayChannel, m: Incoming, text: string, fileId: string | null): QueuedMessage {
  return {
    channelId: channel.id,
    clientAddress: m.clientAddress,
    providerMsgId: m.providerMsgId,
    clientName: m.clientName ? inertName(m.clientName) : null,
    clientPhone: m.clientPhone ?? null,
    text: !fileId && !text.trim() ? EMPTY_NOTE : text,
    fileId,
    requestInfo: m.requestInfo ?? null,
  }
}

const withNote = (text: string, note: string) => `${text}${text ? '\n' : ''}${note}`

/**
 * A media message: its provider id claimed in the queue first (a repeat on any instance fetches
 * nothing), then its media fetched and kept as a chat file, then queued with it. True when new.
 */
async function queueMedia(
  ctx: GatewayContext,
  channel: GatewayChannel,
  m: Incoming,
  mediaAllowed: boolean,
): Promise<boolean> {
  if (!m.media) return false
  // Stored with this if the fetch never finishes (the webhook's process died).
  const fallback = queued(channel, m, withNote(m.text, refusalNote(m.mediaName, 'E_PROVIDER')), null)
  const id = await claimMedia(ctx.db.orm, channel.tenantId, fallback)
  if (id === null) return false
  let fileId: string | null = null
  let note: string | null = null
  if (await alreadyStored(ctx.db.orm, channel.tenantId, channel.id, m.providerMsgId))
    note = null // stored long ago: the queue settles the row as a duplicate
  else if (!mediaAllowed) note = refusalNote(m.mediaName, 'TOO_MANY')
  else {
    const policy = mediaPolicy(channel)
    const media = await m.media((url, headers) => fetchMedia(policy, url, headers)).catch(() => null)
    // A failure of ours keeping the file must not lose the message (its claim would sit `fetching`
    // and a retry be answered 200 with nothing stored): it is stored with a note instead.
    const kept = media
      ? await storeMedia(ctx, channel.tenantId, media).catch((e: unknown) => {
          ctx.onError?.(e)
          return { refused: 'E_FILE_STORE' }
        })
      : { refused: 'E_PROVIDER' }
    if ('fileId' in kept) fileId = kept.fileId
    else note = refusalNote(media?.name ?? m.mediaName, kept.refused)
  }
  const q = queued(channel, m, note ? withNote(m.text, note) : m.text, fileId)
  await mediaDone(ctx.db.orm, id, { text: q.text, fileId })
  return true
}

/** The channel a webhook came in on: its ids, and kind and config (the media policy's data). */
export interface GatewayChannel {
  id: string
  tenantId: string
  kind: string
  config: Record<string, unknown>
}

/**
 * Stage 1 of the ingest (ingest.ts): queues the client messages of one webhook call, each once by the
 * provider's id, in their order — text in one insert, a media message once its media is kept (at most
 * MEDIA_PER_WEBHOOK are fetched) — and wakes the worker that stores them in the chats. Once this
 * returns the messages are durable and the webhook may answer 200. Returns how many were new.
 */
export async function ingest(
  ctx: GatewayContext,
  channel: GatewayChannel,
  items: readonly Incoming[],
): Promise<number> {
  capped(items.length)
  let created = 0
  let mediaLeft = MEDIA_PER_WEBHOOK
  let plain: QueuedMessage[] = []
  const flush = async () => {
    created += await (ctx.stage1
      ? ctx.stage1.add(channel.tenantId, plain)
      : enqueueInbound(ctx.db.orm, channel.tenantId, plain))
    plain = []
  }
  for (const m of items) {
    if (!m.media) {
      plain.push(queued(channel, m, m.text, null))
      continue
    }
    await flush()
    if (await queueMedia(ctx, channel, m, mediaLeft-- > 0)) created++
  }
  await flush()
  ctx.inbound?.kick()
  return created
}

/**
 * Messages and statuses one provider call may carry (probe 15 F1, F4). Providers batch far fewer; a
 * call over it is refused whole (413), before anything is queued: 6,000 messages were a 503 forever
 * (over the group commit's bound), and 12,000 statuses held the database for seconds.
 */
export const ITEMS_PER_WEBHOOK = 1000

function capped(n: number): void {
  if (n > ITEMS_PER_WEBHOOK) throw new AppError('E_WEBHOOK_TOO_MANY')
}

/**
 * Applies a provider's receipts to our messages (forward only: sent → delivered → read; failed).
 * One read first finds which ids are operator messages of this channel, so a call of made-up ids costs
 * one statement (probe 15 F1), and a repeated (id, state) is applied once.
 */
export async function applyReceipts(
  ctx: GatewayContext,
  channel: { id: string; tenantId: string },
  rs: readonly Receipt[],
) {
  capped(rs.length)
  if (!rs.length) return
  const ids = [...new Set(rs.map((r) => r.externalId))]
  const known = new Set(
    (
      await queryRows<{ external_id: string }>(
        ctx.db.orm,
        sql`SELECT DISTINCT m.external_id FROM messages m
            WHERE m.tenant_id = ${channel.tenantId}::uuid AND m.author = 'operator'
              AND m.external_id = ANY(${sql.param(ids)}::text[])
              AND m.chat_id IN (SELECT id FROM chats WHERE tenant_id = ${channel.tenantId}::uuid
                AND channel_id = ${channel.id}::uuid)`,
      )
    ).map((r) => r.external_id),
  )
  const seen = new Set<string>()
  for (const r of rs) {
    const k = `${r.externalId}\u0000${r.state}`
    if (!known.has(r.externalId) || seen.has(k)) continue
    seen.add(k)
    await recordDelivery(
      ctx.db.orm,
      channel.tenantId,
      { channelId: channel.id, externalId: r.externalId },
      { state: r.state },
    )
  }
}

/**
 * A call to a provider's send API, its answer's text. A dead connection, 429 or 5xx is thrown as a plain error (the
 * delivery job retries with backoff); any other 4xx is a PermanentFailure (the message is `failed`).
 */
export async function callProviderRaw(url: string, init: RequestInit): Promise<string> {
  let res: Response
  try {
    res = await providerFetch(url, { ...init, signal: AbortSignal.timeout(15_000) })
  } catch (e) {
    // A private address (typed or resolved) stays refused however often it is retried.
    if ((e as NodeJS.ErrnoException).code === 'EPRIVATE')
      throw new PermanentFailure(`provider refused: ${(e as Error).message}`)
    throw new Error(`provider unreachable: ${(e as Error).message}`)
  }
  const text = await res.text()
  if (res.status === 429 || res.status >= 500) throw new Error(`provider answered ${res.status}`)
  if (!res.ok) throw new PermanentFailure(`provider refused (${res.status}): ${text.slice(0, 300)}`)
  return text
}

/** `callProviderRaw`, the answer parsed as JSON (the text itself when it is not JSON). */
export async function callProvider(url: string, init: RequestInit): Promise<unknown> {
  const text = await callProviderRaw(url, init)
  try {
    return text ? JSON.parse(text) : null
  } catch {
    return text
  }
}

/** A JSON POST to a provider. */
export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  callProvider(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })

/** The file of an operator's message (bytes, name, type), or null for a text message. */
export async function fileOf(
  ctx: GatewayContext,
  d: Deliverable,
): Promise<{ bytes: Buffer; name: string; type: string; voice: boolean } | null> {
  const f = d.message.file
  if (!f) return null
  const row = await fileForRead(ctx.db.orm, d.chat.tenantId, f.id)
  const at = row ? await ctx.files.stat(d.chat.tenantId, row.sha256) : null
  if (!row || !at) throw new PermanentFailure('the file is gone')
  return { bytes: await readFile(at.path), name: row.name, type: row.type, voice: d.message.kind === 'voice' }
}

/** A file's bytes as a multipart part. */
export const blobOf = (f: { bytes: Buffer; type: string }) =>
  new Blob([new Uint8Array(f.bytes)], { type: f.type })

/** The client's address of the chat a message goes to; a chat without one cannot be sent to. */
export function recipientOf(d: Deliverable): string {
  if (!d.chat.clientAddress) throw new PermanentFailure('the chat has no client address')
  return d.chat.clientAddress
}

/** A non-empty string field of a provider's answer, or a PermanentFailure naming what is missing. */
export function answerId(x: unknown, what: string): string {
  const id = idOf(x, 300)
  if (!id) throw new Error(`the provider's answer has no ${what}`)
  return id
}
