/**
 * Web Push on this device (SPEC N1, N4): subscribe once the notification permission is granted,
 * re-check the subscription against the server at every start (the server may have dropped it on a
 * 410, or the device may now be signed in as someone else), and keep the icon's badge. Settings reads
 * `pushState` and `deviceCapabilities` to tell the operator what works here and what to do.
 *
 * `pushManager.subscribe()` can hang forever when the browser cannot reach its push service (seen on
 * Chromium without Google services): it is raced against SUBSCRIBE_TIMEOUT_MS and the state says
 * "push service unreachable" instead of spinning.
 */
import { set } from 'idb-keyval'
import { createSignal } from 'solid-js'
import { type BadgeState, badgeCount } from '../../../contract/push.ts'
import { ApiError, api } from '../api/index.ts'

export type PushState =
  /** No service worker, Notification or PushManager here (an iPhone tab not added to the home screen). */
  | 'unsupported'
  /** Not asked yet. */
  | 'permission'
  | 'denied'
  | 'checking'
  | 'subscribed'
  /** subscribe() did not settle or was aborted: the browser's push service is out of reach. */
  | 'unreachable'
  /** The server refused this device's subscription (e.g. an endpoint it does not accept). */
  | 'refused'
  /** Could not reach our server to register; retried at the next start. */
  | 'offline'

export const SUBSCRIBE_TIMEOUT_MS = 10_000

const [pushState, setPushState] = createSignal<PushState>('checking')

export { pushState }

/** idb-keyval key of the badge state (the service worker adds pushes to it: sw/push.ts). */
export const BADGE_KEY = 'badge'

/** What this device can do, for Settings (N1–N4). */
export interface DeviceCapabilities {
  notifications: NotificationPermission | 'unsupported'
  push: boolean
  backgroundSync: boolean
  badging: boolean
  /** Opened as an installed app (standalone window), not a browser tab. */
  installed: boolean
}

export function deviceCapabilities(): DeviceCapabilities {
  const w = globalThis as typeof globalThis & { ServiceWorkerRegistration?: { prototype: object } }
  return {
    notifications: 'Notification' in globalThis ? Notification.permission : 'unsupported',
    push: 'serviceWorker' in navigator && 'PushManager' in globalThis,
    backgroundSync: !!w.ServiceWorkerRegistration && 'sync' in w.ServiceWorkerRegistration.prototype,
    badging: 'setAppBadge' in navigator,
    installed:
      globalThis.matchMedia?.('(display-mode: standalone)').matches === true ||
      (navigator as Navigator & { standalone?: boolean }).standalone === true,
  }
}

/** base64url → bytes (the VAPID key for applicationServerKey). */
export function base64UrlBytes(s: string): Uint8Array<ArrayBuffer> {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)
  const bin = atob(b64)
  const out = new Uint8Array(new ArrayBuffer(bin.length))
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

const sameKey = (a: ArrayBuffer | null | undefined, b: Uint8Array): boolean => {
  if (!a || a.byteLength !== b.byteLength) return false
  const x = new Uint8Array(a)
  return x.every((v, i) => v === b[i])
}

/** `p` or a rejection after `ms` (subscribe may never settle). */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms)
    p.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (e: unknown) => {
        clearTimeout(timer)
        reject(e)
      },
    )
  })
}

let running: Promise<PushState> | null = null

/**
 * Makes sure this device is subscribed for the signed-in account (start, permission granted, a
 * new account). Never prompts: asking for the permission is the Welcome/Settings screens' job.
 */
export function ensurePush(token: string | null): Promise<PushState> {
  running ??= check(token).finally(() => {
    running = null
  })
  return running.then((s) => {
    setPushState(s)
    return s
  })
}

async function check(token: string | null): Promise<PushState> {
  const caps = deviceCapabilities()
  if (!caps.push || caps.notifications === 'unsupported') return 'unsupported'
  if (caps.notifications === 'denied') return 'denied'
  if (caps.notifications !== 'granted') return 'permission'
  if (!token) return 'checking'
  setPushState('checking')
  let reg: ServiceWorkerRegistration
  try {
    reg = await withTimeout(navigator.serviceWorker.ready, SUBSCRIBE_TIMEOUT_MS)
  } catch {
    return 'unsupported'
  }
  let key: Uint8Array<ArrayBuffer>
  try {
    key = base64UrlBytes((await api('GET /api/push/vapid-key', { token })).publicKey)
  } catch {
    return 'offline'
  }
  let sub = await reg.pushManager.getSubscription().catch(() => null)
  // Made with another server key (a restored install): useless, make a new one.
  if (sub && !sameKey(sub.options.applicationServerKey, key)) {
    await sub.unsubscribe().catch(() => false)
    sub = null
  }
  if (!sub) {
    try {
      sub = await withTimeout(
        reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }),
        SUBSCRIBE_TIMEOUT_MS,
      )
    } catch {
      // A refusal while notifications are allowed (a private window, a browser without a push
      // service) or no answer at all: either way the push service cannot be used from here.
      return Notification.permission === 'denied' ? 'denied' : 'unreachable'
    }
  }
  const json = sub.toJSON() as { endpoint?: string; keys?: { p256dh?: string; auth?: string } }
  try {
    await api('POST /api/push/subscriptions', {
      token,
      body: {
        endpoint: json.endpoint ?? '',
        keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
      },
    })
  } catch (e) {
    return e instanceof ApiError && e.status < 500 && e.code !== 'E_NETWORK' ? 'refused' : 'offline'
  }
  return 'subscribed'
}

/** Logout: the server stops pushing this account to this device. */
export async function forgetPush(token: string): Promise<void> {
  const reg = await navigator.serviceWorker?.getRegistration().catch(() => undefined)
  const sub = await reg?.pushManager.getSubscription().catch(() => null)
  if (sub)
    await api('DELETE /api/push/subscriptions', { token, body: { endpoint: sub.endpoint } }).catch(() => {})
}

type BadgeNavigator = Navigator & {
  setAppBadge?: (n?: number) => Promise<void>
  clearAppBadge?: () => Promise<void>
}

/** N4: the icon's badge from what the app knows (and the worker's copy, for pushes while closed). */
export async function applyBadge(s: BadgeState): Promise<number> {
  const n = badgeCount(s)
  await set(BADGE_KEY, s).catch(() => undefined)
  const nav = navigator as BadgeNavigator
  if (n > 0) await nav.setAppBadge?.(n).catch(() => undefined)
  else await nav.clearAppBadge?.().catch(() => undefined)
  return n
}

export { waitForSeq } from './fresh.ts'
