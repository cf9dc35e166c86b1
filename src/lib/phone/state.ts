/**
 * Pure phone state: the line (SIP registration) and calls, as typed state machines, plus the rules
 * that decide about calls (C2). No DOM, no SIP.js: `sip.ts` feeds events in, `signals.ts` shows states.
 */

/**
 * Line (registration) states.
 * ```
 *                  register                 registered
 *   unregistered ────────────▶ registering ────────────▶ registered
 *        ▲                      │  ▲    │                  │   │
 *        │ unregistered         │  │    │ rejected         │   │ register (re-register, A4)
 *        │ (from any state)     │  │    ▼                  │   ▼
 *        │                      │  │   failed ◀─rejected───┤  registering
 *        │                 lost │  │ register              │ lost (transport down, offline)
 *        │                      ▼  │                       ▼
 *        │                    reconnecting ◀───────────────┘   (lost again: attempt + 1)
 * ```
 */
export type LineStatus = 'unregistered' | 'registering' | 'registered' | 'reconnecting' | 'failed'

export type LineEvent =
  | { type: 'register' }
  | { type: 'registered'; at: number }
  | { type: 'rejected'; code: number; reason: string }
  | { type: 'lost'; reason: string }
  | { type: 'unregistered' }

export interface LineState {
  status: LineStatus
  /** Last failure, shown in Settings (A4) next to "re-register line". */
  error: string | null
  /** Consecutive reconnect attempts; drives the backoff and resets once registered. */
  attempt: number
  registeredAt: number | null
}

type LineTable = { [S in LineStatus]: Partial<Record<LineEvent['type'], LineStatus>> }

/** The legal line transitions; an event missing from a row is ignored in that state. */
export const LINE_TRANSITIONS: LineTable = {
  unregistered: { register: 'registering' },
  registering: {
    registered: 'registered',
    rejected: 'failed',
    lost: 'reconnecting',
    unregistered: 'unregistered',
  },
  registered: {
    register: 'registering',
    rejected: 'failed',
    lost: 'reconnecting',
    unregistered: 'unregistered',
  },
  reconnecting: { register: 'registering', lost: 'reconnecting', unregistered: 'unregistered' },
  failed: { register: 'registering', unregistered: 'unregistered' },
}

export const initialLine: LineState = { status: 'unregistered', error: null, attempt: 0, registeredAt: null }

/** Apply one event to the line; illegal events leave the state untouched (same object). */
export function lineReducer(s: LineState, e: LineEvent): LineState {
  const next = LINE_TRANSITIONS[s.status][e.type]
  if (next === undefined) return s
  switch (e.type) {
    case 'registered':
      return { status: next, error: null, attempt: 0, registeredAt: e.at }
    case 'rejected':
      return { ...s, status: next, error: `${e.code} ${e.reason}`, registeredAt: null }
    case 'lost':
      return { ...s, status: next, error: e.reason, attempt: s.attempt + 1, registeredAt: null }
    case 'unregistered':
      return { ...initialLine }
    case 'register':
      return { ...s, status: next }
  }
}

/** Reconnect backoff: 1 s, 2 s, 4 s … capped at 30 s, with ±20 % jitter so devices do not stampede. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1))
  return Math.round(base * (0.8 + 0.4 * random()))
}

/**
 * A REGISTER (or the transport under it) failed. Final refusals (401/403/404…: wrong or expired
 * credentials, unknown user) make the line `failed` until credentials change or the operator asks
 * (A4); everything else — no transport, a timeout (408), 480, 5xx — is a loss and takes the same
 * backoff/reconnect path as a dropped WebSocket. `code` is null when no SIP response arrived.
 */
export function registerFailed(
  s: LineState,
  f: { code: number | null; reason: string },
): { line: LineState; reconnect: boolean } {
  const temporary = f.code === null || f.code === 0 || f.code === 408 || f.code === 480 || f.code >= 500
  const e: LineEvent = temporary
    ? { type: 'lost', reason: f.code ? `${f.code} ${f.reason}`.trim() : f.reason }
    : { type: 'rejected', code: f.code ?? 0, reason: f.reason }
  const line = lineReducer(s, e)
  return { line, reconnect: line.status === 'reconnecting' }
}

