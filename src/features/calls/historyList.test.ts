/** C8 history tells the story: day headers, durations, transfer chains. */
import { describe, expect, it } from 'vitest'
import type { CallView } from '../../../contract/calls.ts'
import { dayOf, durationText, transferChain, withDayHeaders } from './historyList.ts'

const at = (y: number, m: number, d: number, h = 12) => new Date(y, m - 1, d, h).toISOString()
const call = (id: string, p: Partial<CallView> = {}): CallView =>
  ({
    id,
    startedAt: at(2026, 11, 29),
    answeredAt: null,
    durationSec: null,
    transferOfId: null,
    answeredByName: null,
    transferredByName: null,
    groupName: null,
    ...p,
  }) as CallView

describe('withDayHeaders', () => {
  it('one header before the first call of each local day: today, yesterday, then dates', () => {
    const now = new Date(2026, 10, 29, 18)
    const rows = [
      call('a', { startedAt: at(2026, 11, 29, 17) }),
      call('b', { startedAt: at(2026, 11, 29, 9) }),
      call('c', { startedAt: at(2026, 11, 28, 23) }),
      call('d', { startedAt: at(2026, 11, 20, 10) }),
      call('e', { startedAt: at(2026, 11, 20, 8) }),
    ]
    const items = withDayHeaders(rows, now)
    expect(items.map((i) => (i.kind === 'day' ? `[${i.rel ?? i.day}]` : i.id))).toEqual([
      '[today]',
      'a',
      'b',
      '[yesterday]',
      'c',
      '[2026-11-20]',
      'd',
      'e',
    ])
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length)
  })
  it('nothing for no calls; local midnight splits days', () => {
    expect(withDayHeaders([], new Date())).toEqual([])
    expect(dayOf(new Date(2026, 0, 1, 0, 0, 1))).toBe('2026-01-01')
    expect(dayOf(new Date(2025, 11, 31, 23, 59, 59))).toBe('2025-12-31')
  })
})

describe('durationText', () => {
  it('m:ss, h:mm:ss past an hour; none for a call never answered', () => {
    const ans = at(2026, 1, 1)
    expect(durationText({ durationSec: 65, answeredAt: ans })).toBe('1:05')
    expect(durationText({ durationSec: 0, answeredAt: ans })).toBe('0:00')
    expect(durationText({ durationSec: 3725, answeredAt: ans })).toBe('1:02:05')
    expect(durationText({ durationSec: null, answeredAt: ans })).toBeNull()
    expect(durationText({ durationSec: 12, answeredAt: null })).toBeNull()
  })
})

describe('transferChain', () => {
  const root = call('r', { answeredByName: 'Anna', startedAt: at(2026, 11, 29, 10) })
  const leg1 = call('l1', {
    transferOfId: 'r',
    answeredByName: 'Bob',
    transferredByName: 'Anna',
    startedAt: at(2026, 11, 29, 11),
  })
  const leg2 = call('l2', {
    transferOfId: 'l1',
    answeredByName: 'Carol',
    transferredByName: 'Bob',
    startedAt: at(2026, 11, 29, 12),
  })
  const known = new Map([root, leg1, leg2].map((c) => [c.id, c]))
  it('the whole chain from any of its calls', () => {
    for (const c of [root, leg1, leg2]) expect(transferChain(c, known)).toEqual(['Anna', 'Bob', 'Carol'])
  })
  it('a leg whose first call is not at hand starts with who transferred it', () => {
    expect(transferChain(leg1, new Map([[leg1.id, leg1]]))).toEqual(['Anna', 'Bob'])
  })
  it('a leg nobody answered names the group it went to', () => {
    const unanswered = call('u', { transferOfId: 'r', groupName: 'Support', startedAt: at(2026, 11, 29, 11) })
    expect(transferChain(root, new Map([root, unanswered].map((c) => [c.id, c])))).toEqual([
      'Anna',
      'Support',
    ])
  })
  it('empty for a call never transferred, and a link loop ends', () => {
    expect(transferChain(call('x', { answeredByName: 'Anna' }), new Map())).toEqual([])
    const a = call('a', { transferOfId: 'b', answeredByName: 'A' })
    const b = call('b', { transferOfId: 'a', answeredByName: 'B' })
    expect(transferChain(a, new Map([a, b].map((c) => [c.id, c])))).toEqual(['B', 'A'])
  })
})
