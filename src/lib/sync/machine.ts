/**
 * The realtime link's lifecycle (CONVENTIONS: every lifecycle is a typed state machine).
 *
 *            start                open               ready{lastSeq}          live
 *   idle ─────────▶ connecting ─────────▶ authenticating ──────────▶ resuming ──────▶ live
 *    ▲                  │ close                │ close                  │ close        │ close
 *    │ stop (any)       ▼                      ▼                        ▼              ▼
 *    └──────────── waiting{attempt} ◀─────────────────────────────────────────────────┘
 *                       │ retry (after backoff)          close 4401 (bad token) from anywhere
 *                       └──────────▶ connecting          ───────────────────────────▶ unauthorized
 *
 * In `resuming`, `reset{lastSeq}` (our seq is past the server's feed) drops the mirror and resumes
 * again from the server's lastSeq.
 *
 * Pure: no sockets, no timers. The link (link.ts) feeds inputs in and performs the effects.
 */

export type LinkState =
  | { kind: 'idle' }
  | { kind: 'connecting'; attempt: number }
  | { kind: 'authenticating'; attempt: number }
  | { kind: 'resuming'; since: number }
  | { kind: 'live'; since: number }
  | { kind: 'waiting'; attempt: number; delayMs: number }
  | { kind: 'unauthorized' }

export type LinkInput =
  | { type: 'start' }
  | { type: 'open' }
  | { type: 'ready'; serverLastSeq: number; storedSeq: number | undefined }
  | { type: 'live' }
  /** The server's feed is behind the seq we resumed from: our mirror is stale. */
  | { type: 'reset'; serverLastSeq: number }
  | { type: 'close'; code: number }
  | { type: 'retry' }
  | { type: 'stop' }

/** Effects the link must perform after a transition. */
export type LinkEffect =
  | { type: 'connect' }
  | { type: 'sendAuth' }
  /**
   * Store `since` as the applied seq when `resetLocal` (and reload snapshots over REST); `dropMirror`:
   * the mirror came from another feed (server reset or restored) — also drop what the feed filled in.
   */
  | { type: 'sendResume'; since: number; resetLocal: boolean; dropMirror: boolean }
  | { type: 'schedule'; delayMs: number }
  | { type: 'disconnect' }
  | { type: 'unauthorized' }

/** WebSocket close code the server uses for a bad first message or token (docs/api.md). */
export const CLOSE_UNAUTHORIZED = 4401

/** Exponential backoff: 0.5 s, 1 s, 2 s … capped at 30 s; `jitter` in [0,1) spreads reconnect storms. */
export function backoffMs(attempt: number, jitter = 0): number {
  const base = Math.min(30_000, 500 * 2 ** Math.max(0, attempt))
  return Math.round(base * (0.75 + jitter * 0.5))
}

/**
 * Where to resume from. A first connect (nothing stored) needs no backlog — the app loads snapshots
 * over REST instead. A stored seq ahead of the server means the server's feed was reset (new
 * database): local data is stale, start over from the server's position.
 */
export function resumePoint(
  storedSeq: number | undefined,
  serverLastSeq: number,
): { since: number; resetLocal: boolean; dropMirror: boolean } {
  if (storedSeq === undefined) return { since: serverLastSeq, resetLocal: true, dropMirror: false }
  if (storedSeq > serverLastSeq) return { since: serverLastSeq, resetLocal: true, dropMirror: true }
  return { since: storedSeq, resetLocal: false, dropMirror: false }
}

/** Apply an event only if it is newer than the last one applied (resume may repeat the boundary). */
export function shouldApply(lastApplied: number, seq: number): boolean {
  return Number.isSafeInteger(seq) && seq > lastApplied
}

/** The transition function: next state plus the effects to run. Unknown combinations change nothing. */
export function step(
  s: LinkState,
  input: LinkInput,
  jitter = 0,
): { state: LinkState; effects: LinkEffect[] } {
  const stay = { state: s, effects: [] as LinkEffect[] }
  switch (input.type) {
    case 'stop':
      return s.kind === 'idle' ? stay : { state: { kind: 'idle' }, effects: [{ type: 'disconnect' }] }
    case 'start':
      if (s.kind === 'idle' || s.kind === 'unauthorized')
        return { state: { kind: 'connecting', attempt: 0 }, effects: [{ type: 'connect' }] }
      return stay
    case 'retry':
      if (s.kind !== 'waiting') return stay
      return { state: { kind: 'connecting', attempt: s.attempt }, effects: [{ type: 'connect' }] }
    case 'open':
      if (s.kind !== 'connecting') return stay
      return { state: { kind: 'authenticating', attempt: s.attempt }, effects: [{ type: 'sendAuth' }] }
    case 'ready': {
      if (s.kind !== 'authenticating') return stay
      const r = resumePoint(input.storedSeq, input.serverLastSeq)
      return {
        state: { kind: 'resuming', since: r.since },
        effects: [{ type: 'sendResume', ...r }],
      }
    }
    case 'reset': {
      if (s.kind !== 'resuming' || !Number.isSafeInteger(input.serverLastSeq) || input.serverLastSeq < 0)
        return stay
      const since = input.serverLastSeq
      return {
        state: { kind: 'resuming', since },
        effects: [{ type: 'sendResume', since, resetLocal: true, dropMirror: true }],
      }
    }
    case 'live':
      if (s.kind !== 'resuming') return stay
      return { state: { kind: 'live', since: s.since }, effects: [] }
    case 'close': {
      if (s.kind === 'idle' || s.kind === 'unauthorized' || s.kind === 'waiting') return stay
      if (input.code === CLOSE_UNAUTHORIZED)
        return { state: { kind: 'unauthorized' }, effects: [{ type: 'unauthorized' }] }
      // A link that got to live had a healthy connection: start the backoff over.
      const prev = s.kind === 'connecting' || s.kind === 'authenticating' ? s.attempt + 1 : 0
      const delayMs = backoffMs(prev, jitter)
      return { state: { kind: 'waiting', attempt: prev, delayMs }, effects: [{ type: 'schedule', delayMs }] }
    }
  }
}