/** When to fetch fresh ephemeral credentials: 10 % of their life (at least 30 s) before expiry. */
export function renewAtMs(expiresAtMs: number, issuedAtMs: number): number {
  const margin = Math.max(30_000, (expiresAtMs - issuedAtMs) / 10)
  return Math.max(issuedAtMs, expiresAtMs - margin)
}

/**
 * Call states (after SIP.js `SessionState`, with the product's view of it).
 * ```
 *          dial                 progress (180/183)          answered
 *   idle ───────▶ outgoing ───────────────────▶ ringing ───────────────▶ active ◀───┐
 *     │                │ answered                                  │  ▲   │        │ transferFailed
 *     │ invite         └──────────────────────────────────────────▶│  │   │ transfer (REFER sent)
 *     ▼                        answered                            │  │   ▼        │
 *   incoming ─────────────────────────────────────────────────────▶│  │  transferring ─┘
 *                                                            hold  ▼  │ unhold   │ ended (NOTIFY 2xx → BYE)
 *                                                                 held ─transfer─▶┘
 *   any state except ended ── ended (BYE, CANCEL, final failure response, C2 auto-reject) ──▶ ended
 * ```
 */
export type CallStatus =
  | 'idle'
  | 'incoming'
  | 'outgoing'
  | 'ringing'
  | 'active'
  | 'held'
  | 'transferring'
  | 'ended'

export type Direction = 'incoming' | 'outgoing'

/** Why a call ended, from the SIP final response or who hung up (C8 "failure reason"). */
export type EndKind =
  | 'local_hangup'
  | 'remote_hangup'
  | 'cancelled'
  | 'declined'
  | 'busy'
  | 'no_answer'
  | 'not_found'
  | 'forbidden'
  | 'unavailable'
  | 'transferred'
  | 'failed'

export interface EndCause {
  kind: EndKind
  code: number | null
  reason: string
}

export type CallEvent =
  | { type: 'dial'; at: number }
  | { type: 'invite'; at: number }
  | { type: 'progress' }
  | { type: 'answered'; at: number }
  | { type: 'hold' }
  | { type: 'unhold' }
  | { type: 'mute'; on: boolean }
  /** The other side put us on hold (their re-INVITE offers sendonly/inactive, RFC 3264 §8.4) or back. */
  | { type: 'remoteHold'; on: boolean }
  | { type: 'transfer' }
  | { type: 'transferFailed' }
  | { type: 'ended'; at: number; cause: EndCause }

export interface CallState {
  id: string
  direction: Direction
  status: CallStatus
  /** Remote party's user part (number or extension) and display name if any. */
  remote: string
  remoteName: string | null
  muted: boolean
  /** The other side holds this call (we hear their hold music or silence). */
  remoteHeld: boolean
  startedAt: number | null
  answeredAt: number | null
  endedAt: number | null
  end: EndCause | null
  /** SIP Call-ID, links the recording and the server's call record (C8). */
  sipCallId: string | null
}

type CallTable = { [S in CallStatus]: Partial<Record<CallEvent['type'], CallStatus>> }

/** The legal call transitions; `mute` and `remoteHold` are flags allowed in every live state, handled below. */
export const CALL_TRANSITIONS: CallTable = {
  idle: { dial: 'outgoing', invite: 'incoming' },
  outgoing: { progress: 'ringing', answered: 'active', ended: 'ended' },
  ringing: { answered: 'active', ended: 'ended' },
  incoming: { answered: 'active', ended: 'ended' },
  active: { hold: 'held', transfer: 'transferring', ended: 'ended' },
  held: { unhold: 'active', transfer: 'transferring', ended: 'ended' },
  transferring: { transferFailed: 'active', ended: 'ended' },
  ended: {},
}

/** A new call record before its first event. */
export function newCall(
  id: string,
  direction: Direction,
  remote: string,
  remoteName: string | null = null,
): CallState {
  return {
    id,
    direction,
    status: 'idle',
    remote,
    remoteName,
    muted: false,
    remoteHeld: false,
    startedAt: null,
    answeredAt: null,
    endedAt: null,
    end: null,
    sipCallId: null,
  }
}

