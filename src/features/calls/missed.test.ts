import { describe, expect, it } from 'vitest'
import type { CallView } from '../../../contract/calls.ts'
import { callerKey, groupsOf, missedSections } from './missed.ts'

const call = (i: number, p: Partial<CallView>): CallView =>
  ({
    id: `c${i}`,
    sipCallId: `s${i}`,
    direction: 'in',
    state: 'failed',
    fromNumber: '+79160000000',
    toNumber: '+74950000000',
    peerNumber: '+79160000000',
    peerGiven: false,
    virtualNumber: null,
    callerEmployeeId: null,
    answeredById: null,
    answeredByName: null,
    groupId: null,
    groupName: null,
    contactId: null,
    contactName: null,
    transferOfId: null,
    startedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    answeredAt: null,
    endedAt: null,
    durationSec: null,
    failureCode: 487,
    failureReason: 'Cancelled by the caller',
    missed: true,
    handledById: null,
    handledByName: null,
    handledAt: null,
    handledHow: null,
    hasRecording: false,
    ...p,
  }) as CallView

const sales = { groupId: 'g-sales', groupName: 'Sales' }
const support = { groupId: 'g-support', groupName: 'Support' }

describe('C9 missed list: grouping and folding', () => {
  const calls = [
    call(1, { ...support, peerNumber: '+79161112233' }),
    call(2, { ...sales, peerNumber: '+7 916 400-00-00' }),
    call(3, { ...sales, peerNumber: '8 916 400 00 00' }),
    call(4, { peerNumber: '+79165554433' }),
    call(5, { ...sales, peerNumber: '+79167778899', callbackRequest: true, callbackName: '<b>Ann</b>' }),
    call(6, { ...support, peerNumber: '+79169990000' }),
    call(7, { ...sales, peerNumber: '+79164000000' }),
  ]

  it('my groups first, then the others, then calls to no group; each by its newest call', () => {
    const s = missedSections(calls, new Set(['g-support']), 'all')
    expect(s.map((x) => [x.groupName, x.mine])).toEqual([
      ['Support', true],
      ['Sales', false],
      [null, false],
    ])
    // Without a group of mine: the group with the newest call first.
    expect(missedSections(calls, new Set(), 'all').map((x) => x.groupName)).toEqual([
      'Sales',
      'Support',
      null,
    ])
  })

  it('a repeat caller is one row with a count, whatever way his number was written; newest first', () => {
    const sales_ = missedSections(calls, new Set(), 'all')[0]!
    expect(sales_.folds.map((f) => [f.latest.id, f.calls.length])).toEqual([
      ['c7', 3],
      ['c5', 1],
    ])
    expect(sales_.folds[0]!.calls.map((c) => c.id)).toEqual(['c7', 'c3', 'c2'])
  })

  it('the same caller in two groups is a row in each (each group works its own calls)', () => {
    const s = missedSections(
      [call(1, { ...sales }), call(2, { ...support }), call(3, { ...sales })],
      new Set(),
      'all',
    )
    expect(s.map((x) => x.folds.map((f) => f.calls.length))).toEqual([[2], [1]])
  })

  it('the filter keeps only my groups', () => {
    const s = missedSections(calls, new Set(['g-sales']), 'mine')
    expect(s.map((x) => x.groupName)).toEqual(['Sales'])
    expect(missedSections(calls, new Set(), 'mine')).toEqual([])
  })

  it('a call-back request marks its row and keeps the name as given (text, not HTML)', () => {
    const f = missedSections(calls, new Set(), 'all')[0]!.folds[1]!
    expect(f).toMatchObject({ callbackRequest: true, givenName: '<b>Ann</b>' })
  })

  it('callerKey folds an 8-prefixed number with +7; short or non-numbers by their text', () => {
    expect(callerKey(call(1, { peerNumber: '8 (916) 400-00-00' }))).toBe('79164000000')
    expect(callerKey(call(1, { peerNumber: '+7 916 400-00-00' }))).toBe('79164000000')
    expect(callerKey(call(1, { peerNumber: 'guest-abc' }))).toBe('guest-abc')
  })

  it('my groups are those whose members include me', () => {
    const g = [
      { id: 'a', memberIds: ['me', 'x'] },
      { id: 'b', memberIds: ['x'] },
    ]
    expect([...groupsOf(g, 'me')]).toEqual(['a'])
    expect([...groupsOf(g, null)]).toEqual([])
  })
})
