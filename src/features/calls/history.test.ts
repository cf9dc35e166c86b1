import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { CallView } from '../../../contract/calls.ts'
import { type FrontlineDb, openDb } from '../../lib/store/db.ts'
import { callMatches, inScope, localCalls } from './data.ts'
import { searchCalls } from './search.ts'

let db: FrontlineDb
afterEach(async () => {
  db.close()
  await db.delete()
})

const call = (i: number, p: Partial<CallView>): CallView =>
  ({
    id: `c${i}`,
    sipCallId: `s${i}`,
    direction: 'inbound',
    state: 'ended',
    fromNumber: `+7916000${String(i).padStart(4, '0')}`,
    toNumber: '+74950000000',
    peerNumber: `+7916000${String(i).padStart(4, '0')}`,
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
    failureCode: null,
    failureReason: null,
    missed: false,
    handledById: null,
    handledByName: null,
    handledAt: null,
    handledHow: null,
    hasRecording: false,
    ...p,
  }) as CallView

describe('C10 My calls from the mirror (N3 warm start)', () => {
  it('read by index: what the scope filter keeps, newest first, a call I made and took once, searchable', async () => {
    db = openDb(`hist-${Math.random()}`)
    const rows = Array.from({ length: 60 }, (_, i) =>
      call(i, {
        answeredById: i % 3 === 0 ? 'me' : i % 3 === 1 ? 'other' : null,
        callerEmployeeId: i % 5 === 0 ? 'me' : null,
      }),
    )
    await db.calls.bulkPut(rows)
    const expected = [...rows].reverse().filter((c) => inScope(c, 'mine', 'me'))
    const mine = await localCalls(db, 'mine', 'me', '')
    expect(mine.map((c) => c.id)).toEqual(expected.map((c) => c.id))
    expect(new Set(mine.map((c) => c.id)).size).toBe(mine.length)
    expect((await localCalls(db, 'mine', 'me', '0030')).map((c) => c.id)).toEqual(['c30'])
    expect(await localCalls(db, 'mine', null, '')).toEqual([])
  })

  it('issue 10: All calls read by window — the newest rows up to the window, in the order of a full read', async () => {
    db = openDb(`hist-${Math.random()}`)
    await db.calls.bulkPut(Array.from({ length: 250 }, (_, i) => call(i, {})))
    const all = await localCalls(db, 'all', 'me', '')
    expect(all).toHaveLength(250)
    const first = await localCalls(db, 'all', 'me', '', 100)
    expect(first.map((c) => c.id)).toEqual(all.slice(0, 100).map((c) => c.id))
    const more = await localCalls(db, 'all', 'me', '', 200)
    expect(more.map((c) => c.id)).toEqual(all.slice(0, 200).map((c) => c.id))
    // A search is not windowed: it finds every match on the device.
    expect(await localCalls(db, 'all', 'me', '0', 10)).toHaveLength(
      (await localCalls(db, 'all', 'me', '0')).length,
    )
  })

  it('C8 search by the terms index finds exactly what a scan of every call keeps, also after an update re-keys a call', async () => {
    db = openDb(`hist-${Math.random()}`)
    const names = ['Елена Соколова', 'Ivan Petrov', null, 'Мария Кузнецова']
    const rows = Array.from({ length: 80 }, (_, i) =>
      call(i, {
        contactName: names[i % 4] ?? null,
        groupName: i % 2 ? 'Sales' : null,
        answeredByName: 'Anna',
      }),
    )
    await db.calls.bulkPut(rows)
    await db.calls.update('c7', { contactName: 'Олег Смирнов' })
    const all = (await db.calls.toArray()).sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1))
    for (const q of [
      '0012',
      '+7 916 000-00',
      '79',
      'колова',
      'елена сок',
      'SALES',
      'ann',
      'смирнов',
      'petrov',
      'zzz',
      '',
    ]) {
      const want = all.filter((c) => callMatches(c, q)).map((c) => c.id)
      expect(
        (await localCalls(db, 'all', 'me', q)).map((c) => c.id),
        q,
      ).toEqual(want)
    }
    expect((await localCalls(db, 'all', 'me', 'смирнов')).map((c) => c.id)).toEqual(['c7'])
  })

  it('C8 search reads the terms index in one request, never a cursor walk over its entries (issue 10: the p95 tail)', async () => {
    db = openDb(`hist-${Math.random()}`)
    await db.calls.bulkPut(
      Array.from({ length: 40 }, (_, i) => call(i, { contactName: i % 2 ? 'Елена Соколова' : null })),
    )
    const cursors = [
      vi.spyOn(IDBIndex.prototype, 'openCursor'),
      vi.spyOn(IDBIndex.prototype, 'openKeyCursor'),
      vi.spyOn(IDBObjectStore.prototype, 'openCursor'),
    ]
    try {
      const found = await localCalls(db, 'all', 'me', 'соколова')
      expect(found.map((c) => c.id)).toEqual(Array.from({ length: 20 }, (_, k) => `c${39 - 2 * k}`))
      // Each call has several keys starting with the query (every number's suffixes): still one row each.
      expect(await localCalls(db, 'all', 'me', '0')).toHaveLength(40)
      for (const spy of cursors) expect(spy).not.toHaveBeenCalled()
    } finally {
      for (const spy of cursors) spy.mockRestore()
    }
  })

  it('C9 Missed by the missedOpenAt index: what the scope filter keeps; a call handled (update) or replaced (put) leaves it', async () => {
    db = openDb(`hist-${Math.random()}`)
    const rows = Array.from({ length: 50 }, (_, i) =>
      call(i, {
        missed: i % 3 === 0,
        handledAt: i % 9 === 0 ? '2026-01-02T00:00:00Z' : null,
        transferOfId: i === 3 ? 'c0' : null,
      }),
    )
    await db.calls.bulkPut(rows)
    const scan = () =>
      db.calls.toArray().then((all) =>
        all
          .filter((c) => inScope(c, 'missed', 'me'))
          .sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1))
          .map((c) => c.id),
      )
    expect((await localCalls(db, 'missed', 'me', '')).map((c) => c.id)).toEqual(await scan())
    await db.calls.update('c6', { handledAt: '2026-01-03T00:00:00Z', handledById: 'me' })
    await db.calls.put({ ...rows[12]!, handledAt: '2026-01-03T00:00:00Z' })
    const after = (await localCalls(db, 'missed', 'me', '')).map((c) => c.id)
    expect(after).toEqual(await scan())
    expect(after).not.toContain('c6')
    expect(after).not.toContain('c12')
    expect(after).toContain('c15')
    // The same call put again (a snapshot page, an event) keeps its keys: it stays listed and found.
    await db.calls.put(call(15, { missed: true }))
    expect((await localCalls(db, 'missed', 'me', '')).map((c) => c.id)).toContain('c15')
    expect((await localCalls(db, 'all', 'me', '0015')).map((c) => c.id)).toEqual(['c15'])
  })
})

