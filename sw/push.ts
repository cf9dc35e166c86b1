/**
 * SPEC N1/N2: show a notification for a push and route its click. The app does not subscribe yet
 * (issue N1); this handler is ready for the server's typed payloads.
 */
import { handleNotificationClick, type NotificationData } from './clicks.ts'

interface PushPayload extends NotificationData {
  title?: string
  body?: string
  tag?: string
}

function parse(data: PushMessageData | null): PushPayload {
  if (!data) return {}
  try {
    const v: unknown = data.json()
    return v && typeof v === 'object' ? (v as PushPayload) : {}
  } catch {
    return { body: data.text() }
  }
}

/** Wire push and notificationclick events. */
export function setupPush(sw: ServiceWorkerGlobalScope): void {
  sw.addEventListener('push', (event) => {
    const p = parse(event.data)
    const title = typeof p.title === 'string' && p.title ? p.title : 'Frontline'
    event.waitUntil(
      sw.registration.showNotification(title, {
        body: typeof p.body === 'string' ? p.body : '',
        tag: p.tag ?? p.callId ?? p.chatId ?? p.type,
        icon: '/icon-192.png',
        data: p,
        requireInteraction: p.type === 'call',
      }),
    )
  })
  sw.addEventListener('notificationclick', (event) => {
    event.notification.close()
    event.waitUntil(handleNotificationClick(event.action, event.notification.data, sw.clients))
  })
}
