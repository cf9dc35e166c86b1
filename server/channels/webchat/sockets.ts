/**
 * The visitors' sockets on this instance, and the webchat adapter that delivers to them.
 *
 * A socket's life (contract/visitor.ts frames):
 *
 *   authed ──resume{afterN}──▶ replaying ──his messages after afterN sent──▶ live
 *     ▲                                                                     │
 *     └───────────── resume again (a new chat, or the widget asks) ◀────────┘
 *
 * While replaying, live messages are held and sent after the replay unless it had them (by `n`,
 * which is gap-free per chat); delivery states and chat frames are snapshots the widget merges
 * (delivery only moves forward), so they are sent as they come.
 */
import { CHANNEL_CAPABILITIES, type MessageView } from '../../../contract/chats.ts'
import type { VisitorChat, VisitorServerFrame } from '../../../contract/visitor.ts'
import type { ChannelAdapter, Outbound } from '../adapter.ts'
import { toVisitorChat, toVisitorMessage } from './views.ts'

export type VisitorSocketState = 'authed' | 'replaying' | 'live' | 'closed'

export class VisitorSocket {
  state: VisitorSocketState = 'authed'
  /** His current chat (null until he first writes). */
  chatId: string | null
  /** The highest message n of `chatId` this socket was sent. */
  lastN = 0
  private held: MessageView[] = []

  constructor(
    readonly tenantId: string,
    readonly visitorId: string,
    chat: VisitorChat | null,
    private readonly sendFrame: (f: VisitorServerFrame) => void,
    /** Closes the connection (the adapter evicts a visitor's oldest socket past the cap). */
    readonly evict: () => void = () => {},
  ) {
    this.chatId = chat?.id ?? null
  }

  send(f: VisitorServerFrame): void {
    if (this.state !== 'closed') this.sendFrame(f)
  }

  /** A live message of his chat. */
  message(m: MessageView): void {
    if (m.chatId !== this.chatId || this.state === 'closed' || this.state === 'authed') return
    if (this.state === 'replaying') {
      this.held.push(m)
      return
    }
    if (m.n <= this.lastN) return
    this.lastN = m.n
    this.send({ kind: 'message', message: toVisitorMessage(m) })
  }

  /** Starts a replay; `page` yields his chat's messages after n (oldest first, [] when done). */
  async replay(afterN: number, page: (chatId: string, afterN: number) => Promise<MessageView[]>) {
    this.state = 'replaying'
    this.held = []
    this.lastN = afterN
    const chatId = this.chatId
    if (chatId) {
      for (;;) {
        const ms = await page(chatId, this.lastN)
        if ((this.state as VisitorSocketState) === 'closed') return
        if (!ms.length) break
        for (const m of ms) {
          if (m.n <= this.lastN) continue
          this.lastN = m.n
          this.send({ kind: 'message', message: toVisitorMessage(m) })
        }
      }
    }
    if ((this.state as VisitorSocketState) === 'closed') return
    this.state = 'live'
    const held = this.held
    this.held = []
    for (const m of held) this.message(m)
    this.send({ kind: 'live', lastN: this.lastN })
  }

  close(): void {
    this.state = 'closed'
    this.held = []
  }
}

const key = (tenantId: string, visitorId: string) => `${tenantId}:${visitorId}`

/** Open sockets per visitor on an instance (tabs of the widget); past it the oldest is closed. */
export const SOCKETS_PER_VISITOR = 5

/** The webchat adapter: outbound events reach the sockets of the chat's visitor on this instance. */
export class WebchatAdapter implements ChannelAdapter {
  readonly kind = 'webchat' as const
  readonly capabilities = CHANNEL_CAPABILITIES.webchat
  private readonly byVisitor = new Map<string, Set<VisitorSocket>>()
  /** chat id → visitor key, for the message events (they name the chat only). */
  private readonly visitorOfChat = new Map<string, string>()

  /** Registers a socket; returns the function that removes it. */
  add(s: VisitorSocket): () => void {
    const k = key(s.tenantId, s.visitorId)
    let set = this.byVisitor.get(k)
    if (!set) {
      set = new Set()
      this.byVisitor.set(k, set)
    }
    // A Set iterates in insertion order: the first is the oldest.
    while (set.size >= SOCKETS_PER_VISITOR) {
      const oldest = set.values().next().value as VisitorSocket
      set.delete(oldest)
      oldest.close()
      oldest.evict()
    }
    set.add(s)
    if (s.chatId) this.visitorOfChat.set(s.chatId, k)
    return () => {
      s.close()
      const set = this.byVisitor.get(k)
      set?.delete(s)
      if (set && !set.size) {
        this.byVisitor.delete(k)
        for (const [chat, v] of this.visitorOfChat) if (v === k) this.visitorOfChat.delete(chat)
      }
    }
  }

  /** How many visitor sockets are open here (tests, health). */
  get size(): number {
    let n = 0
    for (const set of this.byVisitor.values()) n += set.size
    return n
  }

  deliver(out: Outbound): void {
    if (out.type === 'chat') {
      const { chat } = out
      if (!chat.visitorId) return
      const k = key(out.tenantId, chat.visitorId)
      const set = this.byVisitor.get(k)
      if (!set) return
      this.visitorOfChat.set(chat.id, k)
      const view = toVisitorChat(chat)
      for (const s of set) {
        // A chat newer than the one the socket follows (he wrote after the last one was completed).
        if (s.chatId !== chat.id && s.tenantId === out.tenantId) {
          s.chatId = chat.id
          s.lastN = 0
        }
        s.send({ kind: 'chat', chat: view })
      }
      return
    }
    const k = this.visitorOfChat.get(out.message.chatId)
    const set = k ? this.byVisitor.get(k) : undefined
    if (!set) return
    for (const s of set) {
      if (s.tenantId !== out.tenantId) continue
      if (out.type === 'message') s.message(out.message)
      else if (out.message.chatId === s.chatId)
        s.send({ kind: 'updated', message: toVisitorMessage(out.message) })
    }
  }
}
