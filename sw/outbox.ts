/**
 * SPEC N3: the outbox from a closed app. A page that kept a message registers the Background Sync
 * tag `outbox` (src/lib/sync/outbox.ts); the browser fires `sync` here once the device is online —
 * with the page open or closed — and every saved account's outbox is drained with its own token.
 * The claims in IndexedDB and the Web Locks keep this run and a page from sending one item twice;
 * a replayed sync finds nothing left. Anything still waiting makes the sync fail, so it fires again.
 */
import { get } from 'idb-keyval'
import { ACCOUNTS_KEY, parseAccounts } from '../src/lib/session/accounts.ts'
import { openDb } from '../src/lib/store/db.ts'
import { syncAccounts } from '../src/lib/sync/background.ts'
import { OUTBOX_SYNC_TAG } from '../src/lib/sync/outbox.ts'

interface SyncEvent extends ExtendableEvent {
  readonly tag: string
  readonly lastChance: boolean
}

/** Wire the `sync` event to the outbox drain. */
export function setupOutbox(sw: ServiceWorkerGlobalScope): void {
  sw.addEventListener('sync' as keyof ServiceWorkerGlobalScopeEventMap, (event) => {
    const e = event as unknown as SyncEvent
    if (e.tag !== OUTBOX_SYNC_TAG) return
    e.waitUntil(
      (async () => {
        const { list } = parseAccounts(await get(ACCOUNTS_KEY))
        await syncAccounts(list, openDb)
      })(),
    )
  })
}
