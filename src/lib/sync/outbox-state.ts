/**
 * The outbox item's lifecycle and the one retry policy (pure: no Dexie, no fetch).
 * ```
 *            claim (online, link live, first of its key, due)
 *   queued ───────────────────────▶ sending ──2xx──────────────────▶ sent (row removed)
 *     ▲                              │  │ 5xx, 408, 429, network
 *     │ retry (operator)             │  ▼
 *     │                              │ failed-retryable ──claim when due (backoff)──▶ sending
 *     │       other 4xx, preflight   ▼
 *   refused ◀─────────────────────── ┘   (kept with its error for the UI; never blocks other items)
 *     │ discard (operator) → row removed
 * ```
 * A `sending` item whose run died (a reload mid-send) is claimed again once its lease ran out.
 */

export type OutboxState = 'queued' | 'sending' | 'sent' | 'failed-retryable' | 'refused'

export type OutboxEvent =
  | { type: 'claim' }
  | { type: 'sent' }
  | { type: 'retryable'; error: string }
  | { type: 'refused'; error: string }
  | { type: 'retry' }

type Table = { [S in OutboxState]: Partial<Record<OutboxEvent['type'], OutboxState>> }

/** The legal transitions; an event missing from a row is ignored in that state. */
export const OUTBOX_TRANSITIONS: Table = {
  queued: { claim: 'sending' },
  sending: { sent: 'sent', retryable: 'failed-retryable', refused: 'refused', claim: 'sending' },
  'failed-retryable': { claim: 'sending', retry: 'queued' },
  refused: { retry: 'queued' },
  sent: {},
}

/** The next state, or null when the event is illegal in `state` (the caller changes nothing). */
export function nextState(state: OutboxState, ev: OutboxEvent): OutboxState | null {
  return OUTBOX_TRANSITIONS[state][ev.type] ?? null
}

/** What one attempt came to; a sender returns it (`outcomeOfStatus` maps an HTTP status). */
export type SendOutcome =
  | { kind: 'sent' }
  | { kind: 'retry'; error: string }
  | { kind: 'refused'; error: string }

/**
 * The one policy for HTTP answers: 2xx sent; 408, 429, 5xx and network failures (status 0) are worth
 * another try; any other 4xx is refused — the same bytes again cannot help.
 */
export function outcomeOfStatus(status: number): SendOutcome {
  if (status >= 200 && status < 300) return { kind: 'sent' }
  const error = status === 0 ? 'network' : `HTTP ${status}`
  if (status === 0 || status === 408 || status === 429 || status >= 500) return { kind: 'retry', error }
  return { kind: 'refused', error }
}

export const BACKOFF_BASE_MS = 2000
export const BACKOFF_CAP_MS = 300_000

/**
 * Delay before attempt `attempts + 1` after `attempts` failures: 2 s, 4 s, 8 s … capped at 5 min,
 * then "equal jitter" (half fixed, half random) so many devices back from an outage do not retry in step.
 * `random` is in [0, 1).
 */
export function backoffMs(attempts: number, random: number): number {
  const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1))
  return Math.round(exp / 2 + (exp / 2) * random)
}
