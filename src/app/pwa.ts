/** SPEC A6: register our service worker with workbox-window and surface a waiting update. */
import { createSignal } from 'solid-js'
import { Workbox } from 'workbox-window'

const [updateReady, setUpdateReady] = createSignal(false)

/** True when a new version is installed and waiting. */
export { updateReady }

let wb: Workbox | null = null

/** What the worker posts when a notification is tapped (sw/clicks.ts ClickMessage). */
export interface NotificationClick {
  action: string
  /** The screen to show; null: the action was done in the background (Take, Decline). */
  path: string | null
  /** Render the screen once events up to this seq are applied (N2). */
  seq: number | null
  data: unknown
}

/** Register /sw.js (production builds only; the dev server has no worker). */
export function registerServiceWorker(onNotificationClick: (click: NotificationClick) => void): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return
  wb = new Workbox('/sw.js')
  wb.addEventListener('waiting', () => setUpdateReady(true))
  navigator.serviceWorker.addEventListener('message', (e: MessageEvent) => {
    const d = e.data as {
      kind?: string
      path?: unknown
      seq?: unknown
      action?: unknown
      data?: unknown
    } | null
    if (d?.kind !== 'notification-click') return
    onNotificationClick({
      action: typeof d.action === 'string' ? d.action : 'default',
      // Only an in-app path (the worker checks it too).
      path: typeof d.path === 'string' && /^\/(?![/\\])/.test(d.path) ? d.path : null,
      seq: typeof d.seq === 'number' && Number.isSafeInteger(d.seq) ? d.seq : null,
      data: d.data,
    })
  })
  void wb.register()
}

/** Ask the waiting worker to take over, then reload into the new version. */
export function applyUpdate(): void {
  if (!wb) return
  wb.addEventListener('controlling', () => location.reload())
  wb.messageSkipWaiting()
}
