/**
 * Whether the device can reach the network, as the app last saw it (SPEC A6: say "offline" whenever
 * it is). `navigator.onLine` alone is not enough: after an offline reload some Chromium builds report
 * `true` and fire no event, so a request that failed at the network level counts as evidence too.
 * ```
 *            offline event / request failed (network error)
 *   online ──────────────────────────────────────────────────▶ offline
 *      ▲                                                          │
 *      └──────── online event / a request or socket got through ──┘
 * ```
 * Pure: the browser's events and the API client's outcomes are fed in by index.ts.
 */
export type NetState = 'online' | 'offline'

/** `offline`/`online`: the window's events; `failed`: a fetch threw a network TypeError; `reached`: the server answered. */
export type NetInput = 'offline' | 'online' | 'failed' | 'reached'

const NEXT: Record<NetInput, NetState> = {
  offline: 'offline',
  failed: 'offline',
  online: 'online',
  reached: 'online',
}

/**
 * The next network state (every input decides it on its own: the latest evidence wins) — except that
 * while the browser itself says it is offline (`onLine` false), an answer is no proof of the network:
 * it may be the service worker's, or a request sent just before the network went (the offline chip
 * vanished at once in the 360 px walk-through, e2e C3).
 */
export function netStep(s: NetState, input: NetInput, onLine?: boolean): NetState {
  if (input === 'reached' && onLine === false) return s
  return NEXT[input]
}

/** The state to start from: a browser that already knows it is offline says so. */
export function initialNet(onLine: boolean | undefined): NetState {
  return onLine === false ? 'offline' : 'online'
}

/** True when a thrown fetch error means the network (not the server, not an abort) failed. */
export function isNetworkError(e: unknown): boolean {
  return e instanceof TypeError
}
