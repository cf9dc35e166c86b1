import 'fake-indexeddb/auto'
import Dexie from 'dexie'
import { afterEach, describe, expect, it } from 'vitest'
import { type FrontlineDb, openDb } from '../store/db.ts'
import {
  CLAIM_LEASE_MS,
  discardRefused,
  enqueue,
  itemsOfKey,
  type OutboxKind,
  type OutboxRun,
  retryItem,
  type SenderRegistry,
  type SendOutcome,
  startOutbox,
} from './outbox.ts'
import { BACKOFF_CAP_MS, backoffMs, nextState, outcomeOfStatus } from './outbox-state.ts'

const dbs: FrontlineDb[] = []
const runs: OutboxRun[] = []
afterEach(async () => {
  for (const r of runs.splice(0)) r.stop()
  for (const d of dbs.splice(0)) {
    d.close()
    await d.delete()
  }
})

/** Open a database the way a tab does (two calls with one name = two tabs of one account). */
function tab(name: string): FrontlineDb {
  const d = openDb(name)
  dbs.push(d)
  return d
}

/** A fake server: answers by item id from a script (default 200), records every attempt in order. */
function server(script: Record<string, number[]> = {}) {
  const attempts: string[] = []
  const senders: SenderRegistry = new Map()
  const refused: string[] = []
  const answer = async (item: { id: string }): Promise<SendOutcome> => {
    attempts.push(item.id)
    const status = script[item.id]?.shift() ?? 200
    return outcomeOfStatus(status)
  }
  for (const kind of ['message', 'recording', 'file', 'voice'] as OutboxKind[])
    senders.set(kind, { send: answer, onRefused: (item) => refused.push(item.id) })
  return { attempts, senders, refused }
}

let clock = 1_000_000
const now = () => clock
function start(db: FrontlineDb, senders: SenderRegistry, ready: () => boolean = () => true, runId?: string) {
  const r = startOutbox(db, { ready, senders, now, random: () => 0.5, runId })
  runs.push(r)
  return r
}
const msg = (db: FrontlineDb, id: string, key: string) =>
  enqueue(db, { kind: 'message', key, id, payload: { text: id } })

describe('outbox state machine and policy', () => {
  it('illegal transitions change nothing', () => {
    expect(nextState('queued', { type: 'claim' })).toBe('sending')
    expect(nextState('sent', { type: 'claim' })).toBeNull()
    expect(nextState('refused', { type: 'claim' })).toBeNull()
    expect(nextState('queued', { type: 'sent' })).toBeNull()
    expect(nextState('refused', { type: 'retry' })).toBe('queued')
  })

  it('one policy for answers: 2xx sent; 408, 429, 5xx, network retried; other 4xx refused', () => {
    expect(outcomeOfStatus(201).kind).toBe('sent')
    for (const s of [0, 408, 429, 500, 503]) expect(outcomeOfStatus(s).kind).toBe('retry')
    for (const s of [400, 403, 404, 409, 413, 415]) expect(outcomeOfStatus(s).kind).toBe('refused')
    expect(outcomeOfStatus(0)).toEqual({ kind: 'retry', error: 'network' })
  })

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(1, 0)).toBe(1000)
    expect(backoffMs(1, 0.999)).toBeLessThanOrEqual(2000)
    expect(backoffMs(3, 0.5)).toBe(6000)
    expect(backoffMs(40, 0.999)).toBeLessThanOrEqual(BACKOFF_CAP_MS)
    expect(backoffMs(40, 0)).toBe(BACKOFF_CAP_MS / 2)
  })
})

