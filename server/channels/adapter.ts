/**
 * One interface for every channel a client writes through (SPEC T1): website chat now; e-mail,
 * Telegram and the messenger gateways next, each an adapter of its own.
 *
 *   inbound:  client ──adapter──▶ receive() (inbound.ts) ──chat domain──▶ chat message + event
 *   outbound: event spine ──dispatcher (outbound.ts)──▶ adapter.deliver() ──▶ client
 *
 * Inbound is the adapter calling `receive`; outbound is the dispatcher handing it what happened to a
 * chat of its channel after the write committed. What a channel can do is data (`capabilities`,
 * from SPEC T1's table in contract/chats.ts), never an `if` on a channel's name.
 */
import {
  CHANNEL_CAPABILITIES,
  type ChannelCapabilities,
  type ChannelKind,
  type ChatView,
  type MessageView,
} from '../../contract/chats.ts'

/** What happened to a chat, as an adapter receives it. `seq` orders it (and makes it idempotent). */
export type Outbound =
  | { type: 'message'; seq: number; tenantId: string; message: MessageView }
  | { type: 'message.updated'; seq: number; tenantId: string; message: MessageView }
  | { type: 'chat'; seq: number; tenantId: string; chat: ChatView }

export interface ChannelAdapter {
  readonly kind: ChannelKind
  readonly capabilities: ChannelCapabilities
  /**
   * Takes an event of a chat on this channel to the client. Called after commit, in seq order per
   * tenant, on every server instance (each delivers to the clients connected to it); must not throw
   * for a client that is gone, and must ignore a seq it has already handled.
   */
  deliver(out: Outbound): void | Promise<void>
}

/** The capability row of a channel kind (SPEC T1). */
export const capabilitiesOf = (kind: ChannelKind): ChannelCapabilities => CHANNEL_CAPABILITIES[kind]
