/**
 * SPEC N1/N2/N4: a push shows its notification (sw/notify.ts), keeps the icon's badge right, and a tap
 * runs the click plan (sw/clicks.ts) — Take, Accept and Decline call the API from here with the
 * active session's token, so they work without opening the app.
 */
import { get, set } from 'idb-keyval'
import { badgeAfterPush, badgeCount, parseBadge } from '../contract/push.ts'
import { handleNotificationClick } from './clicks.ts'
import { isPushPayload, langOf, notificationFor } from './notify.ts'
import { activeToken } from './session.ts'

/** idb-keyval key of the badge state; the app writes it too (src/lib/push). */
export const BADGE_KEY = 'badge'

function parse(data: PushMessageData | null): unknown {
  if (!data) return null
  try {
    return data.json()
  } catch {
    return { body: data.text() }
  }
}

type BadgeNavigator = WorkerNavigator & { setAppBadge?: (n?: number) => Promise<void> }

/** Wire push and notificationclick events. */
export function setupPush(sw: ServiceWorkerGlobalScope): void {
  sw.addEventListener('push', (event) => {
    const p = parse(event.data)
    if (!isPushPayload(p)) {
      // Not one of ours (an older server): still a visible notification, as the browser requires.
      const body = (p as { body?: unknown } | null)?.body
      event.waitUntil(
        sw.registration.showNotification('Frontline', { body: typeof body === 'string' ? body : '' }),
      )
      return
    }
    const n = notificationFor(p, langOf(sw.navigator.language))
    const badge = async () => {
      const nav = sw.navigator as BadgeNavigator
      const next = badgeAfterPush(parseBadge(await get(BADGE_KEY)), p)
      await set(BADGE_KEY, next)
      await nav.setAppBadge?.(badgeCount(next))
    }
    event.waitUntil(
      Promise.all([sw.registration.showNotification(n.title, n.options), badge().catch(() => undefined)]),
    )
  })
  // The browser replaced the subscription (keys rotated, expired): subscribe again and tell the server.
  sw.addEventListener('pushsubscriptionchange' as 'push', (event: ExtendableEvent) => {
    const old = (event as ExtendableEvent & { oldSubscription?: PushSubscription | null }).oldSubscription
    event.waitUntil(resubscribe(sw, old?.endpoint ?? null).catch(() => undefined))
  })
  sw.addEventListener('notificationclick', (event) => {
    event.notification.close()
    event.waitUntil(
      handleNotificationClick(event.action, event.notification.data, sw.clients, {
        token: async () => activeToken(await get('accounts')),
        fetch: (url, init) => fetch(url, init),
      }),
    )
  })
}

/** Subscribes again with the server's key and registers the new subscription (N1). */
async function resubscribe(sw: ServiceWorkerGlobalScope, oldEndpoint: string | null): Promise<void> {
  const token = activeToken(await get('accounts'))
  if (!token) return
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const key = (await (await fetch('/api/push/vapid-key', { headers })).json()) as { publicKey: string }
  const sub = await sw.registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: base64UrlBytes(key.publicKey),
  })
  await fetch('/api/push/subscriptions', { method: 'POST', headers, body: JSON.stringify(sub.toJSON()) })
  if (oldEndpoint && oldEndpoint !== sub.endpoint)
    await fetch('/api/push/subscriptions', {
      method: 'DELETE',
      headers,
      body: JSON.stringify({ endpoint: oldEndpoint }),
    })
}

/** base64url → bytes (the VAPID public key for `applicationServerKey`). */
export function base64UrlBytes(s: string): Uint8Array<ArrayBuffer> {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)
  const bin = atob(b64)
  const out = new Uint8Array(new ArrayBuffer(bin.length))
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}
