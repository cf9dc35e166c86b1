/**
 * SPEC N2: a tapped notification's screen renders with fresh data — once the change feed has applied
 * events up to the push's `seq` (kept in the account database's meta 'lastSeq' by the link). Offline
 * or slow, it gives up after `ms` and the screen shows what the mirror has.
 */
import { liveQuery } from 'dexie'
import { type FrontlineDb, getMeta } from '../store/index.ts'

/** Resolves true when lastSeq ≥ seq, false after `ms`. */
export function waitForSeq(db: FrontlineDb, seq: number, ms = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    const sub = liveQuery(() => getMeta<number>(db, 'lastSeq')).subscribe({
      next: (v) => {
        if ((v ?? 0) >= seq) done(true)
      },
      error: () => done(false),
    })
    const timer = setTimeout(() => done(false), ms)
    function done(ok: boolean) {
      clearTimeout(timer)
      queueMicrotask(() => sub.unsubscribe())
      resolve(ok)
    }
  })
}
