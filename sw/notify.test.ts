/** N1/N2: each push kind's notification — title, tag, actions — and the no-actions fallbacks. */
import { describe, expect, it } from 'vitest'
import { badgeAfterPush, badgeCount, EMPTY_BADGE, type PushPayload, parseBadge } from '../contract/push.ts'
import { isPushPayload, langOf, notificationFor } from './notify.ts'

const now = Date.parse('2026-11-29T12:00:00Z')
const P = {
  call: {
    kind: 'call',
    seq: 1,
    callId: 'c1',
    from: '+79160000001',
    fromName: 'Мария',
    ringUntil: '2026-11-29T12:00:20Z',
  },
  missed: { kind: 'missed_call', seq: 2, callId: 'c1', from: '+79160000001', fromName: null },
  chatOn: {
    kind: 'chat',
    seq: 3,
    chatId: 'h1',
    channel: 'telegram',
    clientName: 'Пётр',
    preview: 'Добрый день',
    acceptButton: true,
  },
  lead: { kind: 'lead', seq: 4, leadId: 'l1', name: 'Анна', comment: 'Перезвоните' },
  transfer: {
    kind: 'transfer',
    seq: 5,
    offerId: 'o1',
    chatId: 'h1',
    fromName: 'Иван',
    clientName: 'Пётр',
    comment: '',
    deadline: '2026-11-29T12:00:30Z',
  },
} satisfies Record<string, PushPayload>
const actions = (p: PushPayload) => notificationFor(p, 'en', now).options.actions?.map((a) => a.action) ?? []

describe('notificationFor', () => {
  it('an incoming call: Answer / Decline, stays until acted on, tagged by the call', () => {
    const n = notificationFor(P.call, 'ru', now)
    expect(n.title).toBe('Входящий звонок')
    expect(n.options.tag).toBe('call:c1')
    expect(n.options.requireInteraction).toBe(true)
    expect(actions(P.call)).toEqual(['answer', 'decline'])
  })
  it('a call push arriving after the ring time shows as missed, with no Answer', () => {
    const n = notificationFor(P.call, 'en', Date.parse('2026-11-29T12:00:21Z'))
    expect(n.title).toBe('Missed call')
    expect(n.options.actions).toBeUndefined()
    expect(n.options.tag).toBe('call:c1')
  })
  it('a missed call replaces the incoming call (same tag)', () => {
    expect(notificationFor(P.missed, 'en', now).options.tag).toBe(
      notificationFor(P.call, 'en', now).options.tag,
    )
  })
  it('a chat: Open and Take with the Accept button on, Open alone with it off', () => {
    expect(actions(P.chatOn)).toEqual(['open', 'take'])
    expect(actions({ ...P.chatOn, acceptButton: false })).toEqual(['open'])
    expect(notificationFor(P.chatOn, 'en', now).title).toBe('New chat: Пётр')
  })
  it('a transfer: Accept / Decline; a lead: Open', () => {
    expect(actions(P.transfer)).toEqual(['accept', 'decline'])
    expect(actions(P.lead)).toEqual(['open'])
  })
  it('folded chats: one "N new chats" notification with its own tag (a newer one replaces it)', () => {
    const p: PushPayload = { kind: 'chats', seq: 9, count: 7 }
    expect(isPushPayload(p)).toBe(true)
    const en = notificationFor(p, 'en')
    expect(en.title).toBe('New chats: 7')
    expect(en.options.tag).toBe('chats')
    expect(en.options.actions?.map((a) => a.action)).toEqual(['open'])
    expect(notificationFor(p, 'ru').title).toBe('Новых чатов: 7')
  })
  it('shows client text as text (a notification has no markup)', () => {
    const n = notificationFor({ ...P.chatOn, preview: '<img src=x onerror=alert(1)>' }, 'en', now)
    expect(n.options.body).toBe('<img src=x onerror=alert(1)>')
  })
  it('picks the language from the browser', () => {
    expect(langOf('ru-RU')).toBe('ru')
    expect(langOf('uk')).toBe('ru')
    expect(langOf('en-US')).toBe('en')
    expect(langOf(undefined)).toBe('en')
  })
  it('recognises only well-formed payloads', () => {
    for (const p of Object.values(P)) expect(isPushPayload(p)).toBe(true)
    expect(isPushPayload({ kind: 'chat', seq: 1 })).toBe(false)
    expect(isPushPayload({ kind: 'other', seq: 1 })).toBe(false)
    expect(isPushPayload(null)).toBe(false)
    expect(isPushPayload({ ...P.lead, seq: '4' })).toBe(false)
  })
})

describe('badge (N4)', () => {
  it('counts new chats and open missed calls, each once', () => {
    let s = badgeAfterPush(EMPTY_BADGE, P.chatOn)
    s = badgeAfterPush(s, P.chatOn)
    s = badgeAfterPush(s, P.missed)
    s = badgeAfterPush(s, P.lead)
    s = badgeAfterPush(s, P.transfer)
    expect(s).toEqual({ newChats: ['h1'], missedCalls: ['c1'] })
    expect(badgeCount(s)).toBe(2)
    expect(badgeCount({ newChats: ['a', 'a', 'b'], missedCalls: [] })).toBe(2)
    expect(badgeCount(EMPTY_BADGE)).toBe(0)
  })
  it('reads stored state defensively', () => {
    expect(parseBadge(null)).toEqual(EMPTY_BADGE)
    expect(parseBadge({ newChats: ['a', 3, null], missedCalls: 'x' })).toEqual({
      newChats: ['a'],
      missedCalls: [],
    })
  })
})
