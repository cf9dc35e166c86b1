import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChatView, MessageView } from '../../../contract/chats.ts'
import { type FrontlineDb, openDb } from '../../lib/store/db.ts'
import { createDispatcher } from '../../lib/sync/dispatch.ts'
import { type ItemOf, type OutboxRun, type SenderRegistry, startOutbox } from '../../lib/sync/outbox.ts'
import { requestsEvents } from './events.ts'
import {
  localChats,
  localMessages,
  newChatIds,
  oldestN,
  putMessages,
  replaceTab,
  tabCounts,
} from './mirror.ts'
import {
  type Answer,
  type ChatKind,
  chatSender,
  compose,
  localState,
  outcomeOf,
  retryMessage,
  type TextPayload,
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

  it('N4 the badge takes the New chat ids from the index alone, in the list order (issue 10: warm start)', async () => {
    const d = open()
    await replaceTab(
      d,
      'new',
      [
        chat('b', { waitingSince: '2026-11-29T10:05:00.000Z' }),
        chat('a', { waitingSince: '2026-11-29T10:01:00.000Z' }),
      ],
      ME.id,
    )
    let read = 0
    const count = (row: ChatView) => {
      read++
      return row
    }
    d.chats.hook('reading', count)
    expect(await newChatIds(d)).toEqual(['a', 'b'])
    d.chats.hook('reading').unsubscribe(count)
    expect(read).toBe(0)
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
  it('a chat.message carrying its chat writes the message and the chat together; an older one without it, the message only', async () => {
    const d = open()
    await replaceTab(d, 'new', [chat('x', { messageCount: 1 })], ME.id)
    await applyRequestsEvent(d, {
      type: 'chat.message',
      payload: { message: msg('x', 2), chat: chat('x', { messageCount: 2 }) },
    })
    expect((await localMessages(d, 'x', 10)).map((m) => m.n)).toEqual([2])
    expect((await localChats(d, 'new', ME.id)).map((c) => [c.id, c.messageCount])).toEqual([['x', 2]])
    await applyRequestsEvent(d, { type: 'chat.message', payload: { message: msg('x', 3) } })
    expect((await localMessages(d, 'x', 10)).map((m) => m.n)).toEqual([2, 3])
    expect((await localChats(d, 'new', ME.id)).map((c) => c.messageCount)).toEqual([2])
  })

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

describe('chat messages on the durable outbox (N3): exactly once, in order per chat', () => {
  const runs: OutboxRun[] = []
  afterEach(() => {
    for (const r of runs.splice(0)) r.stop()
  })

  /** A fake server that stores messages by clientMsgId (a repeat gets the stored one back). */
  function fakeServer() {
    const stored: { clientMsgId: string; chatId: string; text: string; n: number }[] = []
    let up = true
    let refuse: string | null = null
    const transport = async (item: ItemOf<ChatKind>): Promise<Answer> => {
      if (!up) return { status: 0 }
      const text = item.kind === 'message' ? (item.payload as TextPayload).text : item.kind
      if (refuse === text) return { status: 415, code: 'E_FILE_TYPE' }
      let row = stored.find((s) => s.clientMsgId === item.id)
      if (!row) {
        row = {
          clientMsgId: item.id,
          chatId: (item.payload as TextPayload).chatId,
          text,
          n: stored.length + 1,
        }
        stored.push(row)
      }
      return {
        status: 201,
        message: msg(row.chatId, row.n, {
          id: `srv-${row.clientMsgId}`,
          clientMsgId: row.clientMsgId,
          author: 'operator',
          text,
        }),
      }
    }
    return {
      stored,
      transport,
      setUp: (v: boolean) => {
        up = v
      },
      refuseText: (t: string | null) => {
        refuse = t
      },
    }
  }

  function run(d: FrontlineDb, srv: ReturnType<typeof fakeServer>, ready: () => boolean) {
    const senders: SenderRegistry = new Map()
    const s = chatSender(() => d, srv.transport)
    for (const k of ['message', 'file', 'voice'] as const) senders.set(k, s as never)
    const r = startOutbox(d, { ready, senders, random: () => 0 })
    runs.push(r)
    return r
  }
  const text = (chatId: string, t: string) => ({
    kind: 'message' as const,
    payload: { chatId, text: t, replyToId: null },
  })

  it('a composed message shows at once as queued, after every server message, and its server copy replaces it', async () => {
    const d = open()
    const srv = fakeServer()
    let online = false
    const r = run(d, srv, () => online)
    await putMessages(d, [msg('x', 1)])
    const id = await compose(d, ME, text('x', 'hi'))
    let rows = await localMessages(d, 'x', 10)
    expect(rows.map((m) => [m.text, m.local])).toEqual([
      ['hello 1', undefined],
      ['hi', 'queued'],
    ])
    expect(localState(await d.outbox.get(id))).toBe('queued')
    online = true
    r.kick()
    await r.idle()
    rows = await localMessages(d, 'x', 10)
    expect(rows.map((m) => [m.id, m.local])).toEqual([
      ['m-x-1', undefined],
      [`srv-${id}`, undefined],
    ])
    expect(await d.outbox.count()).toBe(0)
  })

  it('offline with a reload in the middle: nothing is lost, and each message leaves once, in order per chat, when the network returns', async () => {
    const d = open()
    const srv = fakeServer()
    let online = false
    const first = run(d, srv, () => online)
    const texts = Array.from({ length: 20 }, (_, i) => `m${i + 1}`)
    for (const t of texts.slice(0, 10)) await compose(d, ME, text('x', t))
    await compose(d, ME, text('y', 'other chat'))
    // The network drops for good mid-way: what was tried is retried, not lost.
    online = true
    srv.setUp(false)
    first.kick()
    await first.idle()
    online = false
    // A reload: the run stops, a fresh database handle on the same data, more messages composed.
    first.stop()
    d.close()
    const again = openDb(d.name.replace(/^frontline-/, ''))
    db = again
    const second = run(again, srv, () => online)
    for (const t of texts.slice(10)) await compose(again, ME, text('x', t))
    srv.setUp(true)
    online = true
    // Backoff from the failed tries: let them come due, as time passing does.
    await again.outbox.toCollection().modify({ nextAt: 0 })
    for (let i = 0; i < 30 && (await again.outbox.count()) > 0; i++) {
      second.kick()
      await second.idle()
    }
    expect(srv.stored.filter((s) => s.chatId === 'x').map((s) => s.text)).toEqual(texts)
    expect(srv.stored.filter((s) => s.chatId === 'y')).toHaveLength(1)
    expect((await localMessages(again, 'x', 50)).map((m) => [m.text, m.local])).toEqual(
      texts.map((t) => [t, undefined]),
    )
  })

  it('a refused message is kept with its reason and Retry, and does not hold the chat; answers are classified', async () => {
    const d = open()
    const srv = fakeServer()
    const r = run(d, srv, () => true)
    srv.refuseText('a')
    const a = await compose(d, ME, text('x', 'a'))
    await compose(d, ME, text('x', 'b'))
    await r.idle()
    for (let i = 0; i < 5 && (await d.outbox.count()) > 1; i++) {
      r.kick()
      await r.idle()
    }
    expect(srv.stored.map((s) => s.text)).toEqual(['b'])
    const item = await d.outbox.get(a)
    expect([localState(item), item?.lastError]).toEqual(['refused', 'E_FILE_TYPE'])
    srv.refuseText(null)
    await retryMessage(d, a)
    await r.idle()
    expect(srv.stored.map((s) => s.text)).toEqual(['b', 'a'])
    expect(await d.messages.get(a)).toBeUndefined()
    expect(outcomeOf({ status: 401 }).kind).toBe('retry')
    expect(outcomeOf({ status: 201 }).kind).toBe('retry')
    expect(outcomeOf({ status: 413, code: 'E_FILE_TOO_LARGE' })).toEqual({
      kind: 'refused',
      error: 'E_FILE_TOO_LARGE',
    })
    expect(outcomeOf({ status: 503 }).kind).toBe('retry')
  })
})
