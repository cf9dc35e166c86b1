/** What the calls feature does with server events: the call history is mirrored for offline reading (C8/C9, N3). */
import type { FeatureEvents } from '../../lib/sync/index.ts'

export const callEvents: FeatureEvents = {
  owner: 'calls',
  on: {
    'call.updated': { tables: ['calls'], apply: (db, ev) => db.calls.put(ev.payload.call) },
    'missed.added': { tables: ['calls'], apply: (db, ev) => db.calls.put(ev.payload.call) },
    'missed.handled': {
      tables: ['calls'],
      apply: async (db, ev) => {
        const { handledById, handledByName, handledAt } = ev.payload
        for (const id of ev.payload.callIds)
          await db.calls.update(id, { handledById, handledByName, handledAt })
      },
    },
    // `line.busy`: live line state is not stored — it is only meaningful while connected (contacts re-reads presence).
  },
  reset: { tables: ['calls'], drop: (db) => db.calls.clear() },
}
