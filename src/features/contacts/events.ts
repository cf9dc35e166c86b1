/**
 * What the contacts feature does with server events (K1, S1): a colleague's status is written to the
 * mirrored employee at once; presence and group availability are the server's to compute, so any
 * change that moves them (status, matrix, a call starting or ending, a line coming or going) asks
 * for a re-read shortly after.
 */
import type { FeatureEvents } from '../../lib/sync/index.ts'
import { refreshPresenceSoon } from './data.ts'

const reread = { after: () => refreshPresenceSoon() }

export const contactEvents: FeatureEvents = {
  owner: 'contacts',
  on: {
    'status.changed': {
      tables: ['employees'],
      apply: (db, ev) =>
        db.employees.update(ev.payload.employeeId, { status: ev.payload.status, online: ev.payload.online }),
      ...reread,
    },
    'statuses.updated': reread,
    'line.busy': reread,
    'presence.changed': reread,
    // Issue 13 §2: the admin edited a group (members, name, extension).
    'groups.updated': reread,
    // K3: a client was added or got a number / e-mail (here or in a colleague's app).
    'client.updated': {
      tables: ['clients'],
      apply: (db, ev) => db.clients.put(ev.payload.client),
    },
  },
}