describe('C8 search with an 8-prefixed number', () => {
  it('finds "+7 916 400-00-00" when the operator types "8 916 400 00 00", in All and My calls', async () => {
    db = openDb(`hist-${Math.random()}`)
    await db.calls.bulkPut([
      call(1, { peerNumber: '+79164000000', fromNumber: '+79164000000', answeredById: 'me' }),
      call(2, { peerNumber: '+79164000001', fromNumber: '+79164000001', answeredById: 'me' }),
    ])
    for (const q of ['8 916 400 00 00', '8 (916) 400-00-00', '+7 916 400-00-00', '79164000000']) {
      expect((await searchCalls(db, 'all', 'me', q)).map((c) => c.id)).toEqual(['c1'])
      expect((await searchCalls(db, 'mine', 'me', q)).map((c) => c.id)).toEqual(['c1'])
    }
    // A part of a number still finds every call that has it.
    expect((await searchCalls(db, 'all', 'me', '400 00 0')).map((c) => c.id)).toEqual(['c2', 'c1'])
  })
})

describe('C10 a call I declined is in My calls', () => {
  it('by the declinedIds index: mine, not a colleague’s who was not asked', async () => {
    db = openDb(`hist-${Math.random()}`)
    await db.calls.bulkPut([
      call(1, { answeredById: 'other', declinedIds: ['me'] }),
      call(2, { answeredById: 'other' }),
      call(3, { missed: true, declinedIds: ['me', 'third'] }),
      call(4, { answeredById: 'me' }),
    ])
    expect((await localCalls(db, 'mine', 'me', '')).map((c) => c.id)).toEqual(['c4', 'c3', 'c1'])
    expect((await localCalls(db, 'mine', 'third', '')).map((c) => c.id)).toEqual(['c3'])
    // Declined later (an event updates the stored call): it joins the list.
    await db.calls.update('c2', { declinedIds: ['me'] })
    expect((await localCalls(db, 'mine', 'me', '')).map((c) => c.id)).toEqual(['c4', 'c3', 'c2', 'c1'])
  })
})
