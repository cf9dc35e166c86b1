/** The sync door: realtime link and its pure lifecycle, the event dispatcher, the outbox. */
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
