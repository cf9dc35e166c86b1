/**
 * SPEC N2: a tap on a notification opens the app at the right screen. Pure logic, unit-tested:
 * a real `notificationclick` cannot be fired from a test (recipes/README.md).
 */

/** The data the server's push payloads carry (contract grows with issue N1). */
export interface NotificationData {
  url?: string
  type?: string
  chatId?: string
  callId?: string
}

/** The minimal slice of `Clients` the handler needs — fakes implement it in tests. */
export interface ClientsLike {
  matchAll(opts: { type: 'window'; includeUncontrolled: boolean }): Promise<readonly WindowLike[]>
  openWindow(url: string): Promise<WindowLike | null>
}
export interface WindowLike {
  url: string
  focus(): Promise<WindowLike>
  navigate?(url: string): Promise<WindowLike | null>
  postMessage(msg: unknown): void
}

/** The app's origin: the service worker's own (a placeholder where there is none, e.g. unit tests). */
const selfOrigin = (): string => globalThis.location?.origin ?? 'https://app.invalid'

/**
 * `url` as an in-app path (path, query, hash) when it resolves to our own origin, else null. Parsing
 * decides, not the text: `/\evil.com/x`, `/\t/evil.com` or `//evil.com` resolve to another host.
 */
export function sameOriginPath(url: string, origin: string = selfOrigin()): string | null {
  if (!url.startsWith('/')) return null
  let u: URL
  try {
    u = new URL(url, origin)
  } catch {
    return null
  }
  if (u.origin !== new URL(origin).origin) return null
  return `${u.pathname}${u.search}${u.hash}`
}

/** Which in-app path a notification leads to; only same-origin paths are accepted. */
export function targetPath(data: unknown, origin: string = selfOrigin()): string {
  const d = (data ?? {}) as NotificationData
  const own = typeof d.url === 'string' ? sameOriginPath(d.url, origin) : null
  if (own) return own
  if (d.type === 'chat' && typeof d.chatId === 'string') return `/requests/${encodeURIComponent(d.chatId)}`
  if (d.type === 'call' || d.type === 'missed_call') return '/calls'
  if (d.type === 'lead') return '/requests'
  return '/'
}

/** Focus an open window (or open one) and tell the page what was tapped. */
export async function handleNotificationClick(
  action: string,
  data: unknown,
  clients: ClientsLike,
): Promise<WindowLike | null> {
  const path = targetPath(data)
  const open = await clients.matchAll({ type: 'window', includeUncontrolled: true })
  let client: WindowLike | null = open[0] ?? null
  if (client) client = await client.focus()
  else client = await clients.openWindow(path)
  client?.postMessage({ kind: 'notification-click', action: action || 'default', path, data })
  return client
}