/** Apply one event to a call; illegal events leave it untouched (same object). */
export function callReducer(c: CallState, e: CallEvent): CallState {
  if (e.type === 'mute')
    return c.status === 'ended' || c.status === 'idle' || c.muted === e.on ? c : { ...c, muted: e.on }
  if (e.type === 'remoteHold')
    return c.status === 'ended' || c.status === 'idle' || c.remoteHeld === e.on
      ? c
      : { ...c, remoteHeld: e.on }
  const next = CALL_TRANSITIONS[c.status][e.type]
  if (next === undefined) return c
  switch (e.type) {
    case 'dial':
    case 'invite':
      return { ...c, status: next, startedAt: e.at }
    case 'answered':
      return { ...c, status: next, answeredAt: e.at }
    case 'ended':
      return { ...c, status: next, endedAt: e.at, end: e.cause, muted: false, remoteHeld: false }
    default:
      return { ...c, status: next }
  }
}

/** A call that still occupies the operator (C2). */
export function isLive(c: CallState): boolean {
  return c.status !== 'ended' && c.status !== 'idle'
}

/**
 * C2: no call waiting. A new incoming call is rejected with 486 while any call is live — except an
 * INVITE with Replaces (RFC 3891), which takes over an existing call during an attended transfer.
 */
export function admitIncoming(
  calls: readonly CallState[],
  replacesExisting: boolean,
): { ok: true } | { ok: false; code: 486 } {
  if (replacesExisting) return { ok: true }
  return calls.some(isLive) ? { ok: false, code: 486 } : { ok: true }
}

/** C6: a new outgoing call is allowed when no call is live, or every live call is on hold (consultation). */
export function canDial(calls: readonly CallState[]): boolean {
  return calls.filter(isLive).every((c) => c.status === 'held')
}

const END_BY_CODE: Record<number, EndKind> = {
  401: 'forbidden',
  403: 'forbidden',
  404: 'not_found',
  407: 'forbidden',
  408: 'no_answer',
  480: 'unavailable',
  484: 'not_found',
  486: 'busy',
  487: 'cancelled',
  600: 'busy',
  603: 'declined',
  604: 'not_found',
}

/** Map a SIP final response (RFC 3261 §21) to the reason shown in history (C8). */
export function endFromResponse(code: number, reason: string): EndCause {
  return { kind: END_BY_CODE[code] ?? 'failed', code, reason }
}

/** Demo-site guest lines and the phone network account: never colleagues (server/sip/credentials.ts). */
const NOT_A_COLLEAGUE = /^(guest-|gateway$)/i
/** Employee and group extensions are short digit strings (`101`, `500`); phone numbers are longer. */
const EXTENSION = /^\d{2,6}$/

/**
 * RFC 3515: may we follow a REFER received in a call with `remote`? Only when a colleague — an
 * extension in our own SIP domain — asks (a colleague transfers a colleague call to us as
 * transferee). Kamailio relays in-dialog REFERs, so a site guest or the phone network could otherwise
 * make this UA dial any number with the operator's rights (toll fraud).
 */
export function referralAllowed(remote: { user: string; host: string }, ourDomain: string): boolean {
  if (!ourDomain || remote.host.toLowerCase() !== ourDomain.toLowerCase()) return false
  if (NOT_A_COLLEAGUE.test(remote.user)) return false
  return EXTENSION.test(remote.user)
}

/** The answer to an UPDATE (RFC 3311) the phone gives itself: SIP.js 0.21 would answer 405. */
export interface UpdateAnswer {
  statusCode: 200 | 420 | 481 | 488
  extraHeaders: string[]
}

/**
 * How the phone answers an UPDATE. A body-less UPDATE in a known dialog is a session refresh
 * (RFC 4028 §10): 200 without Session-Expires, the answer of a UAS that runs no timer of its own
 * (§9), so the session does not expire and the peer may keep refreshing (§7.4). Media changes come
 * by re-INVITE only (hold, C4): an UPDATE with an offer is refused with 488 and the call goes on
 * unchanged (RFC 3311 §5.2). We support no extension an UPDATE could Require (420, RFC 3261 §8.2.2.3).
 */
export function answerUpdate(u: { inDialog: boolean; hasBody: boolean; require: string[] }): UpdateAnswer {
  if (!u.inDialog) return { statusCode: 481, extraHeaders: [] }
  const unsupported = u.require.map((r) => r.trim()).filter(Boolean)
  if (unsupported.length) return { statusCode: 420, extraHeaders: [`Unsupported: ${unsupported.join(', ')}`] }
  if (u.hasBody)
    return { statusCode: 488, extraHeaders: ['Warning: 399 frontline "media changes by re-INVITE"'] }
  return { statusCode: 200, extraHeaders: [] }
}
