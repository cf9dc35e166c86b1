/**
 * What the Requests feature does with server events (T2–T5): chats, messages and templates are
 * written to the mirror (the screens follow it); after a chat message arrives the outbox is kicked
 * (the server is reachable). Registered with lib/sync's dispatcher by the door.
 */
import type { FrontlineDb } from '../../lib/store/index.ts'
import type { FeatureEvents } from '../../lib/sync/index.ts'
import { putLeads } from './leads.ts'
import { putChats, putMessages } from './mirror.ts'
import { scheduledChanged } from './scheduled.ts'
import { bumpPresence, onTransferEvent } from './transfers.ts'

const reread = { after: () => bumpPresence() }

/** On a reset (the mirror came from another feed) the server's copies go; unsent messages stay. */
async function drop(db: FrontlineDb): Promise<void> {
  await db.chats.clear()
  await db.templates.clear()
  await db.leads.clear()
  await db.messages.filter((m) => !m.local).delete()
}

export const requestsEvents: FeatureEvents = {
  owner: 'requests',
  on: {
    'chat.updated': { tables: ['chats'], apply: (db, ev) => putChats(db, [ev.payload.chat]) },
    // The chat as the message left it comes with it (absent on older events: a chat.updated followed).
    'chat.message': {
      tables: ['messages', 'chats'],
      apply: async (db, ev) => {
        await putMessages(db, [ev.payload.message])
        if (ev.payload.chat) await putChats(db, [ev.payload.chat])
      },
    },
    'message.updated': { tables: ['messages'], apply: (db, ev) => putMessages(db, [ev.payload.message]) },
    'template.updated': { tables: ['templates'], apply: (db, ev) => db.templates.put(ev.payload.template) },
    'template.deleted': { tables: ['templates'], apply: (db, ev) => db.templates.delete(ev.payload.id) },
    // T11: every employee hears of every lead (no distribution); taken and completed update it.
    'lead.updated': { tables: ['leads'], apply: (db, ev) => putLeads(db, [ev.payload.lead]) },
    // T12: an open chat's list of scheduled messages reloads (not mirrored: see scheduled.ts).
    'scheduled.updated': { after: (ev) => scheduledChanged(ev.payload.scheduled) },
    // T7: offers are not mirrored (they live seconds); the picker's live counts follow presence.
    'transfer.updated': { after: (ev) => onTransferEvent(ev) },
    'status.changed': reread,
    'presence.changed': reread,
  },
  reset: { tables: ['chats', 'messages', 'templates', 'leads'], drop },
}
