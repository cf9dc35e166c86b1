/**
 * What the status feature does with server events (S1/S2): the tenant's matrix, my own status, and
 * the tenant's options on my session (A5).
 */
import { me, patchMe, refreshMe } from '../../lib/session/index.ts'
import { setMeta } from '../../lib/store/index.ts'
import type { FeatureEvents } from '../../lib/sync/index.ts'
import { setForcedBy, showMatrix } from './statuses.ts'

export const statusEvents: FeatureEvents = {
  owner: 'status',
  on: {
    'status.changed': {
      after: (ev) => {
        const mine = me()
        if (ev.payload.employeeId !== mine?.id) return
        // S3: a supervisor set it — I see, live, who did (StatusButton shows it), and the note under
        // the header keeps saying so until I change it myself.
        const forced = ev.payload.byId && ev.payload.byId !== mine.id
        void patchMe({
          status: ev.payload.status,
          statusSetBy: forced ? { name: ev.payload.byName ?? '', at: ev.payload.at } : null,
        })
        setForcedBy(forced ? { by: ev.payload.byName ?? '', status: ev.payload.status } : null)
      },
    },
    'statuses.updated': {
      tables: ['meta'],
      apply: (db, ev) => setMeta(db, 'statuses', ev.payload.matrix),
      after: (ev) => showMatrix(ev.payload.matrix),
    },
    // A5: the admin switched omnichannel: the tab bar (and Requests) follow without a reload.
    'tenant.features': {
      after: (ev) => {
        if (me()) void patchMe({ features: ev.payload.features })
      },
    },
    // Issue 13: the admin changed me (role, name, extension): my profile and line follow at once.
    'employee.updated': {
      after: (ev) => {
        if (ev.payload.employeeId === me()?.id) void refreshMe().catch(() => undefined)
      },
    },
  },
  reset: { tables: ['meta'], drop: (db) => db.meta.delete('statuses') },
}
