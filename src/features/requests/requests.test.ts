import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChatView, MessageView } from '../../../contract/chats.ts'
import { type FrontlineDb, openDb } from '../../lib/store/db.ts'
import { createDispatcher } from '../../lib/sync/dispatch.ts'
import { requestsEvents } from './events.ts'
import { localChats, localMessages, oldestN, putMessages, replaceTab, tabCounts } from './mirror.ts'
import {
  compose,
  deliveryOutcome,
  drainOnce,
  localOrd,
  makeDue,
  retryMessage,
  type Transport,
} from './send.ts'

let db: FrontlineDb | null = null
let seq = 0
const dispatcher = createDispatcher()
dispatcher.register(requestsEvents)
/** Deliver a server event the way the link does (once, in the lastSeq transaction). */
const applyRequestsEvent = (d: FrontlineDb, ev: { type: string; payload: unknown }) =>
  dispatcher.dispatch(d, { kind: 'event', seq: ++seq, at: new Date().toISOString(), ...ev } as never)
let dbN = 0
const open = () => {
  db = openDb(`requests-test-${++dbN}`)
  return db
}
afterEach(async () => {
  db?.close()
  if (db) await db.delete()
  db = null
})

const ME = { id: '00000000-0000-4000-8000-000000000001', name: 'Anna' }
const OTHER = '00000000-0000-4000-8000-000000000002'

function chat(id: string, over: Partial<ChatView> = {}): ChatView {
  return {
    id,
    channel: 'webchat',
    state: 'new',
    clientName: null,
    clientPhone: null,
    clientEmail: null,
    contactId: null,
    visitorId: null,
    groupIds: [],
    assigneeId: null,
    assigneeName: null,
    createdAt: '2026-11-29T10:00:00.000Z',
    waitingSince: '2026-11-29T10:00:00.000Z',
    acceptedAt: null,
    completedAt: null,
    completedById: null,
    lastMessage: null,
    messageCount: 0,
    operatorReadN: 0,
    clientReadN: 0,
    requestInfo: null,
    ...over,
  }
}

function msg(chatId: string, n: number, over: Partial<MessageView> = {}): MessageView {
  return {
    id: `m-${chatId}-${n}`,
    chatId,
    n,
    clientMsgId: `c-${chatId}-${n}`,
    author: 'client',
    authorId: null,
    authorName: null,
    kind: 'text',
    text: `hello ${n}`,
    replyToId: null,
    file: null,
    at: `2026-11-29T10:00:${String(n % 60).padStart(2, '0')}.000Z`,
    delivery: 'sent',
    ...over,
  }
}

describe('Requests tabs (T2)', () => {
  it('New is ordered longest-waiting first; In work holds only my chats; counts and unread add up', async () => {
    const d = open()
    await replaceTab(
      d,
      'new',
      [
        chat('b', { waitingSince: '2026-11-29T10:05:00.000Z', messageCount: 2 }),
        chat('a', { waitingSince: '2026-11-29T10:01:00.000Z', messageCount: 1 }),
      ],
      ME.id,
    )
    await replaceTab(
      d,
      'active',
      [
        chat('m', { state: 'active', assigneeId: ME.id, messageCount: 5, operatorReadN: 3 }),
        chat('o', { state: 'active', assigneeId: OTHER, messageCount: 9 }),
      ],
      ME.id,
    )
    expect((await localChats(d, 'new', ME.id)).map((c) => c.id)).toEqual(['a', 'b'])
    expect((await localChats(d, 'active', ME.id)).map((c) => c.id)).toEqual(['m'])
    expect(await tabCounts(d, ME.id)).toEqual({
      new: 2,
      active: 1,
      completed: 0,
      unreadNew: 3,
      unreadActive: 2,
    })
  })

  it('a chat a colleague took leaves my New live, and a fresh New snapshot drops what the server no longer lists', async () => {
    const d = open()
    await replaceTab(d, 'new', [chat('a'), chat('b')], ME.id)
    await applyRequestsEvent(d, {
      type: 'chat.updated',
      payload: { chat: chat('a', { state: 'active', assigneeId: OTHER, assigneeName: 'Boris' }) },
    })
    expect((await localChats(d, 'new', ME.id)).map((c) => c.id)).toEqual(['b'])
    expect(await localChats(d, 'active', ME.id)).toEqual([])
    await replaceTab(d, 'new', [], ME.id)
    expect(await localChats(d, 'new', ME.id)).toEqual([])
  })
})

describe('messages mirror (T4)', () => {
  it('keeps a chat in order by n, pages know the oldest n, and a late page never takes delivery back', async () => {
    const d = open()
    await putMessages(d, [msg('x', 3), msg('x', 1), msg('x', 2)])
    expect((await localMessages(d, 'x', 2)).map((m) => m.n)).toEqual([2, 3])
    expect(await oldestN(d, 'x')).toBe(1)
    await applyRequestsEvent(d, {
      type: 'message.updated',
      payload: { message: msg('x', 3, { delivery: 'read' }) },
    })
    await putMessages(d, [msg('x', 3)])
    expect((await d.messages.get('m-x-3'))?.delivery).toBe('read')
  })
})

