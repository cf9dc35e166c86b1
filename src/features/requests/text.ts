/** How chats and messages read as text in lists and quotes (client content is always plain text). */
import type { ChatView, MessageView } from '../../../contract/chats.ts'
import { type MessageKey, t } from '../../lib/i18n/index.ts'

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

/** Channels with a name of their own; the rest read as "Messenger". One line per channel kind. */
const CHANNEL_NAMES: Partial<Record<ChatView['channel'], MessageKey>> = {
  webchat: 'requests.channel.webchat',
  email: 'requests.channel.email',
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
