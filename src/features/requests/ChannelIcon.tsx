/**
 * A chat's channel as a small badge on the row's avatar (probe 12 UI #5): at 360 px the channel's name
 * took the row's second line and left the client's words five letters ("Чат на сайте · Здрав…"). The
 * badge carries the channel's name for a screen reader (role img) and as a tooltip.
 */
import type { JSX } from 'solid-js'
import type { ChannelKind } from '../../../contract/chats.ts'
import { PathIcon } from '../../lib/ui/index.ts'
import { channelText } from './text.ts'

const BUBBLE = 'M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z'
const PLANE = 'M2.01 21 23 12 2.01 3 2 10l15 2-15 2z'
const HANDSET =
  'M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25c1.1.37 2.3.57 3.6.57a1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z'

/** Each channel kind's glyph and colour (the compiler keeps the table complete). */
const LOOK: Record<ChannelKind, { d: string; bg: string }> = {
  webchat: { d: BUBBLE, bg: '#1a5fd0' },
  whatsapp: { d: HANDSET, bg: '#1a7f45' },
  telegram: { d: PLANE, bg: '#1b7fb8' },
  telegram_bot: { d: PLANE, bg: '#1b7fb8' },
  viber: { d: HANDSET, bg: '#6a3fb5' },
  messenger: {
    d: 'M12 2C6.5 2 2 6.1 2 11.2c0 2.9 1.5 5.5 3.8 7.2V22l3.4-1.9c.9.3 1.8.4 2.8.4 5.5 0 10-4.1 10-9.2S17.5 2 12 2zm1 12.4-2.5-2.7-5 2.7 5.5-5.8 2.6 2.7 4.9-2.7z',
    bg: '#2a63d9',
  },
  vk: {
    d: 'M16 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm-8 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm0 2c-2.3 0-7 1.2-7 3.5V19h14v-2.5C15 14.2 10.3 13 8 13zm8 0c-.3 0-.6 0-1 .1 1.2.8 2 1.9 2 3.4V19h6v-2.5c0-2.3-4.7-3.5-7-3.5z',
    bg: '#2b6cb0',
  },
  avito: {
    d: 'M21.4 11.6l-9-9A2 2 0 0 0 11 2H4a2 2 0 0 0-2 2v7c0 .55.22 1.05.59 1.42l9 9a2 2 0 0 0 2.82 0l7-7a2 2 0 0 0 0-2.82zM5.5 7A1.5 1.5 0 1 1 7 5.5 1.5 1.5 0 0 1 5.5 7z',
    bg: '#0a7d6e',
  },
  autoru: {
    d: 'M18.9 6a1.5 1.5 0 0 0-1.4-1h-11a1.5 1.5 0 0 0-1.4 1L3 12v8a1 1 0 0 0 1 1h1a1 1 0 0 0 1-1v-1h12v1a1 1 0 0 0 1 1h1a1 1 0 0 0 1-1v-8zM6.5 16a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3zm11 0a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3zM5 11l1.5-4.5h11L19 11z',
    bg: '#b3261e',
  },
  email: {
    d: 'M20 4H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2zm0 4-8 5-8-5V6l8 5 8-5z',
    bg: '#5b6475',
  },
  sms: {
    d: 'M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2zM9 11H7V9h2zm4 0h-2V9h2zm4 0h-2V9h2z',
    bg: '#8a5a00',
  },
}

/** The channel's badge, named by the channel ("Чат на сайте", "Telegram"). */
export function ChannelBadge(props: { kind: ChannelKind }): JSX.Element {
  const look = () => LOOK[props.kind] ?? LOOK.webchat
  return (
    <span
      class="chan-badge"
      role="img"
      aria-label={channelText(props.kind)}
      title={channelText(props.kind)}
      style={{ background: look().bg }}
    >
      <PathIcon d={look().d} size={12} />
    </span>
  )
}
