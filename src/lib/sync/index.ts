/** The sync door: realtime link and its pure lifecycle, the event dispatcher, the durable outbox. */
export {
  type Answer,
  CHAT_KINDS,
  type ChatKind,
  type ChatPayload,
  chatRequest,
  deliverChatItem,
  type FilePayload,
  outcomeOf,
  type TextPayload,
  type VoicePayload,
} from './chat-delivery.ts'
export {
  createDispatcher,
  type Dispatcher,
  dispatcher,
  type EventHandler,
  type EventHandlers,
  type EventOf,
  type FeatureEvents,
  registerEvents,
} from './dispatch.ts'
export { type Link, type LinkOptions, startLink } from './link.ts'
export type { LinkState } from './machine.ts'
export {
  backoffMs,
  CLAIM_LEASE_MS,
  discardRefused,
  enqueue,
  type ItemOf,
  itemsOfKey,
  type NewItem,
  newOutboxId,
  type OutboxItem,
  type OutboxKind,
  type OutboxPayloads,
  type OutboxRun,
  type OutboxState,
  outcomeOfStatus,
  type PayloadOf,
  registerSender,
  retryItem,
  type Sender,
  type SendOutcome,
  startOutbox,
} from './outbox.ts'
export { beginStart, createStartReads, type StartReads, startRead } from './start-reads.ts'
