/** Push targeting (N1) as pure functions: which events push, to whom, with what. */
import { describe, expect, it } from 'vitest'
import type { CallView } from '../../contract/calls.ts'
import type { ChatView, TransferOfferView } from '../../contract/chats.ts'
import type { ServerEvent } from '../../contract/events.ts'
import type { LeadView } from '../../contract/leads.ts'
import { PUSH_PLAINTEXT_MAX, pushPath, pushTag } from '../../contract/push.ts'
import { DEFAULT_STATUS_MATRIX } from '../../contract/status.ts'
import { encodePayload } from './send.ts'
import { type Candidate, deliveryOf, payloadOf, planOf, recipients } from './targets.ts'

const chat = (over: Partial<ChatView> = {}): ChatView =>
  ({
    id: 'ch1',
    channel: 'webchat',
    state: 'new',
    clientName: 'Пётр',
    groupIds: ['g1'],
    waitingSince: '2026-11-29T10:00:00.000Z',
    lastMessage: { id: 'm1', author: 'client', kind: 'text', preview: 'Здравствуйте', at: '' },
    ...over,
  }) as ChatView
const ev = (e: Omit<ServerEvent, 'kind' | 'seq' | 'at'>, seq = 5) =>
  ({ kind: 'event', seq, at: '', ...e }) as ServerEvent

const people: Candidate[] = [
  { id: 'a', status: 'available', extension: '101', acceptButton: true, groupIds: ['g1'] },
  { id: 'b', status: 'off_work', extension: '102', acceptButton: true, groupIds: ['g1'] },
  { id: 'c', status: 'available', extension: '103', acceptButton: false, groupIds: ['g2'] },
  { id: 'd', status: 'available', extension: '104', acceptButton: false, groupIds: [] },
]
const M = DEFAULT_STATUS_MATRIX
const ids = (l: Candidate[]) => l.map((p) => p.id).sort()

describe('planOf', () => {
  it('pushes a chat once per time it starts waiting in New, whichever event announces it', () => {
    const a = planOf(ev({ type: 'chat.updated', payload: { chat: chat() } }))
    const b = planOf(
      ev({ type: 'chat.message', payload: { message: {} as never, chat: chat({ messageCount: 2 }) } }),
    )
    expect(a?.key).toBe('chat:ch1:2026-11-29T10:00:00.000Z')
    expect(b?.key).toBe(a?.key)
    expect(planOf(ev({ type: 'chat.updated', payload: { chat: chat({ state: 'active' }) } }))).toBeNull()
    expect(planOf(ev({ type: 'chat.updated', payload: { chat: chat({ waitingSince: null }) } }))).toBeNull()
    expect(planOf(ev({ type: 'chat.message', payload: { message: {} as never } }))).toBeNull()
  })

  it('pushes new leads, open transfer offers and missed calls; nothing else', () => {
    const lead = { id: 'l1', state: 'new', name: 'Анна', comment: '' } as LeadView
    expect(planOf(ev({ type: 'lead.updated', payload: { lead } }))?.key).toBe('lead:l1')
    expect(planOf(ev({ type: 'lead.updated', payload: { lead: { ...lead, state: 'taken' } } }))).toBeNull()
    const offer = { id: 'o1', state: 'offered' } as TransferOfferView
    expect(planOf(ev({ type: 'transfer.updated', payload: { offer } }))?.key).toBe('transfer:o1')
    expect(
      planOf(ev({ type: 'transfer.updated', payload: { offer: { ...offer, state: 'accepted' } } })),
    ).toBeNull()
    const call = { id: 'k1' } as CallView
    expect(planOf(ev({ type: 'missed.added', payload: { call } }))?.key).toBe('missed:k1')
    expect(planOf(ev({ type: 'presence.changed', payload: { employeeId: 'a' } }))).toBeNull()
    expect(planOf(ev({ type: 'call.updated', payload: { call } }))).toBeNull()
  })
})

describe('recipients', () => {
  it('a chat: its distribution, only those whose status takes chats (not Off work)', () => {
    expect(ids(recipients({ kind: 'chat', chat: chat() }, people, M))).toEqual(['a'])
    expect(ids(recipients({ kind: 'chat', chat: chat({ groupIds: [] }) }, people, M))).toEqual([
      'a',
      'c',
      'd',
    ])
  })
  it('a lead: every employee, Off work too', () => {
    const lead = { id: 'l1', state: 'new', name: 'x', comment: '' } as LeadView
    expect(ids(recipients({ kind: 'lead', lead }, people, M))).toEqual(['a', 'b', 'c', 'd'])
  })
  it('a transfer: the members offered it who have not declined', () => {
    const offer = { offeredTo: ['a', 'c', 'd'], declinedBy: ['d'] } as unknown as TransferOfferView
    expect(ids(recipients({ kind: 'transfer', offer }, people, M))).toEqual(['a', 'c'])
  })
  it("a missed call: the group's members, or the dialled employee; not Off work", () => {
    const group = { groupId: 'g1', toNumber: '200' } as CallView
    expect(ids(recipients({ kind: 'missed_call', call: group }, people, M))).toEqual(['a'])
    const direct = { groupId: null, toNumber: '103' } as CallView
    expect(ids(recipients({ kind: 'missed_call', call: direct }, people, M))).toEqual(['c'])
    const off = { groupId: null, toNumber: '102' } as CallView
    expect(recipients({ kind: 'missed_call', call: off }, people, M)).toEqual([])
  })
})

describe('payloads', () => {
  it("carry the seq, what the click needs, and the receiver's Accept button", () => {
    const p = payloadOf({ kind: 'chat', chat: chat() }, 42, { acceptButton: false })
    expect(p).toEqual({
      kind: 'chat',
      seq: 42,
      chatId: 'ch1',
      channel: 'webchat',
      clientName: 'Пётр',
      preview: 'Здравствуйте',
      acceptButton: false,
    })
    expect(pushTag(p)).toBe('chat:ch1')
    expect(pushPath(p)).toBe('/requests/ch1')
  })
  it('cut long texts so every payload fits a push record', () => {
    const long = 'я'.repeat(10_000)
    const p = payloadOf(
      { kind: 'chat', chat: chat({ clientName: long, lastMessage: { preview: long } as never }) },
      1,
      { acceptButton: true },
    )
    expect(Buffer.byteLength(encodePayload(p))).toBeLessThanOrEqual(PUSH_PLAINTEXT_MAX)
    const offer = {
      id: 'o',
      chatId: 'c',
      fromName: long,
      clientName: long,
      comment: long,
      deadline: '',
    } as unknown as TransferOfferView
    expect(() =>
      encodePayload(payloadOf({ kind: 'transfer', offer }, 1, { acceptButton: true })),
    ).not.toThrow()
  })
  it('a missed call has the tag of its incoming call (it replaces that notification)', () => {
    const p = payloadOf({ kind: 'missed_call', call: { id: 'k1', peerNumber: '+7916' } as CallView }, 3, {
      acceptButton: true,
    })
    expect(pushTag(p)).toBe(
      pushTag({ kind: 'call', seq: 1, callId: 'k1', from: '', fromName: null, ringUntil: '' }),
    )
  })
  it('a transfer push lives no longer than its deadline', () => {
    const offer = { deadline: new Date(30_000).toISOString() } as TransferOfferView
    expect(deliveryOf({ kind: 'transfer', offer }, 10_000)).toEqual({ urgency: 'high', ttl: 20 })
    expect(deliveryOf({ kind: 'transfer', offer }, 40_000).ttl).toBe(0)
  })
})
