/** One chat in a Requests list (T2): who, channel (a badge), last message as text, time or waiting time, unread. */
import { A } from '@solidjs/router'
import { Show } from 'solid-js'
import { lang, t } from '../../lib/i18n/index.ts'
import type { ChatRow } from '../../lib/store/index.ts'
import { ChannelBadge } from './ChannelIcon.tsx'
import { useNow, waitText } from './clock.ts'
import { unreadOf } from './mirror.ts'
import { chatName, previewText, when } from './text.ts'

/** A row linking to the conversation. */
export function ChatListRow(props: { chat: ChatRow }) {
  const c = () => props.chat
  const now = useNow()
  const name = () => chatName(c())
  const unread = () => unreadOf(c())
  // T7: the sender's mark of the latest transfer (offer open, Transferred, or Transfer failed until opened).
  const mark = () => {
    const x = c().transfer
    if (!x) return null
    if (x.state === 'offered') return t('chatTransfer.mark.offered', { name: x.toName })
    return x.state === 'accepted' ? t('chatTransfer.mark.accepted') : t('chatTransfer.mark.failed')
  }
  return (
    <A href={`/requests/${encodeURIComponent(c().id)}`} class="row row-link chat-row chat-entry">
      <span class="chat-avatar">
        <span class="initial" aria-hidden="true">
          {name().slice(0, 1).toUpperCase()}
        </span>
      </span>
      {/* A3: the link is named by what it shows (an aria-label left the preview and time out). */}
      <span class="row-main">
        <span class="row-title" dir="auto">
          <span class="visually-hidden">{t('requests.openPrefix')} </span>
          {name()}
          <Show when={unread() > 0}>
            <span class="visually-hidden">, {t('requests.unreadBadge', { n: unread() })}</span>
          </Show>
        </span>
        {/* Probe 12 UI #5: the channel as a badge on the avatar (list.css places it), so the second line
            is the client's words; here in the DOM so the link reads "Open chat with X, Website chat, …". */}
        <ChannelBadge kind={c().channel} />
        <span class="row-sub chat-preview" dir="auto">
          {previewText(c().lastMessage)}
        </span>
        <Show when={mark()}>
          {(m) => (
            <span class={`small transfer-mark tm-${c().transfer?.state ?? ''}`} role="status">
              {m()}
            </span>
          )}
        </Show>
      </span>
      <span class="chat-row-end">
        <Show
          when={c().state === 'new'}
          fallback={
            <time class="small muted" dateTime={c().lastAt}>
              {when(c().lastAt)}
            </time>
          }
        >
          <span class="chat-wait">
            {t('requests.waiting', { time: waitText(now() - Date.parse(c().waitingOrd), lang()) })}
          </span>
        </Show>
        <Show when={unread() > 0}>
          <span class="unread" aria-hidden="true">
            {unread()}
          </span>
        </Show>
      </span>
    </A>
  )
}
