/** The Requests feature's handlers for the chat events (contract/events.ts): they write the mirror. */
import type { EventPayloads } from '../../../contract/events.ts'
import type { FrontlineDb } from '../../lib/store/index.ts'
import { putChats, putMessages } from './mirror.ts'

type ChatEventType =
  | 'chat.updated'
  | 'chat.message'
  | 'message.updated'
  | 'template.updated'
  | 'template.deleted'

/** One handler per chat event type (a table, not a switch: lib/sync routes events here). */
export const requestsHandlers: {
  [K in ChatEventType]: (db: FrontlineDb, payload: EventPayloads[K]) => Promise<void>
} = {
  'chat.updated': (db, p) => putChats(db, [p.chat]),
  'chat.message': (db, p) => putMessages(db, [p.message]),
  'message.updated': (db, p) => putMessages(db, [p.message]),
  'template.updated': async (db, p) => {
    await db.templates.put(p.template)
  },
  'template.deleted': async (db, p) => {
    await db.templates.delete(p.id)
  },
}

/** Apply an event if it is a chat event; returns whether it was one. */
export async function applyRequestsEvent(
  db: FrontlineDb,
  ev: { type: string; payload: unknown },
): Promise<boolean> {
  if (!(ev.type in requestsHandlers)) return false
  const h = requestsHandlers[ev.type as ChatEventType] as (db: FrontlineDb, p: unknown) => Promise<void>
  await h(db, ev.payload)
  return true
}