describe('chat outbox (N3): exactly once, in order per chat', () => {
  const serverCopy = (item: { clientMsgId: string; chatId: string }, n: number, text: string): MessageView =>
    msg(item.chatId, n, {
      id: `srv-${item.clientMsgId}`,
      clientMsgId: item.clientMsgId,
      author: 'operator',
      text,
    })

  it('a composed message shows at once as queued, after every server message, and its server copy replaces it', async () => {
    const d = open()
    await putMessages(d, [msg('x', 1)])
    const id = await compose(d, 'x', ME, { kind: 'message', ord: localOrd(), text: 'hi', replyToId: null })
    let rows = await localMessages(d, 'x', 10)
    expect(rows.map((r) => [r.text, r.local])).toEqual([
      ['hello 1', undefined],
      ['hi', 'queued'],
    ])
    const send: Transport = async (item) => ({ status: 201, message: serverCopy(item, 2, 'hi') })
    expect(await drainOnce(d, send)).toBeNull()
    rows = await localMessages(d, 'x', 10)
    expect(rows.map((r) => [r.id, r.local])).toEqual([
      ['m-x-1', undefined],
      [`srv-${id}`, undefined],
    ])
    expect(await d.outbox.count()).toBe(0)
  })

  it('offline: nothing is lost, a chat never sends out of order, and each message leaves once when the network returns', async () => {
    const d = open()
    const texts = Array.from({ length: 20 }, (_, i) => `m${i + 1}`)
    for (const text of texts.slice(0, 10))
      await compose(d, 'x', ME, { kind: 'message', ord: localOrd(), text, replyToId: null })
    await compose(d, 'y', ME, { kind: 'message', ord: localOrd(), text: 'other chat', replyToId: null })
    const offline: Transport = async () => ({ status: 0 })
    const next = await drainOnce(d, offline)
    expect(next).not.toBeNull()
    // A reload in the middle: a fresh database handle on the same data; more messages composed.
    d.close()
    const again = openDb(d.name.replace(/^frontline-/, ''))
    db = again
    for (const text of texts.slice(10))
      await compose(again, 'x', ME, { kind: 'message', ord: localOrd(), text, replyToId: null })
    const server: { clientMsgId: string; text: string }[] = []
    const online: Transport = async (item) => {
      const b = item.body
      if (b.kind !== 'message') return { status: 400 }
      // The server dedups by clientMsgId: a repeat gets the stored message back.
      let i = server.findIndex((s) => s.clientMsgId === item.clientMsgId)
      if (i < 0) i = server.push({ clientMsgId: item.clientMsgId, text: b.text }) - 1
      return { status: 201, message: serverCopy(item, i + 1, b.text) }
    }
    // The network is back: what waited on backoff is due now.
    await makeDue(again)
    expect(await drainOnce(again, online)).toBeNull()
    expect(server.filter((s) => s.text !== 'other chat').map((s) => s.text)).toEqual(texts)
    expect(server.filter((s) => s.text === 'other chat')).toHaveLength(1)
    expect((await localMessages(again, 'x', 50)).map((m) => m.text)).toEqual(texts)
  })

  it('a retryable failure holds the later messages of that chat; a refused one is kept with Retry and does not', async () => {
    const d = open()
    const a = await compose(d, 'x', ME, { kind: 'message', ord: localOrd(), text: 'a', replyToId: null })
    await compose(d, 'x', ME, { kind: 'message', ord: localOrd(), text: 'b', replyToId: null })
    const seen: string[] = []
    let n = 0
    const refuseA: Transport = async (item) => {
      seen.push(item.body.kind === 'message' ? item.body.text : '?')
      return item.clientMsgId === a
        ? { status: 415, code: 'E_FILE_TYPE' }
        : { status: 201, message: serverCopy(item, ++n, 'b') }
    }
    await drainOnce(d, refuseA)
    expect(seen).toEqual(['a', 'b'])
    expect((await d.messages.get(a))?.local).toBe('refused')
    await retryMessage(d, a)
    expect((await d.messages.get(a))?.local).toBe('queued')
    const c = await compose(d, 'x', ME, { kind: 'message', ord: localOrd(), text: 'c', replyToId: null })
    const seen2: string[] = []
    const down: Transport = async (item) => {
      seen2.push(item.clientMsgId)
      return { status: 503 }
    }
    await drainOnce(d, down)
    expect(seen2).toEqual([a])
    expect((await d.messages.get(c))?.local).toBe('queued')
  })

  it('classifies answers: network, 5xx, 401, 408, 429 retry; other 4xx are refused', () => {
    expect([0, 500, 503, 401, 408, 429].map(deliveryOutcome)).toEqual(Array(6).fill('retry'))
    expect([400, 403, 404, 409, 413, 415].map(deliveryOutcome)).toEqual(Array(6).fill('refused'))
    expect(deliveryOutcome(201)).toBe('sent')
  })
})
