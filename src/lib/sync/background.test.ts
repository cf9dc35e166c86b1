import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { type FrontlineDb, openDb } from '../store/db.ts'
import { drainOutbox, syncAccounts, workerSenders } from './background.ts'
import { CLAIM_LEASE_MS, enqueue, type OutboxRun, startOutbox } from './outbox.ts'

const dbs: FrontlineDb[] = []
const runs: OutboxRun[] = []
afterEach(async () => {
  for (const r of runs.splice(0)) r.stop()
  for (const d of dbs.splice(0)) {
    d.close()
    await d.delete()
  }
})

function open(name: string): FrontlineDb {
  const d = openDb(name)
  dbs.push(d)
  return d
}

/**
 * A stand-in for the server's message route: stores a message once per clientMsgId (a retry gets the
 * original back), records every request with its token; `down` makes the network fail.
 */
function fakeServer() {
  const stored = new Map<string, { chatId: string; text: string; token: string }>()
  const requests: string[] = []
  const state = { down: false }
  const fetchFn = (async (input: Request) => {
    if (state.down) throw new TypeError('Failed to fetch')
    const chatId = decodeURIComponent(new URL(input.url).pathname.split('/')[3] ?? '')
    const body = (await input.json()) as { clientMsgId: string; text: string }
    const token = input.headers.get('authorization')?.replace('Bearer ', '') ?? ''
    requests.push(`${token}:${body.clientMsgId}`)
    if (!stored.has(body.clientMsgId)) stored.set(body.clientMsgId, { chatId, text: body.text, token })
    const m = { id: `m-${body.clientMsgId}`, clientMsgId: body.clientMsgId, chatId, text: body.text }
    return new Response(JSON.stringify({ message: m }), { status: 201 })
  }) as typeof fetch
  return { stored, requests, state, fetchFn }
}

const text = (db: FrontlineDb, id: string, chatId: string) =>
  enqueue(db, { kind: 'message', key: chatId, id, payload: { chatId, text: id, replyToId: null } })

const ORIGIN = 'http://frontline.test'

describe('Background Sync outbox (N3)', () => {
  it('the page and the worker draining the same items at once: each sent once, in order per chat', async () => {
    const srv = fakeServer()
    const page = open('acc')
    const worker = open('acc')
    for (let i = 1; i <= 6; i++) await text(page, `a${i}`, 'chat-a')
    for (let i = 1; i <= 4; i++) await text(page, `b${i}`, 'chat-b')
    const senders = workerSenders('tok', srv.fetchFn, ORIGIN)
    const pageRun = startOutbox(page, { ready: () => true, senders, runId: 'page' })
    runs.push(pageRun)
    await Promise.all([drainOutbox(worker, senders, { runId: 'worker' }), pageRun.idle()])
    await pageRun.idle()
    // Each item went out once (no request twice), and the server holds each chat's in the order written.
    expect(new Set(srv.requests).size).toBe(srv.requests.length)
    expect(srv.requests.length).toBe(10)
    const order = (chat: string) =>
      [...srv.stored.values()].filter((m) => m.chatId === chat).map((m) => m.text)
    expect(order('chat-a')).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6'])
    expect(order('chat-b')).toEqual(['b1', 'b2', 'b3', 'b4'])
    expect(await page.outbox.count()).toBe(0)
  })

  it('a replayed sync after everything left sends nothing and succeeds', async () => {
    const srv = fakeServer()
    const db = open('acc')
    await text(db, 'x1', 'chat')
    await syncAccounts(
      [{ key: 'acc', token: 'tok' }],
      () => open('acc'),
      (t) => workerSenders(t, srv.fetchFn, ORIGIN),
    )
    await syncAccounts(
      [{ key: 'acc', token: 'tok' }],
      () => open('acc'),
      (t) => workerSenders(t, srv.fetchFn, ORIGIN),
    )
    expect(srv.requests).toEqual(['tok:x1'])
  })

  it('an item a live page is sending is left alone (its chat waits behind it); the sync fails so it fires again', async () => {
    const srv = fakeServer()
    const db = open('acc')
    await text(db, 'p1', 'chat')
    await text(db, 'p2', 'chat')
    // The page claimed p1 just now and is still alive (its lease holds).
    const t = Date.now()
    await db.outbox.update('p1', { state: 'sending', claimedBy: 'page', claimedAt: t })
    const alive = async (ids: readonly string[]) =>
      new Map(ids.map((id) => [id, true as boolean | undefined]))
    const r = await drainOutbox(open('acc'), workerSenders('tok', srv.fetchFn, ORIGIN), { alive })
    expect(srv.requests).toEqual([])
    expect(r.left).toBe(2)
    // The page's lease runs out (it died without Web Locks to say so): the next sync takes over, in order.
    const later = await drainOutbox(open('acc'), workerSenders('tok', srv.fetchFn, ORIGIN), {
      now: () => t + CLAIM_LEASE_MS + 1,
      alive: async () => new Map(),
    })
    expect(srv.requests).toEqual(['tok:p1', 'tok:p2'])
    expect(later.left).toBe(0)
  })

  it('offline during the sync: nothing is lost, the sync fails; the next one after the backoff sends once, in order', async () => {
    const srv = fakeServer()
    const db = open('acc')
    for (const id of ['o1', 'o2', 'o3']) await text(db, id, 'chat')
    srv.state.down = true
    const account = [{ key: 'acc', token: 'tok' }]
    const senders = (tok: string) => workerSenders(tok, srv.fetchFn, ORIGIN)
    await expect(syncAccounts(account, () => open('acc'), senders)).rejects.toThrow(/3 item/)
    expect((await db.outbox.get('o1'))?.state).toBe('failed-retryable')
    srv.state.down = false
    const due = ((await db.outbox.get('o1'))?.nextAt ?? 0) + 1
    const r = await drainOutbox(open('acc'), senders('tok'), { now: () => due })
    expect(r.left).toBe(0)
    expect(srv.requests).toEqual(['tok:o1', 'tok:o2', 'tok:o3'])
  })

  it("each account's outbox leaves with its own token, from its own database", async () => {
    const srv = fakeServer()
    await text(open('t1.alice'), 'al1', 'c1')
    await text(open('t2.bob'), 'bo1', 'c2')
    await syncAccounts(
      [
        { key: 't1.alice', token: 'ta' },
        { key: 't2.bob', token: 'tb' },
      ],
      (key) => open(key),
      (t) => workerSenders(t, srv.fetchFn, ORIGIN),
    )
    expect(srv.requests.sort()).toEqual(['ta:al1', 'tb:bo1'])
  })
})
