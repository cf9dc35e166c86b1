import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { CallView } from '../../../contract/calls.ts'
import type { ServerEvent } from '../../../contract/events.ts'
import { type FrontlineDb, openDb } from '../store/db.ts'
import { getMeta, setMeta } from '../store/index.ts'
import { createDispatcher, type FeatureEvents } from './dispatch.ts'

let db: FrontlineDb | null = null
afterEach(async () => {
  await db?.delete()
  db = null
})
const open = () => {
  db = openDb(`d-${Math.random()}`)
  return db
}

const presence = (seq: number, employeeId = 'e1'): ServerEvent => ({
  kind: 'event',
  seq,
  type: 'presence.changed',
  payload: { employeeId },
  at: '2026-01-01T00:00:00Z',
})

const call = (id: string) =>
  ({ id, sipCallId: `sip-${id}`, startedAt: '2026-01-01T00:00:00Z' }) as unknown as CallView
const callEvent = (seq: number, id: string): ServerEvent => ({
  kind: 'event',
  seq,
  type: 'call.updated',
  payload: { call: call(id) },
  at: '2026-01-01T00:00:00Z',
})

describe('the client dispatcher', () => {
  it('applies each event once and calls every handler once, after the commit', async () => {
    const d = open()
    const events = createDispatcher()
    const seen: string[] = []
    events.register({
      owner: 'a',
      on: {
        'call.updated': {
          tables: ['calls'],
          apply: (x, ev) => {
            seen.push(`apply ${ev.seq}`)
            return x.calls.put(ev.payload.call)
          },
          after: (ev, x) => {
            seen.push(`after ${ev.seq}`)
            // After commit: another transaction already sees the row and the seq.
            void Promise.all([x.calls.get('c1'), getMeta<number>(x, 'lastSeq')]).then(([row, seq]) =>
              seen.push(`committed ${row?.id} ${seq}`),
            )
          },
        },
      },
    })
    const other = vi.fn()
    events.register({ owner: 'b', on: { 'call.updated': { after: other } } })
    expect(await events.dispatch(d, callEvent(3, 'c1'))).toBe(true)
    // The resume boundary is sent again, and an older event arrives late: neither is applied.
    expect(await events.dispatch(d, callEvent(3, 'c1'))).toBe(false)
    expect(await events.dispatch(d, callEvent(2, 'c1'))).toBe(false)
    await vi.waitFor(() => expect(seen).toContain('committed c1 3'))
    expect(seen).toEqual(['apply 3', 'after 3', 'committed c1 3'])
    expect(other).toHaveBeenCalledTimes(1)
    expect(await getMeta(d, 'lastSeq')).toBe(3)
  })

  it('an event type nobody handles (a newer server’s) only moves the stored seq', async () => {
    const d = open()
    const events = createDispatcher()
    const after = vi.fn()
    events.register({ owner: 'a', on: { 'presence.changed': { after } } })
    const unknown = { kind: 'event', seq: 9, type: 'visitor.typing', payload: { x: 1 }, at: '' }
    expect(await events.dispatch(d, unknown as unknown as ServerEvent)).toBe(true)
    expect(await getMeta(d, 'lastSeq')).toBe(9)
    expect(after).not.toHaveBeenCalled()
    // The next known event is handled as usual.
    expect(await events.dispatch(d, presence(10))).toBe(true)
    expect(after).toHaveBeenCalledTimes(1)
  })

  it('a Dexie part that fails rolls the event back: no seq, no row, no after-commit part', async () => {
    const d = open()
    const events = createDispatcher()
    const after = vi.fn()
    events.register({
      owner: 'a',
      on: {
        'call.updated': {
          tables: ['calls'],
          apply: async (x, ev) => {
            await x.calls.put(ev.payload.call)
            throw new Error('boom')
          },
          after,
        },
      },
    })
    await expect(events.dispatch(d, callEvent(4, 'c1'))).rejects.toThrow('boom')
    expect(await getMeta(d, 'lastSeq')).toBeUndefined()
    expect(await d.calls.count()).toBe(0)
    expect(after).not.toHaveBeenCalled()
  })

  it('a handler writes only the tables it named (the transaction is opened with them)', async () => {
    const d = open()
    const events = createDispatcher()
    events.register({
      owner: 'a',
      on: { 'call.updated': { apply: (x, ev) => x.calls.put(ev.payload.call) } },
    })
    await expect(events.dispatch(d, callEvent(1, 'c1'))).rejects.toThrow()
    expect(await d.calls.count()).toBe(0)
  })

  it('one feature’s failing after-commit part does not keep the others from the event', async () => {
    const d = open()
    const events = createDispatcher()
    const err = vi.spyOn(console, 'error').mockImplementation(() => {})
    const second = vi.fn()
    events.register({
      owner: 'a',
      on: {
        'presence.changed': {
          after: () => {
            throw new Error('a broke')
          },
        },
      },
    })
    events.register({ owner: 'b', on: { 'presence.changed': { after: second } } })
    expect(await events.dispatch(d, presence(1))).toBe(true)
    expect(second).toHaveBeenCalledTimes(1)
    expect(err).toHaveBeenCalled()
    err.mockRestore()
  })

  it('reset drops every feature’s feed-filled data and takes the server’s seq; the outbox stays', async () => {
    const d = open()
    const events = createDispatcher()
    const calls: FeatureEvents = {
      owner: 'calls',
      on: {},
      reset: { tables: ['calls'], drop: (x) => x.calls.clear() },
    }
    const unregister = events.register(calls)
    events.register({
      owner: 'status',
      on: {},
      reset: { tables: ['meta'], drop: (x) => x.meta.delete('statuses') },
    })
    await d.calls.put(call('old'))
    await setMeta(d, 'statuses', [])
    await setMeta(d, 'lastSeq', 100)
    await d.outbox.add({
      id: 'o1',
      kind: 'message',
      key: 'chat-1',
      seq: 1,
      state: 'queued',
      payload: {},
      attempts: 0,
      nextAt: 0,
      lastError: null,
      claimedBy: null,
      claimedAt: 0,
      createdAt: '',
    })
    await events.reset(d, 7)
    expect(await d.calls.count()).toBe(0)
    expect(await getMeta(d, 'statuses')).toBeUndefined()
    expect(await getMeta(d, 'lastSeq')).toBe(7)
    expect(await d.outbox.count()).toBe(1)
    // Unregistered: its handlers and reset part are gone.
    unregister()
    await d.calls.put(call('kept'))
    await events.reset(d, 8)
    expect(await d.calls.count()).toBe(1)
  })
})
