/** What the status feature does with server events (S1/S2): the tenant's matrix, and my own status. */
import { me, patchMe } from '../../lib/session/index.ts'
import { setMeta } from '../../lib/store/index.ts'
import type { FeatureEvents } from '../../lib/sync/index.ts'
import { showMatrix } from './statuses.ts'

export const statusEvents: FeatureEvents = {
  owner: 'status',
  on: {
    'status.changed': {
      after: (ev) => {
        if (ev.payload.employeeId === me()?.id) void patchMe({ status: ev.payload.status })
      },
    },
    'statuses.updated': {
      tables: ['meta'],
      apply: (db, ev) => setMeta(db, 'statuses', ev.payload.matrix),
      after: (ev) => showMatrix(ev.payload.matrix),
    },
  },
  reset: { tables: ['meta'], drop: (db) => db.meta.delete('statuses') },
}
