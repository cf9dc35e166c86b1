/** SPEC A6: register our service worker with workbox-window and surface a waiting update. */
import { createSignal } from 'solid-js'
import { Workbox } from 'workbox-window'

const [updateReady, setUpdateReady] = createSignal(false)

/** True when a new version is installed and waiting. */
export { updateReady }

let wb: Workbox | null = null

/** Register /sw.js (production builds only; the dev server has no worker). */
export function registerServiceWorker(onNotificationClick: (path: string) => void): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return
  wb = new Workbox('/sw.js')
  wb.addEventListener('waiting', () => setUpdateReady(true))
  navigator.serviceWorker.addEventListener('message', (e: MessageEvent) => {
    const d = e.data as { kind?: string; path?: unknown } | null
    if (d?.kind === 'notification-click' && typeof d.path === 'string') onNotificationClick(d.path)
  })
  void wb.register()
}

/** Ask the waiting worker to take over, then reload into the new version. */
export function applyUpdate(): void {
  if (!wb) return
  wb.addEventListener('controlling', () => location.reload())
  wb.messageSkipWaiting()
}
