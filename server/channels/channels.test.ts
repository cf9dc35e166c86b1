/**
 * Issue 7 §2: the channel adapter seam — outbound chat events reach the adapter of the chat's channel
 * once, in order, and the webchat adapter reaches only the sockets of that chat's visitor, with
 * nothing lost or doubled across a resume.
 */
import { describe, expect, it } from 'vitest'
import type { ChannelKind, ChatView, MessageView } from '../../contract/chats.ts'
import type { ServerEvent } from '../../contract/events.ts'
import type { VisitorServerFrame } from '../../contract/visitor.ts'
import type { ChannelAdapter, Outbound } from './adapter.ts'
import { OutboundDispatcher } from './outbound.ts'
import { VisitorSocket, WebchatAdapter } from './webchat/sockets.ts'

const T = '00000000-0000-4000-8000-00000000000a'
const V = '00000000-0000-4000-8000-0000000000b1'
const W = '00000000-0000-4000-8000-0000000000b2'

function chatView(id: string, visitorId: string | null, over: Partial<ChatView> = {}): ChatView {
  return {
    id,
    channel: 'webchat',
    state: 'new',
    clientName: null,
    clientPhone: null,
    clientEmail: null,
    contactId: null,
    visitorId,
    groupIds: ['g-secret'],
    assigneeId: 'emp-secret',
    assigneeName: 'Анна',
    createdAt: '2026-11-29T10:00:00.000Z',
    waitingSince: null,
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
    clientMsgId: `c-${n}`,
    author: 'operator',
    authorId: 'emp-secret',
    authorName: 'Анна',
    kind: 'text',
    text: `<b>${n}</b>`,
    replyToId: null,
    file: null,
    at: '2026-11-29T10:00:00.000Z',
    delivery: 'sent',
    ...over,
  }
}
let seq = 0
const ev = <E extends ServerEvent>(type: E['type'], payload: E['payload']) =>
  ({ kind: 'event', seq: ++seq, type, payload, at: '2026-11-29T10:00:00.000Z' }) as ServerEvent

function socket(visitorId: string, chatId: string | null) {
  const frames: VisitorServerFrame[] = []
  const s = new VisitorSocket(
    T,
    visitorId,
    chatId ? { id: chatId, state: 'new', operatorName: null, messageCount: 0, operatorReadN: 0 } : null,
    (f) => frames.push(f),
  )
  return { s, frames }
}

describe('outbound dispatcher', () => {
  it("hands a chat's events to its channel's adapter once each, in order; other channels' adapters get nothing", async () => {
    const got: Record<string, Outbound[]> = { webchat: [], email: [] }
    const adapter = (kind: ChannelKind): ChannelAdapter => ({
      kind,
      capabilities: { writeFirst: false, files: true, voice: true, images: true, scheduled: false },
      deliver: (o) => void got[kind]?.push(o),
    })
    const lookups: string[] = []
    const d = new OutboundDispatcher(async (_t, chatId) => {
      lookups.push(chatId)
      return chatId === 'mail-chat' ? 'email' : null
    })
    d.register(adapter('webchat'))
    d.register(adapter('email'))
    const e1 = ev('chat.updated', { chat: chatView('web-chat', V) })
    const e2 = ev('chat.message', { message: msg('web-chat', 1) })
    const e3 = ev('chat.message', { message: msg('mail-chat', 1) })
    const e4 = ev('status.changed', { employeeId: 'x', status: 'break', online: true, at: '' })
    for (const e of [e1, e2, e2, e3, e4, e1]) await d.handle(T, e)
    expect(got.webchat?.map((o) => o.seq)).toEqual([e1.seq, e2.seq])
    expect(got.email?.map((o) => [o.type, o.seq])).toEqual([['message', e3.seq]])
    // The webchat chat's channel was learnt from its chat.updated: no lookup for it.
    expect(lookups).toEqual(['mail-chat'])
  })

  it('a chat.message carrying its chat reaches the adapter as the message, then the chat (one event, both parts)', async () => {
    const got: Outbound[] = []
    const lookups: string[] = []
    const d = new OutboundDispatcher(async (_t, chatId) => {
      lookups.push(chatId)
      return null
    })
    d.register({
      kind: 'webchat',
      capabilities: { writeFirst: false, files: true, voice: true, images: true, scheduled: false },
      deliver: (o) => void got.push(o),
    })
    const chat = chatView('new-chat', V, { messageCount: 1 })
    const e = ev('chat.message', { message: msg('new-chat', 1), chat })
    await d.handle(T, e)
    await d.handle(T, e)
    expect(got.map((o) => [o.type, o.seq])).toEqual([
      ['message', e.seq],
      ['chat', e.seq],
    ])
    expect(got[1]).toMatchObject({ type: 'chat', chat })
    // Its channel came with it.
    expect(lookups).toEqual([])
  })
})

describe('webchat adapter', () => {
  it("reaches the chat's visitor only, in visitor-safe shapes (no employee or group ids)", async () => {
    const a = new WebchatAdapter()
    const mine = socket(V, 'chat-1')
    const other = socket(W, 'chat-2')
    a.add(mine.s)
    a.add(other.s)
    await mine.s.replay(0, async () => [])
    await other.s.replay(0, async () => [])
    a.deliver({ type: 'message', seq: 1, tenantId: T, message: msg('chat-1', 1) })
    a.deliver({ type: 'chat', seq: 2, tenantId: T, chat: chatView('chat-1', V, { state: 'active' }) })
    expect(other.frames.map((f) => f.kind)).toEqual(['live'])
    expect(mine.frames.map((f) => f.kind)).toEqual(['live', 'message', 'chat'])
    const raw = JSON.stringify(mine.frames)
    expect(raw).not.toMatch(/emp-secret|g-secret/)
    expect(raw).toContain('<b>1</b>') // text stays text: it is the widget that renders it inert
    // Another tenant's event for the same ids reaches nobody.
    a.deliver({ type: 'message', seq: 3, tenantId: 'another', message: msg('chat-1', 2) })
    expect(mine.frames).toHaveLength(3)
  })

  it('a message committed during the replay is held and sent once after it, in n order', async () => {
    const a = new WebchatAdapter()
    const { s, frames } = socket(V, 'chat-1')
    a.add(s)
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => {
      release = r
    })
    const pages = [[msg('chat-1', 2), msg('chat-1', 3)], []]
    const done = s.replay(1, async () => {
      await gate
      return pages.shift() ?? []
    })
    // n=3 (already in the replay page) and n=4 (not) arrive while the replay query runs.
    a.deliver({ type: 'message', seq: 1, tenantId: T, message: msg('chat-1', 3) })
    a.deliver({ type: 'message', seq: 2, tenantId: T, message: msg('chat-1', 4) })
    release()
    await done
    const ns = frames.flatMap((f) => (f.kind === 'message' ? [f.message.n] : []))
    expect(ns).toEqual([2, 3, 4])
    expect(frames.at(-1)).toEqual({ kind: 'live', lastN: 4 })
  })

  it('a new chat of the visitor (after the last was completed) switches his sockets to it', async () => {
    const a = new WebchatAdapter()
    const { s, frames } = socket(V, 'chat-old')
    a.add(s)
    await s.replay(5, async () => [])
    a.deliver({ type: 'chat', seq: 1, tenantId: T, chat: chatView('chat-new', V) })
    a.deliver({ type: 'message', seq: 2, tenantId: T, message: msg('chat-new', 1) })
    expect(s.chatId).toBe('chat-new')
    expect(frames.flatMap((f) => (f.kind === 'message' ? [f.message.id] : []))).toEqual(['m-chat-new-1'])
  })
})
