/**
 * A Telegram client's message in (issue 8 §2): its file fetched with getFile and the file URL, checked
 * against the Bot API's 20 MB download limit and typed by its bytes in the file store, then stored
 * once (receiveInbound dedupes by `<chat id>:<message_id>`, so a redelivered update changes nothing).
 *
 * A file that cannot be kept — over 20 MB, a type SPEC T4 does not allow, bytes that are not what its
 * name says, or a download that fails — is never dropped silently: the message is stored with a
 * visible note in place of the file, and Telegram gets its 200 (it would otherwise redeliver the
 * update for hours). There is no retry of a failed download: the note tells the operator to ask the
 * client to send it again.
 */
import { Readable } from 'node:stream'
import type { ReadableStream as WebStream } from 'node:stream/web'
import { and, eq } from 'drizzle-orm'
import { type Queryable, schema } from '../../db/index.ts'
import { inboundMsgId, receiveInbound, storeFile } from '../../domain/chats/index.ts'
import { AppError } from '../../errors.ts'
import type { FileStore } from '../../files/index.ts'
import { providerFetch } from '../../net/provider-fetch.ts'
import type { ChannelRow } from '../webhooks.ts'
import { apiBaseOf, type Bot, BotApiError, callBot, DOWNLOAD_MAX_BYTES, fileUrl, tokenOf } from './botapi.ts'
import { type FileRef, storable, type TelegramInbound } from './updates.ts'

const DOWNLOAD_TIMEOUT_MS = 20_000

/** Why a file is not in the chat: the note the operator reads instead (both languages: no locale here). */
const NOTES = {
  tooLarge: (f: FileRef) => `[${f.what}: больше 20 МБ, не получено · over 20 MB, not received]`,
  refused: (f: FileRef) => `[${f.name}: тип файла не принят · file type refused]`,
  failed: (f: FileRef) =>
    `[${f.what}: не удалось получить, попросите прислать снова · could not be fetched, ask to resend]`,
  unsupported: (kind: string) => `[Telegram ${kind}: не поддерживается · not supported]`,
}

/** The provider id of a Telegram message: chat id and message id (message ids are per chat). */
export const providerMsgId = (chatId: string | number, messageId: number) => `${chatId}:${messageId}`

/** The bot of a channel row; null without a token. */
export function botOf(channel: Pick<ChannelRow, 'config'>): Bot | null {
  const token = tokenOf(channel.config)
  return token ? { base: apiBaseOf(channel.config), token } : null
}

async function alreadyStored(q: Queryable, tenantId: string, channelId: string, id: string) {
  const rows = await q
    .select({ id: schema.messages.id })
    .from(schema.messages)
    .where(
      and(
        eq(schema.messages.tenantId, tenantId),
        eq(schema.messages.clientMsgId, inboundMsgId(channelId, id)),
      ),
    )
    .limit(1)
  return rows.length > 0
}

/** Fetches a file and stores it; the stored file's id, or the note that replaces it. */
async function fetchFile(
  q: Queryable,
  store: FileStore,
  bot: Bot,
  channel: ChannelRow,
  f: FileRef,
): Promise<{ fileId: string } | { note: string }> {
  if (f.size !== null && f.size > DOWNLOAD_MAX_BYTES) return { note: NOTES.tooLarge(f) }
  let body: Readable | null = null
  try {
    const info = await callBot(bot, 'getFile', { file_id: f.fileId })
    if (typeof info.file_size === 'number' && info.file_size > DOWNLOAD_MAX_BYTES)
      return { note: NOTES.tooLarge(f) }
    if (!info.file_path) return { note: NOTES.failed(f) }
    const res = await providerFetch(fileUrl(bot, info.file_path), {
      signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
    })
    if (!res.ok || !res.body) return { note: NOTES.failed(f) }
    body = Readable.fromWeb(res.body as WebStream<Uint8Array>)
    const stored = await storeFile(q, store, {
      tenantId: channel.tenantId,
      name: f.name,
      kind: f.kind,
      durationMs: f.durationMs,
      body,
      contentLength: res.headers.get('content-length') ?? undefined,
      uploadedBy: { channelId: channel.id },
      maxBytes: DOWNLOAD_MAX_BYTES,
    })
    return { fileId: stored.id }
  } catch (e) {
    if (e instanceof AppError && e.code === 'E_FILE_TOO_LARGE') return { note: NOTES.tooLarge(f) }
    if (e instanceof AppError && (e.code === 'E_FILE_TYPE' || e.code === 'E_VALIDATION'))
      return { note: NOTES.refused(f) }
    if (e instanceof BotApiError || e instanceof TypeError || (e as Error).name === 'TimeoutError')
      return { note: NOTES.failed(f) }
    throw e
  } finally {
    body?.destroy()
  }
}

/** Stores a parsed Telegram message of this channel (idempotent by chat and message id). */
export async function receiveTelegram(
  q: Queryable,
  store: FileStore,
  channel: ChannelRow,
  m: TelegramInbound,
): Promise<{ created: boolean; messageId: string | null }> {
  const id = providerMsgId(m.chatId, m.messageId)
  // A redelivered update: nothing to fetch again.
  if (await alreadyStored(q, channel.tenantId, channel.id, id)) return { created: false, messageId: null }
  const notes: string[] = []
  let fileId: string | null = null
  if (m.file) {
    const bot = botOf(channel)
    const got = bot ? await fetchFile(q, store, bot, channel, m.file) : { note: NOTES.failed(m.file) }
    if ('fileId' in got) fileId = got.fileId
    else notes.push(got.note)
  }
  if (m.unsupported) notes.push(NOTES.unsupported(m.unsupported))
  const text = storable([m.text, ...notes].filter(Boolean).join('\n'))
  const r = await receiveInbound(q, channel.tenantId, {
    channelId: channel.id,
    clientAddress: m.chatId,
    providerMsgId: id,
    clientName: m.clientName,
    text,
    fileId,
  })
  return { created: r.created, messageId: r.message.id }
}
