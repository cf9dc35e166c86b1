/** Dexie liveQuery as a Solid signal: screens render from the local mirror first (SPEC N3). */
import { liveQuery } from 'dexie'
import { type Accessor, createEffect, createSignal, onCleanup, untrack } from 'solid-js'
import type { FrontlineDb } from './db.ts'
import type { SharedQuery } from './shared.ts'

/**
 * A signal that follows a subscription opened per database and deps: `initial` while there is no
 * database, the subscription re-opened when either changes and closed with the owner.
 */
function followPerDb<T, D>(
  dbAccessor: Accessor<FrontlineDb | null>,
  deps: () => D,
  open: (db: FrontlineDb, d: D, set: (v: T) => void) => () => void,
  initial: T,
): Accessor<T> {
  const [value, setValue] = createSignal<T>(initial)
  createEffect(() => {
    const db = dbAccessor()
    const d = deps()
    if (!db) {
      setValue(() => initial)
      return
    }
    onCleanup(untrack(() => open(db, d, (v) => setValue(() => v))))
  })
  return value
}

/**
 * Subscribe to a query over the active database. It re-runs when the tables it read change, when
 * the database switches (account switch) or when a signal read by `deps` changes; `query` itself
 * runs inside Dexie's liveQuery (so Dexie can see which tables it reads) and must not read signals.
 */
export function createLiveQuery<T, D = undefined>(
  dbAccessor: Accessor<FrontlineDb | null>,
  deps: () => D,
  query: (db: FrontlineDb, d: D) => Promise<T>,
  initial: T,
): Accessor<T> {
  return followPerDb<T, D>(
    dbAccessor,
    deps,
    (db, d, set) => {
      const sub = liveQuery(() => untrack(() => query(db, d))).subscribe({
        next: set,
        error: (e: unknown) => console.error('liveQuery', e),
      })
      return () => sub.unsubscribe()
    },
    initial,
  )
}

/**
 * A shared live query as a Solid signal (issue 10): `source` names the one query for the current
 * database and deps (the same object for every caller that wants the same data: see `sharedLiveQuery`);
 * every component using it follows the one read.
 */
export function createSharedQuery<T, D = undefined>(
  dbAccessor: Accessor<FrontlineDb | null>,
  deps: () => D,
  source: (db: FrontlineDb, d: D) => SharedQuery<T>,
  initial: T,
): Accessor<T> {
  return followPerDb<T, D>(dbAccessor, deps, (db, d, set) => source(db, d).subscribe(set), initial)
}
