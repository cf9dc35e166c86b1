import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CallView } from '../../../contract/calls.ts'
import type { ServerMessage } from '../../../contract/events.ts'
import { type FrontlineDb, openDb } from '../store/db.ts'
import { getMeta, setMeta } from '../store/index.ts'
import { createDispatcher } from './dispatch.ts'
import { type Link, startLink } from './link.ts'

/** A WebSocket stand-in: records what the link sends; the test plays the server. */
class FakeSocket {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSING = 2
  static readonly CLOSED = 3
  static last: FakeSocket | null = null
  readyState = FakeSocket.CONNECTING
  sent: { type: string; since?: number }[] = []
  onopen: (() => void) | null = null
  onmessage: ((ev: { data: string }) => void) | null = null
  onclose: ((ev: { code: number }) => void) | null = null
  onerror: (() => void) | null = null
  constructor(readonly url: URL) {
    FakeSocket.last = this
  }
  send(s: string) {
    this.sent.push(JSON.parse(s) as { type: string })
  }
  close() {
    this.readyState = FakeSocket.CLOSED
  }
  open() {
    this.readyState = FakeSocket.OPEN
    this.onopen?.()
  }
  serve(m: ServerMessage) {
    this.onmessage?.({ data: JSON.stringify(m) })
  }
}

// The calls feature's part, as it registers it: the history is fed by events and dropped on reset.
const events = createDispatcher()
events.register({
  owner: 'calls',
  on: { 'call.updated': { tables: ['calls'], apply: (db, ev) => db.calls.put(ev.payload.call) } },
  reset: { tables: ['calls'], drop: (db) => db.calls.clear() },
})

const call = (id: string): CallView => ({ id, sipCallId: id, startedAt: '2026-01-01T00:00:00Z' }) as CallView

/** Waits until `pred` holds, yielding to Dexie and the link's queue in between. */
async function until(pred: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 500; i++) {
    if (await pred()) return
    await new Promise((r) => setTimeout(r, 2))
  }
  throw new Error('condition never held')
}

describe('realtime link: a server whose feed is behind our seq', () => {
  let db: FrontlineDb
  let link: Link | null = null
  const g = globalThis as Record<string, unknown>
  const saved = { WebSocket: g.WebSocket, location: g.location }
  beforeEach(() => {
    g.WebSocket = FakeSocket
    g.location = { href: 'http://app.test/' }
    db = openDb(`link-${Math.random()}`)
  })
  afterEach(async () => {
    link?.stop()
    link = null
    g.WebSocket = saved.WebSocket
    g.location = saved.location
    await db.delete()
  })

  it('on `reset` drops the mirrored calls and seq, reloads snapshots and resumes from the server’s lastSeq', async () => {
    await setMeta(db, 'lastSeq', 21)
    await db.calls.put(call('old'))
    let resets = 0
    link = startLink({
      token: 't'.repeat(20),
      db,
      dispatcher: events,
      onResetLocal: () => resets++,
      onUnauthorized: () => {},
    })
    const ws = FakeSocket.last!
    ws.open()
    expect(ws.sent).toEqual([{ type: 'auth', token: 't'.repeat(20) }])
    ws.serve({ kind: 'ready', lastSeq: 21 })
    await until(() => ws.sent.length === 2)
    expect(ws.sent[1]).toEqual({ type: 'resume', since: 21 })
    // The server's feed was reset meanwhile (or another server answered): only 5 events exist.
    ws.serve({ kind: 'reset', lastSeq: 5 })
    await until(() => ws.sent.length === 3)
    expect(ws.sent[2]).toEqual({ type: 'resume', since: 5 })
    expect(await getMeta(db, 'lastSeq')).toBe(5)
    expect(await db.calls.count()).toBe(0)
    expect(resets).toBe(1)
    // Events after the server's position are applied again (not skipped as "already seen").
    ws.serve({
      kind: 'event',
      seq: 6,
      type: 'call.updated',
      payload: { call: call('new') },
      at: '2026-01-01T00:00:00Z',
    })
    ws.serve({ kind: 'live', lastSeq: 6 })
    await until(() => link!.state().kind === 'live')
    expect(await getMeta(db, 'lastSeq')).toBe(6)
    expect((await db.calls.toArray()).map((c) => c.id)).toEqual(['new'])
  })

  it('a stored seq ahead of `ready` also drops the mirror before resuming from the server’s seq', async () => {
    await setMeta(db, 'lastSeq', 1000)
    await db.calls.put(call('old'))
    link = startLink({
      token: 't'.repeat(20),
      db,
      dispatcher: events,
      onResetLocal: () => {},
      onUnauthorized: () => {},
    })
    const ws = FakeSocket.last!
    ws.open()
    ws.serve({ kind: 'ready', lastSeq: 21 })
    await until(() => ws.sent.length === 2)
    expect(ws.sent[1]).toEqual({ type: 'resume', since: 21 })
    expect(await getMeta(db, 'lastSeq')).toBe(21)
    expect(await db.calls.count()).toBe(0)
  })
})
