/**
 * SPEC N3 chaos, at the Node level: the app's real outbox (lib/sync: claims, order per chat, backoff,
 * the chat delivery the page and the service worker share) on a Dexie database (fake-indexeddb),
 * against a real server process persisting to its data dir. While 1,000 messages leave, the server
 * is killed (-9) and restarted three times and the client goes offline twice: the server must hold
 * exactly 1,000, in the order written, none twice. The faults are triggered by progress (how many
 * have left), not by the clock.
 */
import 'fake-indexeddb/auto'
import { randomUUID } from 'node:crypto'
import type { APIRequestContext } from '@playwright/test'
import { openDb } from '../src/lib/store/db.ts'
import { workerSenders } from '../src/lib/sync/background.ts'
import { enqueue, startOutbox } from '../src/lib/sync/outbox.ts'
import { expect, ownServer, test } from './fixtures.ts'

const N = 1000

async function operatorToken(request: APIRequestContext, baseURL: string, password: string) {
  const r = await request.post(`${baseURL}/api/auth/login`, { data: { login: 'op1@demo', password } })
  expect(r.ok(), await r.text()).toBe(true)
  return ((await r.json()) as { token: string }).token
}

/** A website visitor's chat, taken by the operator; its id. */
async function takenChat(request: APIRequestContext, baseURL: string, token: string) {
  const auth = { authorization: `Bearer ${token}` }
  expect(
    (await request.put(`${baseURL}/api/me/status`, { headers: auth, data: { status: 'available' } })).ok(),
  ).toBe(true)
  const page = { url: `${baseURL}/site/`, referrer: null }
  const s = await request.post(`${baseURL}/api/visitor/session`, { data: { tenant: 'demo', page } })
  const visitor = { authorization: `Bearer ${((await s.json()) as { token: string }).token}` }
  const m = await request.post(`${baseURL}/api/visitor/messages`, {
    headers: visitor,
    data: { clientMsgId: randomUUID(), text: 'chaos, please', name: 'Chaos Monkey' },
  })
  expect(m.ok(), await m.text()).toBe(true)
  const chatId = ((await m.json()) as { chat: { id: string } }).chat.id
  const a = await request.post(`${baseURL}/api/chats/${chatId}/accept`, { headers: auth })
  expect(a.ok(), await a.text()).toBe(true)
  return chatId
}

/** Every operator message of the chat, oldest first (paged back from the newest). */
async function serverTexts(request: APIRequestContext, baseURL: string, token: string, chatId: string) {
  const out: { n: number; text: string; clientMsgId: string | null }[] = []
  let before: number | undefined
  for (;;) {
    const q = before ? `?before=${before}` : ''
    const r = await request.get(`${baseURL}/api/chats/${chatId}/messages${q}`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(r.ok(), await r.text()).toBe(true)
    const page = (await r.json()) as {
      messages: { n: number; text: string; author: string; clientMsgId: string | null }[]
      more: boolean
    }
    out.push(...page.messages.filter((x) => x.author === 'operator'))
    if (!page.more || page.messages.length === 0) break
    before = Math.min(...page.messages.map((x) => x.n))
  }
  return out.sort((a, b) => a.n - b.n)
}

test('N3 chaos: 1,000 messages while the server is killed (-9) three times and the client goes offline twice → exactly 1,000 on the server, in order, none twice', async ({
  request,
}) => {
  test.setTimeout(300_000)
  const own = await ownServer()
  const db = openDb(`chaos-${randomUUID()}`)
  try {
    const { baseURL, password } = own.server
    const token = await operatorToken(request, baseURL, password)
    const chatId = await takenChat(request, baseURL, token)
    const texts = Array.from({ length: N }, (_, i) => `chaos ${i + 1}`)
    for (const text of texts)
      await enqueue(db, {
        kind: 'message',
        key: chatId,
        id: randomUUID(),
        payload: { chatId, text, replyToId: null },
      })

    // The client's network: while it is down every request fails at the network level. As in the app
    // (lib/net), a failed request is what tells the client it is offline; the outbox then waits.
    let down = false
    let knownOffline = false
    let failures = 0
    const netFetch = (async (req: Request) => {
      if (down) {
        failures++
        knownOffline = true
        throw new TypeError('Failed to fetch')
      }
      return fetch(req)
    }) as typeof fetch
    const run = startOutbox(db, {
      ready: () => !knownOffline,
      senders: workerSenders(token, netFetch, baseURL),
      // Backoff 1 s, 2 s, 4 s … (the lower half of the jitter) keeps the test short; the policy is the app's.
      random: () => 0,
    })
    const left = () => db.outbox.count()
    const reached = async (k: number) =>
      expect.poll(async () => N - (await left()), { timeout: 120_000 }).toBeGreaterThanOrEqual(k)
    const faults: string[] = []
    const goOffline = async () => {
      down = true
      faults.push('offline')
      // Offline until an attempt has failed on the dead network (the next one after the current).
      const before = failures
      await expect.poll(() => failures, { timeout: 60_000 }).toBeGreaterThan(before)
      down = false
      knownOffline = false
      run.kick()
    }
    await reached(100)
    await own.kill9()
    faults.push('kill')
    run.kick()
    await reached(250)
    await goOffline()
    await reached(400)
    await own.kill9()
    faults.push('kill')
    run.kick()
    await reached(600)
    await goOffline()
    await reached(750)
    await own.kill9()
    faults.push('kill')
    run.kick()
    await expect.poll(left, { timeout: 180_000 }).toBe(0)
    await run.idle()
    run.stop()
    expect(faults).toEqual(['kill', 'offline', 'kill', 'offline', 'kill'])

    const held = await serverTexts(request, baseURL, token, chatId)
    expect(held.length).toBe(N)
    expect(held.map((m) => m.text)).toEqual(texts)
    expect(new Set(held.map((m) => m.clientMsgId)).size).toBe(N)
  } finally {
    db.close()
    await db.delete()
    await own.dispose()
  }
})
