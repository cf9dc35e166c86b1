/**
 * SPEC A6 update prompt: a new worker waits until the page asks it to take over (the page shows
 * "Update available — Reload" and posts SKIP_WAITING), so a running call is never cut by an update.
 */
import { clientsClaim } from 'workbox-core'

/** Listen for SKIP_WAITING from the page and claim clients once active. */
export function setupUpdate(sw: ServiceWorkerGlobalScope): void {
  sw.addEventListener('message', (e) => {
    const data = e.data as { type?: unknown } | null
    if (data?.type === 'SKIP_WAITING') void sw.skipWaiting()
  })
  clientsClaim()
}
