/** How chats and messages read as text in lists and quotes (client content is always plain text). */
import type { ChatView, MessageView } from '../../../contract/chats.ts'
import { t } from '../../lib/i18n/index.ts'

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
        : m.preview
  return m.author === 'operator' ? t('requests.you', { text: body }) : body
}

/** A message as one line (quotes, the reply bar). */
export function messageLine(m: Pick<MessageView, 'kind' | 'text' | 'file'>): string {
  if (m.kind === 'voice') return t('requests.preview.voice')
  if (m.kind === 'file') return m.text || t('requests.preview.file', { name: m.file?.name ?? '' })
  return m.text.replace(/\s+/g, ' ').slice(0, 140)
}
