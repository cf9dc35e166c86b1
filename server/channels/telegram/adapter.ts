/**
 * Operators' messages out to Telegram (issue 8 §2), run by the delivery job (../external.ts): text by
 * sendMessage, images by sendPhoto, Ogg voice messages by sendVoice, everything else by sendDocument,
 * uploaded as multipart from the file store. A reply to a message Telegram knows carries
 * `reply_parameters`. The id Telegram gives the (first) sent message is recorded as `<chat>:<id>`.
 *
 * Limits (Bot API): a text over 4096 characters is split into several messages at line or word
 * breaks; a caption over 1024 goes as its own text message(s) after the file; a photo over 10 MB goes
 * as a document. A job runs at least once, so a retry after a partly sent split text may repeat a part.
 *
 * Errors: 429 → retried when Telegram says (`retry_after`); other 4xx (blocked by the user, chat not
 * found, bad token) → failed for good; 5xx and network failures → retried with backoff.
 */
import { readFile } from 'node:fs/promises'
import type { ReplyParameters } from '@grammyjs/types'
import { fileForRead } from '../../domain/chats/index.ts'
import { PermanentFailure, RetryAt } from '../../jobs/index.ts'
import type { ExternalAdapter, Sent } from '../external.ts'
import {
  type Bot,
  BotApiError,
  CAPTION_MAX,
  callBot,
  FILE_UPLOAD_MAX_BYTES,
  PHOTO_UPLOAD_MAX_BYTES,
  TEXT_MAX,
} from './botapi.ts'
import { botOf, providerMsgId } from './inbound.ts'

const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp'])

/** Splits a text into parts of at most `max` UTF-16 units, at a line break or space when one is near. */
export function splitText(text: string, max = TEXT_MAX): string[] {
  const parts: string[] = []
  let rest = text
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max)
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max)
    if (cut < max / 2) cut = max
    // Never between the halves of a surrogate pair.
    const c = rest.charCodeAt(cut - 1)
    if (c >= 0xd800 && c <= 0xdbff) cut -= 1
    parts.push(rest.slice(0, cut))
    rest = rest.slice(cut).replace(/^[\n ]/, '')
  }
  if (rest.length || !parts.length) parts.push(rest)
  return parts
}

/** A voice message is stored as "voice": the client's app wants an extension to open the document. */
function withExtension(name: string, type: string): string {
  const ext = /^audio\/(webm|ogg)$/.exec(type)?.[1]
  return ext && !/\.[A-Za-z0-9]{1,5}$/.test(name) ? `${name}.${ext}` : name
}

/** The Telegram message id in a provider id `<chat>:<message>`, or null. */
function messageIdOf(externalId: string | null): number | null {
  const m = externalId ? /:(\d{1,15})$/.exec(externalId) : null
  return m ? Number(m[1]) : null
}

/** Maps a Bot API failure to the job's retry rules. */
function jobError(e: unknown): unknown {
  if (!(e instanceof BotApiError)) return e
  if (e.status === 429)
    return new RetryAt(new Date(Date.now() + Math.max(1, e.retryAfter ?? 1) * 1000), e.message)
  if (e.status >= 400 && e.status < 500) return new PermanentFailure(e.message)
  return e
}

export const telegramBotAdapter: ExternalAdapter = {
  kind: 'telegram_bot',
  async send(d, ctx): Promise<Sent> {
    const bot: Bot | null = botOf(d.channel)
    if (!bot) throw new PermanentFailure('telegram_bot channel without a token')
    const address = d.chat.clientAddress
    if (!address || !/^-?\d{1,15}$/.test(address)) throw new PermanentFailure('not a Telegram chat id')
    const chatId = Number(address)
    const replyTo = messageIdOf(d.replyToExternalId)
    const reply: ReplyParameters | undefined = replyTo
      ? { message_id: replyTo, allow_sending_without_reply: true }
      : undefined
    const { message } = d
    try {
      let first: number | null = null
      let text = message.text
      if (message.file) {
        const row = await fileForRead(ctx.db.orm, d.chat.tenantId, message.file.id)
        if (!row) throw new PermanentFailure('the file is gone')
        if (row.size > FILE_UPLOAD_MAX_BYTES) throw new PermanentFailure('over the Bot API upload limit')
        const bytes = await readFile(ctx.files.pathOf(d.chat.tenantId, row.sha256))
        const file = new File([bytes], withExtension(row.name, row.type), { type: row.type })
        const caption = text.length <= CAPTION_MAX && text ? text : undefined
        if (caption !== undefined || text.length <= CAPTION_MAX) text = ''
        const common = { chat_id: chatId, caption, reply_parameters: reply }
        const sent =
          PHOTO_TYPES.has(row.type) && row.size <= PHOTO_UPLOAD_MAX_BYTES
            ? await callBot(bot, 'sendPhoto', { ...common, photo: file })
            : message.kind === 'voice' && row.type === 'audio/ogg'
              ? await callBot(bot, 'sendVoice', {
                  ...common,
                  voice: file,
                  duration: row.durationMs ? Math.max(1, Math.round(row.durationMs / 1000)) : undefined,
                })
              : await callBot(bot, 'sendDocument', { ...common, document: file })
        first = sent.message_id
      }
      if (text) {
        for (const part of splitText(text)) {
          const sent = await callBot(bot, 'sendMessage', {
            chat_id: chatId,
            text: part,
            reply_parameters: first === null ? reply : undefined,
          })
          first ??= sent.message_id
        }
      }
      return { externalId: first === null ? null : providerMsgId(chatId, first) }
    } catch (e) {
      throw jobError(e)
    }
  },
}
