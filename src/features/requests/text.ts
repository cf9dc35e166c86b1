/** How chats and messages read as text in lists and quotes (client content is always plain text). */
import type { ChatView, MessageView } from '../../../contract/chats.ts'
import { type MessageKey, t } from '../../lib/i18n/index.ts'

/** The channel's name for people. */
export function channelText(channel: ChatView['channel']): string {
  return channel === 'webchat' ? t('requests.channel.webchat') : t('requests.channel.other')
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
          : m.preview
  return m.author === 'operator' ? t('requests.you', { text: body }) : body
}

/** System messages carry a key the app translates (the server's COMPLETED_TEXT is 'chat.completed'). */
const SYSTEM_TEXT: Record<string, MessageKey> = { 'chat.completed': 'chat.completed' }

/** The text a message shows: system messages in the UI language, the rest as written. */
export function shownText(m: Pick<MessageView, 'author' | 'text'>): string {
  const key = m.author === 'system' ? SYSTEM_TEXT[m.text] : undefined
  return key ? t(key) : m.text
}

/** A message as one line (quotes, the reply bar). */
export function messageLine(m: Pick<MessageView, 'author' | 'kind' | 'text' | 'file'>): string {
  if (m.kind === 'voice') return t('requests.preview.voice')
  if (m.kind === 'file') return m.text || t('requests.preview.file', { name: m.file?.name ?? '' })
  return shownText(m).replace(/\s+/g, ' ').slice(0, 140)
}
