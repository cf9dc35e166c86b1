/**
 * Issue 10 (warm start): one Dexie live query shared by every screen piece that shows the same data.
 * The first subscriber opens the query, later ones get its last answer at once and every answer after;
 * the last one to leave closes it. N components showing New chats cost one read per change, not N.
 * No Solid here (unit-tested in shared.test.ts); `createSharedQuery` in live.ts is the Solid side.
 */
import { liveQuery } from 'dexie'

export interface SharedQuery<T> {
  /** Follow the answers; returns the unsubscribe. */
  subscribe(next: (value: T) => void): () => void
}

/** A shared live query over `query` (which must read Dexie only, no signals). */
export function sharedLiveQuery<T>(query: () => Promise<T>): SharedQuery<T> {
  const listeners = new Set<(value: T) => void>()
  let sub: { unsubscribe(): void } | null = null
  let last: { value: T } | null = null
  return {
    subscribe(next) {
      listeners.add(next)
      if (last) next(last.value)
      if (!sub)
        sub = liveQuery(query).subscribe({
          next: (value: T) => {
            last = { value }
            for (const l of [...listeners]) l(value)
          },
          error: (e: unknown) => console.error('liveQuery', e),
        })
      return () => {
        listeners.delete(next)
        if (listeners.size === 0) {
          sub?.unsubscribe()
          sub = null
          last = null
        }
      }
    },
  }
}