describe('outbox races (N3)', () => {
  it('composed offline, then a reload, then online → sent once', async () => {
    const name = `o-${Math.random()}`
    const s = server()
    let online = false
    const before = tab(name)
    const r1 = start(before, s.senders, () => online)
    const composed = await msg(before, 'm1', 'chat-1')
    await r1.idle()
    expect(s.attempts).toEqual([])
    // The page reloads: the run and the database handle go, the item stays.
    r1.stop()
    before.close()
    const after = tab(name)
    const r2 = start(after, s.senders, () => online)
    await r2.idle()
    expect(s.attempts).toEqual([])
    online = true
    r2.kick()
    r2.kick()
    await r2.idle()
    r2.kick()
    await r2.idle()
    expect(s.attempts).toEqual([composed.id])
    expect(await after.outbox.count()).toBe(0)
  })

  it('two tabs claiming the same items at once → each sent once', async () => {
    const name = `o-${Math.random()}`
    const s = server()
    const a = tab(name)
    const b = tab(name)
    const ids = Array.from({ length: 12 }, (_, i) => `m${i}`)
    for (const [i, id] of ids.entries()) await msg(a, id, `chat-${i % 4}`)
    const ra = start(a, s.senders, () => true, 'tab-a')
    const rb = start(b, s.senders, () => true, 'tab-b')
    for (let i = 0; i < 3; i++) {
      ra.kick()
      rb.kick()
    }
    await Promise.all([ra.idle(), rb.idle()])
    expect(s.attempts.slice().sort()).toEqual(ids.slice().sort())
    expect(await a.outbox.count()).toBe(0)
  })

  it('an item left "sending" by a run that died is not sent again until its claim expires, then once', async () => {
    const name = `o-${Math.random()}`
    const s = server()
    const d = tab(name)
    await msg(d, 'm1', 'chat-1')
    await d.outbox.update('m1', { state: 'sending', claimedBy: 'dead-tab', claimedAt: clock })
    const r = start(d, s.senders)
    await r.idle()
    expect(s.attempts).toEqual([])
    clock += CLAIM_LEASE_MS
    r.kick()
    await r.idle()
    expect(s.attempts).toEqual(['m1'])
  })

  it('a claim of a run that is gone (a reload mid-send) is taken over at once, and sent once', async () => {
    const name = `o-${Math.random()}`
    const s = server()
    const d = tab(name)
    await msg(d, 'm1', 'chat-1')
    await msg(d, 'm2', 'chat-2')
    await d.outbox.update('m1', { state: 'sending', claimedBy: 'reloaded-page', claimedAt: clock })
    await d.outbox.update('m2', { state: 'sending', claimedBy: 'other-tab', claimedAt: clock })
    const living = new Set(['other-tab'])
    const r = startOutbox(d, {
      ready: () => true,
      senders: s.senders,
      now,
      random: () => 0.5,
      runId: 'new-page',
      alive: async (ids) => new Map(ids.map((id) => [id, living.has(id)])),
    })
    runs.push(r)
    await r.idle()
    // No clock moved: the dead run's claim went at once; the living tab's claim is left to it.
    expect(s.attempts).toEqual(['m1'])
    expect((await d.outbox.get('m2'))?.claimedBy).toBe('other-tab')
  })

  it('a refused item does not block the next key (nor later items of its own key); its error is kept', async () => {
    const s = server({ a1: [415] })
    const d = tab(`o-${Math.random()}`)
    await msg(d, 'a1', 'chat-a')
    await msg(d, 'b1', 'chat-b')
    await msg(d, 'a2', 'chat-a')
    const r = start(d, s.senders)
    await r.idle()
    expect(s.attempts.slice().sort()).toEqual(['a1', 'a2', 'b1'])
    expect(s.attempts.indexOf('a1')).toBeLessThan(s.attempts.indexOf('a2'))
    expect(await d.outbox.toArray()).toEqual([
      expect.objectContaining({ id: 'a1', state: 'refused', lastError: 'HTTP 415', attempts: 1 }),
    ])
    expect(s.refused).toEqual(['a1'])
    expect((await itemsOfKey(d, 'chat-a')).map((i) => i.id)).toEqual(['a1'])
  })

  it('a retry after 500 keeps the order within a key; other keys go on meanwhile', async () => {
    const s = server({ m1: [500] })
    const d = tab(`o-${Math.random()}`)
    for (const id of ['m1', 'm2', 'm3']) await msg(d, id, 'chat-1')
    await msg(d, 'x1', 'chat-2')
    const r = start(d, s.senders)
    await r.idle()
    // m1 failed: m2 and m3 wait behind it; chat-2 is not held up.
    expect(s.attempts.slice().sort()).toEqual(['m1', 'x1'])
    expect((await itemsOfKey(d, 'chat-1')).map((i) => [i.id, i.state])).toEqual([
      ['m1', 'failed-retryable'],
      ['m2', 'queued'],
      ['m3', 'queued'],
    ])
    const m1 = await d.outbox.get('m1')
    expect(m1).toMatchObject({ state: 'failed-retryable', attempts: 1, lastError: 'HTTP 500' })
    // Not due yet: a kick changes nothing.
    r.kick()
    await r.idle()
    expect(s.attempts.filter((id) => id.startsWith('m'))).toEqual(['m1'])
    clock = (m1?.nextAt ?? 0) + 1
    r.kick()
    await r.idle()
    expect(s.attempts.filter((id) => id.startsWith('m'))).toEqual(['m1', 'm1', 'm2', 'm3'])
    expect(await d.outbox.count()).toBe(0)
  })

  it('the operator retries a refused item (sent once) or discards it; a waiting item cannot be discarded', async () => {
    const s = server({ r1: [409], d1: [415], w1: [503] })
    const d = tab(`o-${Math.random()}`)
    await msg(d, 'r1', 'chat-r')
    await msg(d, 'd1', 'chat-d')
    await msg(d, 'w1', 'chat-w')
    const r = start(d, s.senders)
    await r.idle()
    expect(await discardRefused(d, 'w1')).toBe(false)
    expect(await discardRefused(d, 'd1')).toBe(true)
    await retryItem(d, 'r1')
    await r.idle()
    expect(s.attempts.filter((id) => id === 'r1')).toEqual(['r1', 'r1'])
    expect((await d.outbox.toArray()).map((i) => [i.id, i.state])).toEqual([['w1', 'failed-retryable']])
  })

  it('an id is made once: enqueueing the same id again keeps the first item', async () => {
    const d = tab(`o-${Math.random()}`)
    const first = await msg(d, 'same', 'chat-1')
    const again = await enqueue(d, {
      kind: 'message',
      key: 'chat-1',
      id: 'same',
      payload: { text: 'changed' },
    })
    expect(again).toEqual(first)
    expect(await d.outbox.count()).toBe(1)
  })

  it('a kind with no sender registered yet waits (and holds its key)', async () => {
    const s = server()
    s.senders.delete('voice')
    const d = tab(`o-${Math.random()}`)
    await enqueue(d, { kind: 'voice', key: 'chat-1', id: 'v1', payload: {} })
    await msg(d, 'm1', 'chat-1')
    const r = start(d, s.senders)
    await r.idle()
    expect(s.attempts).toEqual([])
    expect((await d.outbox.get('v1'))?.state).toBe('queued')
  })
})

describe('outbox schema upgrade', () => {
  it('recordings kept by the v2 schema move into the outbox (refused ones stay refused)', async () => {
    const name = `o-${Math.random()}`
    const old = new Dexie(`frontline-${name}`)
    old
      .version(2)
      .stores({ meta: 'key', recordings: 'sipCallId, nextAt', outbox: 'clientMsgId, state, createdAt' })
    const row = { blob: new Blob([new Uint8Array([1])]), type: 'audio/webm', durationMs: 5, createdAt: 'x' }
    await old.table('recordings').bulkAdd([
      { ...row, sipCallId: 'c1', attempts: 0, nextAt: 0, state: 'pending', lastError: null },
      { ...row, sipCallId: 'c2', attempts: 1, nextAt: 1e15, state: 'rejected', lastError: 'HTTP 413' },
    ])
    old.close()
    const d = tab(name)
    const items = await d.outbox.orderBy('seq').toArray()
    expect(items.map((i) => [i.id, i.kind, i.state, i.lastError])).toEqual([
      ['recording:c1', 'recording', 'queued', null],
      ['recording:c2', 'recording', 'refused', 'HTTP 413'],
    ])
    expect(d.tables.map((t) => t.name)).not.toContain('recordings')
  })
})
