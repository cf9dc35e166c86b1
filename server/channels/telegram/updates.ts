/**
 * What we take from a Telegram update (https://core.telegram.org/bots/api#update): a `message` in a
 * private chat with the bot — text, or a photo (its largest size), document, voice, audio, video or
 * video note with its caption as the text. Anything else a client sends there (a sticker, a location
 * …) is kept as a visible note; updates of other kinds and group chats are ignored (a support bot
 * answers people, not groups). The body is untrusted JSON: every field is checked before use.
 */
import type { Message, PhotoSize, Update } from '@grammyjs/types'
import { MESSAGE_MAX_CHARS } from '../../../contract/chats.ts'

/** A file the message carries, to fetch with getFile. */
export interface FileRef {
  fileId: string
  /** As Telegram declares it (checked again against getFile's answer and the bytes). */
  size: number | null
  /** How it is stored: a voice message (needs its length) or a file by its name's extension. */
  kind: 'file' | 'voice'
  name: string
  durationMs: number | null
  /** For notes: what the client sent. */
  what: 'photo' | 'document' | 'voice' | 'audio' | 'video' | 'video note'
}

export interface TelegramInbound {
  updateId: number
  /** The client's address: the private chat's id. */
  chatId: string
  messageId: number
  clientName: string | null
  text: string
  file: FileRef | null
  /** A message kind we do not take (sticker, location …), shown as a note. */
  unsupported: string | null
}

const obj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null
const int = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x)
const str = (x: unknown): x is string => typeof x === 'string'

/** Text PostgreSQL can keep: no NUL, no lone surrogate, within the message limit. */
export function storable(s: string, max = MESSAGE_MAX_CHARS): string {
  const clean = wellFormed(s.replaceAll('\u0000', ''))
  return clean.length > max ? wellFormed(clean.slice(0, max)) : clean
}

/** String.prototype.toWellFormed (ES2024): a lone surrogate becomes U+FFFD. */
const wellFormed = (s: string) =>
  s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')

/** A display name from a Telegram user: first and last name, else @username. */
function nameOf(from: unknown): string | null {
  if (!obj(from)) return null
  const full = [from.first_name, from.last_name].filter(str).join(' ').trim()
  const name = full || (str(from.username) ? `@${from.username}` : '')
  // Format characters (bidi overrides) and controls would only garble the operator's list.
  const plain = storable(
    name
      .replaceAll('\u0000', '')
      .replace(/\p{Cf}/gu, '')
      .replace(/\p{Cc}+/gu, ' '),
    200,
  ).trim()
  return plain || null
}

/** The largest size of a photo (Telegram lists them ascending; we do not rely on it). */
function largest(sizes: readonly PhotoSize[]): PhotoSize | null {
  let best: PhotoSize | null = null
  const area = (p: PhotoSize) => (int(p.file_size) ? p.file_size : p.width * p.height)
  for (const p of sizes) if (obj(p) && str(p.file_id) && (!best || area(p) > area(best))) best = p
  return best
}

/** A file extension for a MIME type Telegram declares, when the name has none. */
const EXT_BY_MIME: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'video/mp4': 'mp4',
  'text/plain': 'txt',
}

function named(fileName: unknown, mime: unknown, fallback: string): string {
  if (str(fileName) && fileName.trim()) return storable(fileName, 255)
  const ext = str(mime) ? EXT_BY_MIME[mime.toLowerCase()] : undefined
  return ext ? `${fallback}.${ext}` : fallback
}

const size = (x: unknown) => (int(x) && x >= 0 ? x : null)
const seconds = (x: unknown) => (int(x) && x > 0 ? x * 1000 : null)

function fileOf(m: Message): FileRef | { unsupported: string } | null {
  if (Array.isArray(m.photo) && m.photo.length) {
    const p = largest(m.photo)
    if (!p) return { unsupported: 'photo' }
    return {
      fileId: p.file_id,
      size: size(p.file_size),
      kind: 'file',
      name: 'photo.jpg',
      durationMs: null,
      what: 'photo',
    }
  }
  const v = m.voice
  if (obj(v) && str(v.file_id)) {
    // Voice notes are Ogg/Opus; one recorded another way is kept as an audio file.
    const ogg = !str(v.mime_type) || v.mime_type === 'audio/ogg'
    return {
      fileId: v.file_id,
      size: size(v.file_size),
      kind: ogg ? 'voice' : 'file',
      name: ogg ? 'voice.ogg' : named(null, v.mime_type, 'voice'),
      // A voice shorter than a second has duration 0; the store wants a length of at least 1 ms.
      durationMs: ogg ? Math.max(1, seconds(v.duration) ?? 1) : null,
      what: 'voice',
    }
  }
  const d = m.document
  if (obj(d) && str(d.file_id))
    return {
      fileId: d.file_id,
      size: size(d.file_size),
      kind: 'file',
      name: named(d.file_name, d.mime_type, 'document'),
      durationMs: null,
      what: 'document',
    }
  const a = m.audio
  if (obj(a) && str(a.file_id))
    return {
      fileId: a.file_id,
      size: size(a.file_size),
      kind: 'file',
      name: named(a.file_name, a.mime_type, 'audio'),
      durationMs: seconds(a.duration),
      what: 'audio',
    }
  const vi = m.video
  if (obj(vi) && str(vi.file_id))
    return {
      fileId: vi.file_id,
      size: size(vi.file_size),
      kind: 'file',
      name: named(vi.file_name, vi.mime_type ?? 'video/mp4', 'video'),
      durationMs: seconds(vi.duration),
      what: 'video',
    }
  const vn = m.video_note
  if (obj(vn) && str(vn.file_id))
    return {
      fileId: vn.file_id,
      size: size(vn.file_size),
      kind: 'file',
      name: 'video-note.mp4',
      durationMs: seconds(vn.duration),
      what: 'video note',
    }
  if (str(m.text)) return null
  // The kinds a client may send a bot that carry no text or file we keep.
  for (const k of [
    'sticker',
    'animation',
    'location',
    'venue',
    'contact',
    'poll',
    'dice',
    'game',
    'story',
  ] as const)
    if (k in m) return { unsupported: k }
  return { unsupported: 'message' }
}

/** The client's message in an update, or null when the update is not one we take (ignored, 200). */
export function parseUpdate(body: unknown): TelegramInbound | null {
  if (!obj(body) || !int(body.update_id)) return null
  const m = (body as unknown as Update).message as unknown
  if (!obj(m) || !int(m.message_id) || !obj(m.chat) || !int(m.chat.id)) return null
  if (m.chat.type !== 'private') return null
  const msg = m as unknown as Message
  const f = fileOf(msg)
  const raw = str(msg.text) ? msg.text : str(msg.caption) ? msg.caption : ''
  return {
    updateId: body.update_id,
    chatId: String(m.chat.id),
    messageId: m.message_id,
    clientName: nameOf(msg.from) ?? nameOf(msg.chat),
    text: storable(raw),
    file: f && 'fileId' in f ? f : null,
    unsupported: f && 'unsupported' in f ? f.unsupported : null,
  }
}
