/**
 * SPEC N1/N2: the notification a push shows, as a pure function of the typed payload (contract/push.ts).
 * Actions where the platform has them (Chromium, Android); where it has none (iOS) a tap does the
 * main thing (sw/clicks.ts). The worker has no i18n module: the browser's language picks RU or EN.
 */
import { type PushPayload, pushTag } from '../contract/push.ts'

export type Lang = 'ru' | 'en'

/** The action ids the click handler understands. */
export type PushAction = 'answer' | 'decline' | 'open' | 'take' | 'accept'

const T = {
  en: {
    call: 'Incoming call',
    missed: 'Missed call',
    chat: 'New chat',
    chats: (n: number) => `New chats: ${n}`,
    lead: 'New lead',
    transfer: 'Chat transfer',
    transferFrom: (n: string) => `${n} offers you a chat`,
    answer: 'Answer',
    decline: 'Decline',
    open: 'Open',
    take: 'Take',
    accept: 'Accept',
    app: 'Frontline',
  },
  ru: {
    call: 'Входящий звонок',
    missed: 'Пропущенный звонок',
    chat: 'Новый чат',
    chats: (n: number) => `Новых чатов: ${n}`,
    lead: 'Новая заявка',
    transfer: 'Передача чата',
    transferFrom: (n: string) => `${n} передаёт вам чат`,
    answer: 'Ответить',
    decline: 'Отклонить',
    open: 'Открыть',
    take: 'Взять',
    accept: 'Принять',
    app: 'Frontline',
  },
} as const

export interface NotificationSpec {
  title: string
  options: NotificationOptions & { actions?: { action: PushAction; title: string }[] }
}

/** The worker's language from the browser's (RU for Russian and Ukrainian users, else EN). */
export function langOf(language: string | undefined): Lang {
  return /^(ru|uk|be|kk)\b/i.test(language ?? '') ? 'ru' : 'en'
}

/** What to show for a payload; `now` decides whether a call push still rings. */
export function notificationFor(p: PushPayload, lang: Lang, now: number = Date.now()): NotificationSpec {
  const t = T[lang]
  const base = { tag: pushTag(p), icon: '/icon-192.png', badge: '/icon-192.png', data: p }
  const who = (name: string | null, number: string) => (name ? `${name} · ${number}` : number)
  switch (p.kind) {
    case 'call': {
      // A push that arrives after the ring time is over shows as what it became: missed.
      if (Date.parse(p.ringUntil) <= now)
        return {
          title: t.missed,
          options: { ...base, body: who(p.fromName, p.from), data: { ...p, kind: 'missed_call' } },
        }
      return {
        title: t.call,
        options: {
          ...base,
          body: who(p.fromName, p.from),
          requireInteraction: true,
          actions: [
            { action: 'answer', title: t.answer },
            { action: 'decline', title: t.decline },
          ],
        },
      }
    }
    case 'missed_call':
      return { title: t.missed, options: { ...base, body: who(p.fromName, p.from), renotify: true } as never }
    case 'chat':
      return {
        title: p.clientName ? `${t.chat}: ${p.clientName}` : t.chat,
        options: {
          ...base,
          body: p.preview,
          // With the Accept button off, opening takes the chat (T3): one action does both.
          actions: p.acceptButton
            ? [
                { action: 'open', title: t.open },
                { action: 'take', title: t.take },
              ]
            : [{ action: 'open', title: t.open }],
        },
      }
    case 'chats':
      return { title: t.chats(p.count), options: { ...base, actions: [{ action: 'open', title: t.open }] } }
    case 'lead':
      return {
        title: `${t.lead}: ${p.name}`,
        options: { ...base, body: p.comment, actions: [{ action: 'open', title: t.open }] },
      }
    case 'transfer':
      return {
        title: t.transfer,
        options: {
          ...base,
          body: [t.transferFrom(p.fromName), p.clientName, p.comment].filter(Boolean).join(' · '),
          requireInteraction: true,
          actions: [
            { action: 'accept', title: t.accept },
            { action: 'decline', title: t.decline },
          ],
        },
      }
  }
}

/** Whether a parsed push is one of ours (anything else shows a plain notification). */
export function isPushPayload(v: unknown): v is PushPayload {
  if (!v || typeof v !== 'object') return false
  const p = v as Record<string, unknown>
  const str = (k: string) => typeof p[k] === 'string'
  if (typeof p.seq !== 'number') return false
  switch (p.kind) {
    case 'call':
      return str('callId') && str('from') && str('ringUntil')
    case 'missed_call':
      return str('callId') && str('from')
    case 'chat':
      return str('chatId') && str('preview') && typeof p.acceptButton === 'boolean'
    case 'chats':
      return typeof p.count === 'number'
    case 'lead':
      return str('leadId') && str('name')
    case 'transfer':
      return str('offerId') && str('chatId') && str('fromName')
    default:
      return false
  }
}
