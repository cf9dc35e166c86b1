/** SPEC K2: a client's whole story — calls and chats in one timeline, newest first. */
import type { CallDirection, CallState } from './calls.ts'
import type { ChannelKind, ChatState } from './chats.ts'

export type TimelineItem =
  | {
      kind: 'call'
      id: string
      at: string
      direction: CallDirection
      state: CallState
      missed: boolean
      /** The client's number on this call. */
      number: string
      durationSec: number | null
      /**
       * Where this call was transferred (C5/C6), oldest first: the colleague, whether he answered, his
       * talk time. Transfer legs are folded into their call, never items of their own (probe 11, #20).
       */
      transfers?: { name: string; answered: boolean; durationSec: number | null }[]
    }
  | {
      kind: 'chat'
      id: string
      at: string
      channel: ChannelKind
      state: ChatState
      /** When its last message came (or null for a chat without messages yet). */
      lastMessageAt: string | null
    }

/** GET /api/contacts/clients/:id/timeline: up to 200 items, newest first. */
export interface TimelineResponse {
  items: TimelineItem[]
}
