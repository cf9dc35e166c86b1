/** How chats and messages read as text in lists and quotes (client content is always plain text). */
import type { ChannelKind, ChatView, MessageView } from '../../../contract/chats.ts'
import { fmtDate, type MessageKey, t } from '../../lib/i18n/index.ts'
import { phoneBookName } from '../../lib/phonebook/index.ts'

/**
 * Bidi embedding/override/isolate controls (U+202A–U+202E, U+2066–U+2069): in someone's text they
 * reorder what follows ("exe.txt" shown for "txt.exe"). Shown text drops them; the stored text keeps them.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g

/** Text as the app shows it: without bidi controls (render it with `dir="auto"`). */
export function displayText(s: string): string {
  return s.replace(BIDI_CONTROLS, '')
}

/** The channel's name for people. */
export function channelText(channel: ChatView['channel']): string {
  return t(CHANNEL_NAMES[channel] ?? 'requests.channel.other')
}

/** Every channel kind by its own name (the compiler keeps this table complete). */
export const CHANNEL_NAMES: Record<ChannelKind, MessageKey> = {
  webchat: 'channels.kind.webchat',
  whatsapp: 'channels.kind.whatsapp',
  telegram: 'channels.kind.telegram',
  telegram_bot: 'channels.kind.telegram_bot',
  viber: 'channels.kind.viber',
  messenger: 'channels.kind.messenger',
  vk: 'channels.kind.vk',
  avito: 'channels.kind.avito',
  autoru: 'channels.kind.autoru',
  email: 'channels.kind.email',
  sms: 'channels.kind.sms',
}

/**
 * A channel as one line: kind, name and address, each once ("E-mail support@x.ru", not
 * "E-mail · E-mail support@x.ru (support@x.ru)"): a name that already says the kind or the address
 * is not repeated.
 */
export function channelLine(c: { kind: ChannelKind; name: string; address?: string | null }): string {
  const kind = channelText(c.kind)
  const name = displayText(c.name).trim()
  const addr = displayText(c.address ?? '').trim()
  let out = !name ? kind : name.toLowerCase().includes(kind.toLowerCase()) ? name : `${kind} · ${name}`
  if (addr && !out.toLowerCase().includes(addr.toLowerCase())) out += ` (${addr})`
  return out
}

/** A client's name (or a chat's subject) as shown anywhere: cleaned like any client text, else "Visitor". */
export function clientNameText(name: string | null | undefined): string {
  return displayText(name ?? '').trim() || t('requests.visitor')
}

/** A chat's last message as one line of text. */
export function previewText(m: ChatView['lastMessage']): string {
  if (!m) return t('requests.preview.none')
  const body =
    m.kind === 'voice'
      ? t('requests.preview.voice')
      : m.kind === 'file' && !m.preview
        ? t('requests.preview.file', { name: '' })
        : m.author === 'system'
          ? shownText({ author: 'system', text: m.preview })
          : displayText(m.preview)
  return m.author === 'operator' ? t('requests.you', { text: body }) : body
}

/** System messages carry a key the app translates (the server's COMPLETED_TEXT is 'chat.completed'). */
const SYSTEM_TEXT: Record<string, MessageKey> = { 'chat.completed': 'chat.completed' }

/** The text a message shows: system messages in the UI language, the rest as written. */
export function shownText(m: Pick<MessageView, 'author' | 'text'>): string {
  const key = m.author === 'system' ? SYSTEM_TEXT[m.text] : undefined
  return key ? t(key) : displayText(m.text)
}

/** A message as one line (quotes, the reply bar). */
export function messageLine(m: Pick<MessageView, 'author' | 'kind' | 'text' | 'file'>): string {
  if (m.kind === 'voice') return t('requests.preview.voice')
  if (m.kind === 'file')
    return displayText(m.text || t('requests.preview.file', { name: m.file?.name ?? '' }))
  return shownText(m).replace(/\s+/g, ' ').slice(0, 140)
}

/**
 * A template's text with its placeholders filled (T5): `{operator}` the operator's name, `{client}`
 * the client's (when known; else the placeholder goes, with the space or comma before it).
 */
export function fillTemplate(text: string, who: { operator: string; client: string | null }): string {
  const out = text.replaceAll('{operator}', who.operator)
  return who.client ? out.replaceAll('{client}', who.client) : out.replace(/[ ,]*\{client\}/g, '')
}

/** A chat row's time (T2): today the time only; otherwise date and time. */
export function when(iso: string): string {
  const d = new Date(iso)
  const sameDay = d.toDateString() === new Date().toDateString()
  return fmtDate(d, sameDay ? { timeStyle: 'short' } : { dateStyle: 'short', timeStyle: 'short' })
}

/** The name a chat row shows. A4: the phone's own book names a client's number first when the operator prefers it. */
export const chatName = (c: Pick<ChatView, 'clientPhone' | 'clientName'>): string =>
  phoneBookName(c.clientPhone) ?? (displayText(c.clientName?.trim() ?? '') || t('requests.visitor'))
