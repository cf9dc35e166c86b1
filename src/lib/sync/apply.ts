/** Apply server events to the Dexie mirror; the seq is stored in the same transaction (exactly-once). */
import type { ServerEvent } from '../../../contract/index.ts'
import { type FrontlineDb, getMeta, setMeta } from '../store/index.ts'
import { shouldApply } from './machine.ts'

/** Apply one event if newer than the stored seq; returns whether it was applied. */
export async function applyEvent(db: FrontlineDb, ev: ServerEvent): Promise<boolean> {
  return db.transaction('rw', [db.meta, db.employees, db.calls], async () => {
    const last = (await getMeta<number>(db, 'lastSeq')) ?? 0
    if (!shouldApply(last, ev.seq)) return false
    switch (ev.type) {
      case 'status.changed':
        await db.employees.update(ev.payload.employeeId, {
          status: ev.payload.status,
          online: ev.payload.online,
        })
        break
      case 'statuses.updated':
        await setMeta(db, 'statuses', ev.payload.matrix)
        break
      case 'call.updated':
      case 'missed.added':
        // C8/C9: the call history is mirrored for offline reading (N3).
        await db.calls.put(ev.payload.call)
        break
      case 'missed.handled': {
        const { handledById, handledByName, handledAt } = ev.payload
        for (const id of ev.payload.callIds)
          await db.calls.update(id, { handledById, handledByName, handledAt })
        break
      }
      case 'line.busy':
        // Live line state is not stored: it is only meaningful while connected.
        break
    }
    await setMeta(db, 'lastSeq', ev.seq)
    return true
  })
}
