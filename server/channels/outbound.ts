/**
 * Outbound delivery: a listener on the event spine that hands each committed chat event to the
 * adapter of the chat's channel. Operator messages, delivery states and chat state reach a client
 * only this way, after the write committed — never from inside a domain transaction.
 */
import type { ChannelKind } from '../../contract/chats.ts'
import type { ServerEvent } from '../../contract/events.ts'
import type { ChannelAdapter, Outbound } from './adapter.ts'

/** Looks up the channel of a chat the dispatcher has not seen yet (null: no such chat). */
export type ChannelOf = (tenantId: string, chatId: string) => Promise<ChannelKind | null>

/** Chat ids → channel kept in memory (a chat never changes channel); bounded, oldest dropped. */
const CACHE = 10_000

export class OutboundDispatcher {
  private readonly adapters = new Map<ChannelKind, ChannelAdapter>()
  private readonly channelOf = new Map<string, ChannelKind>()
  private readonly lastSeq = new Map<string, number>()

  constructor(
    private readonly lookup: ChannelOf,
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  /** Connects an adapter: chats of its channel are delivered through it. */
  register(adapter: ChannelAdapter): void {
    this.adapters.set(adapter.kind, adapter)
  }

  private remember(chatId: string, kind: ChannelKind): void {
    if (this.channelOf.size >= CACHE) {
      const oldest = this.channelOf.keys().next().value
      if (oldest !== undefined) this.channelOf.delete(oldest)
    }
    this.channelOf.set(chatId, kind)
  }

  /** The spine listener: events of one tenant arrive in seq order; a repeated seq is ignored (idempotent). */
  async handle(tenantId: string, event: ServerEvent): Promise<void> {
    if (event.seq <= (this.lastSeq.get(tenantId) ?? 0)) return
    this.lastSeq.set(tenantId, event.seq)
    // A chat.message that carries its chat is the message, then the chat (as the two events were).
    const outs: Outbound[] = []
    let chatId: string
    if (event.type === 'chat.updated') {
      const { chat } = event.payload
      this.remember(chat.id, chat.channel)
      outs.push({ type: 'chat', seq: event.seq, tenantId, chat })
      chatId = chat.id
    } else if (event.type === 'chat.message' || event.type === 'message.updated') {
      const { message } = event.payload
      outs.push({
        type: event.type === 'chat.message' ? 'message' : 'message.updated',
        seq: event.seq,
        tenantId,
        message,
      })
      chatId = message.chatId
      const chat = event.type === 'chat.message' ? event.payload.chat : undefined
      if (chat) {
        this.remember(chat.id, chat.channel)
        outs.push({ type: 'chat', seq: event.seq, tenantId, chat })
      }
    } else return
    let kind = this.channelOf.get(chatId)
    if (!kind) {
      const found = await this.lookup(tenantId, chatId).catch((e: unknown) => {
        this.onError(e)
        return null
      })
      if (!found) return
      kind = found
      this.remember(chatId, kind)
    }
    const adapter = this.adapters.get(kind)
    if (!adapter) return
    for (const out of outs) {
      try {
        await adapter.deliver(out)
      } catch (e) {
        this.onError(e)
      }
    }
  }
}
