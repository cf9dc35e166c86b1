/**
 * SPEC N2: a tap on a notification opens the app at the right screen. Pure logic, unit-tested:
 * a real `notificationclick` cannot be fired from a test (recipes/README.md).
 */
import { answerPath, pushPath } from '../contract/push.ts'
import { isPushPayload } from './notify.ts'

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

/** What a tap on a notification does: an API call the worker makes first, then a screen (or none). */
export interface ClickPlan {
  /** The in-app path to open or focus; null: done in the background (Decline, Take). */
  path: string | null
  /** Made by the worker with the session's token, before any window opens. */
  call: { method: 'POST'; url: string } | null
  /** Where to go when the call fails (the operator then acts in the app); null: stay in the background. */
  fallback: string | null
  /** The event seq the screen must have applied before it renders (N2). */
  seq: number | null
}

const enc = encodeURIComponent

/**
 * The plan for a tap (`action` '' = the body, the only tap where a platform shows no actions: it does
 * the main thing). Unknown actions do what the body does. Payloads of older builds (`type`, `url`)
 * go where `targetPath` says.
 */
export function clickPlan(action: string, data: unknown, origin: string = selfOrigin()): ClickPlan {
  if (!isPushPayload(data)) return { path: targetPath(data, origin), call: null, fallback: '/', seq: null }
  const p = data
  const open = pushPath(p)
  const plan = (path: string | null, call: ClickPlan['call'] = null): ClickPlan => ({
    path,
    call,
    fallback: open,
    seq: p.seq,
  })
  switch (p.kind) {
    case 'call':
      // Decline: the open app (if any) rejects the ringing call; a closed one lets it ring out. The
      // worker reports the decline as the in-app button does (C10: the call joins My calls); refused
      // or offline, nothing opens over a call the operator declined.
      if (action === 'decline')
        return p.sipCallId
          ? {
              ...plan(null, { method: 'POST', url: `/api/calls/declined/${enc(p.sipCallId)}` }),
              fallback: null,
            }
          : plan(null)
      // The woken app answers the INVITE carrying this SIP Call-ID once it registers (N1 §3).
      return plan(p.sipCallId ? answerPath(p) : `/calls?call=${enc(p.callId)}&answer=1`)
    case 'missed_call':
      return plan(open)
    case 'chat':
      if (action === 'take') return plan(null, { method: 'POST', url: `/api/chats/${enc(p.chatId)}/accept` })
      return plan(open)
    case 'chats':
    case 'lead':
      return plan(open)
    case 'transfer':
      if (action === 'accept')
        return plan(open, { method: 'POST', url: `/api/transfers/${enc(p.offerId)}/accept` })
      if (action === 'decline')
        return plan(null, { method: 'POST', url: `/api/transfers/${enc(p.offerId)}/decline` })
      return plan(open)
  }
}

/** How the worker reaches the API: the active session's token and fetch (fakes in tests). */
export interface ApiLike {
  token(): Promise<string | null>
  fetch(url: string, init: RequestInit): Promise<{ ok: boolean; status: number }>
}

/** The message the page gets (src/app/pwa.ts). */
export interface ClickMessage {
  kind: 'notification-click'
  action: string
  path: string | null
  seq?: number | null
  data: unknown
}

/**
 * Runs a tap: the API call (Take, Accept, Decline) from the worker, then focuses an open window (or
 * opens one at the path) and tells the page what was tapped; a background action only tells the
 * windows already open. Resolves with the window used, or null.
 */
export async function handleNotificationClick(
  action: string,
  data: unknown,
  clients: ClientsLike,
  api?: ApiLike,
): Promise<WindowLike | null> {
  const plan = clickPlan(action, data)
  let path = plan.path
  if (plan.call) {
    let ok = false
    const token = api ? await api.token().catch(() => null) : null
    if (api && token) {
      ok = await api
        .fetch(plan.call.url, { method: plan.call.method, headers: { authorization: `Bearer ${token}` } })
        .then((r) => r.ok)
        .catch(() => false)
    }
    // Refused (taken by someone else, offer expired) or offline: show it in the app.
    if (!ok) path = plan.fallback
  }
  const open = await clients.matchAll({ type: 'window', includeUncontrolled: true })
  const msg: ClickMessage = {
    kind: 'notification-click',
    action: action || 'default',
    path,
    ...(plan.seq !== null ? { seq: plan.seq } : {}),
    data,
  }
  if (!path) {
    for (const w of open) w.postMessage(msg)
    return null
  }
  let client: WindowLike | null = open[0] ?? null
  if (client) client = await client.focus()
  else client = await clients.openWindow(plan.seq !== null ? withSeq(path, plan.seq) : path)
  client?.postMessage(msg)
  return client
}

/** A path that carries the seq for a window opened cold (the page waits for it before rendering). */
export function withSeq(path: string, seq: number): string {
  return `${path}${path.includes('?') ? '&' : '?'}seq=${seq}`
}
