/**
 * The phone as the app sees it (SPEC A4, C1–C7): starts the softphone for the active account —
 * lazily importing src/lib/phone (SIP.js) so the shell stays small — holds the one-per-device line
 * lock, and offers the actions screens call. Screens read `line()`, `calls()`, `phoneAvailability()`.
 */
import { createSignal } from 'solid-js'
import type { SipSettings } from '../../../contract/api.ts'
import type * as PhoneLib from '../../lib/phone/index.ts'
import { me, refreshMe, sip } from '../../lib/session/index.ts'
import { db } from '../../lib/store/index.ts'
// first-screen.ts itself: the door's index re-exports .tsx parts, which the node unit tests of phone.ts cannot load.
import { afterFirstScreen, hurryFirstScreen } from '../../lib/ui/first-screen.ts'
import { enqueueRecording } from './recordings.ts'

type Lib = typeof PhoneLib

export type { CallState, LineState } from '../../lib/phone/state.ts'

/**
 * Why the phone is or is not running.
 * ```
 * off ─account─▶ waiting ─/api/me─▶ starting ─lock─▶ ready
 *                  │ no line         │ other tab        (line states: see lib/phone/state.ts)
 *                  ▼                 ▼
 *              unavailable       other-tab ─lock freed─▶ ready
 * ```
 */
export type PhoneAvailability =
  | { kind: 'off' }
  | { kind: 'waiting' }
  | { kind: 'unavailable'; why: 'no-softphone' | 'no-line' }
  | { kind: 'starting' }
  | { kind: 'other-tab' }
  | { kind: 'ready' }
  | { kind: 'error'; message: string }

const [availability, setAvailability] = createSignal<PhoneAvailability>({ kind: 'off' })
const [store, setStore] = createSignal<PhoneLib.PhoneStore | null>(null)

/** Whether and why the softphone runs (reactive). */
export const phoneAvailability = availability
/** The SIP line (null before the phone loaded). */
export const line = (): PhoneLib.LineState | null => store()?.state.line ?? null
/** Calls on the phone, including just-ended ones for a moment (reactive, fine-grained). */
export const calls = (): readonly PhoneLib.CallState[] => store()?.state.calls ?? []

let lib: Lib | null = null
let phone: PhoneLib.Phone | null = null
let lock: PhoneLib.LineLock | null = null
let lockWait: AbortController | null = null
let currentKey: string | null = null
let generation = 0
/** The SIP line the running phone uses (its address and credential username). */
let lineOf: { aor: string; username: string } | null = null

/** The loaded phone module (for helpers like the ringtone); null before start. */
export function phoneLib(): Lib | null {
  return lib
}

async function stopPhone(): Promise<void> {
  generation++
  lockWait?.abort()
  lockWait = null
  const p = phone
  phone = null
  lineOf = null
  store()?.dispose()
  setStore(null)
  if (p) await p.stop().catch(() => undefined)
  lock?.release()
  lock = null
}

/**
 * Follow the active account: `key` null = signed out. `settings` is the SIP line from login or
 * /api/me (`undefined` = not known yet, e.g. offline at boot).
 */
export async function followAccount(key: string | null, settings: SipSettings | null | undefined) {
  if (key !== currentKey || !key) {
    await stopPhone()
    currentKey = key
  }
  if (!key) return setAvailability({ kind: 'off' })
  if (phone) {
    // Probe 13 #1: the server cut the line (his own password change, a new extension): the credential
    // the phone holds is refused from now on. Same number: re-register with the new one; another
    // number: a phone for the new line.
    if (!settings || !lineOf || settings.username === lineOf.username) return
    if (settings.aor === lineOf.aor) {
      const p = phone
      lineOf = { aor: settings.aor, username: settings.username }
      p.setCredentials((lib as Lib).credentialsFromSettings(settings))
      return p.reregister()
    }
    await stopPhone()
  }
  if (me()?.features.softphone === false) return setAvailability({ kind: 'unavailable', why: 'no-softphone' })
  if (settings === undefined) return setAvailability({ kind: 'waiting' })
  if (settings === null) return setAvailability({ kind: 'unavailable', why: 'no-line' })
  const gen = ++generation
  setAvailability({ kind: 'starting' })
  try {
    // Issue 11 item 8: SIP.js (a 238 KB chunk) downloads after the first screen has painted — a frame
    // after it, at most FIRST_SCREEN_MAX_MS on — or at once when a tapped call waits (answerOnArrival).
    if (!lib) await afterFirstScreen()
    if (gen !== generation) return
    lib ??= await import('../../lib/phone/index.ts')
    const l = lib
    let held = await l.acquireLineLock(settings.aor, { wait: false })
    if (!held) {
      // Another window of this app holds the line; take it over when that window closes.
      setAvailability({ kind: 'other-tab' })
      lockWait = new AbortController()
      held = await l.acquireLineLock(settings.aor, { wait: true, signal: lockWait.signal })
    }
    if (gen !== generation || !held) return held?.release()
    lock = held
    lineOf = { aor: settings.aor, username: settings.username }
    const p = new l.Phone({
      credentials: l.credentialsFromSettings(settings),
      renewCredentials: async () => {
        await refreshMe()
        const s = sip()
        if (!s) throw new Error('no SIP line')
        lineOf = { aor: s.aor, username: s.username }
        return l.credentialsFromSettings(s)
      },
      onRecording: (r) => {
        const target = db()
        if (target) void enqueueRecording(target, r)
      },
    })
    phone = p
    if (answerPending) p.answerOnArrival(answerPending.sipCallId, answerPending.until)
    answerPending = null
    setStore(l.createPhoneStore(p))
    setAvailability({ kind: 'ready' })
    exposeDebug(p)
    await p.start()
  } catch (e) {
    if (gen === generation) setAvailability({ kind: 'error', message: (e as Error).message })
  }
}

// `?debug` on any page load of this tab turns on test access for the tab's life (login navigates away).
const DEBUG_KEY = 'frontline.debug'
if (typeof location !== 'undefined' && new URLSearchParams(location.search).has('debug'))
  sessionStorage.setItem(DEBUG_KEY, '1')

/** Test access to the phone's state and RTP stats: only in development or after `?debug`. */
function exposeDebug(p: PhoneLib.Phone): void {
  if (!import.meta.env.DEV && globalThis.sessionStorage?.getItem(DEBUG_KEY) !== '1') return
  ;(globalThis as Record<string, unknown>).__frontlinePhone = {
    snapshot: () => p.snapshot(),
    stats: (id: string) => p.call(id).stats(),
    dtmfSent: (id: string) => p.call(id).dtmfSent,
  }
}

/** The running phone, or an Error the caller shows. */
export function requirePhone(): PhoneLib.Phone {
  if (!phone) throw new Error('phone not ready')
  return phone
}

/** True when the phone can place or take calls right now. */
export function lineReady(): boolean {
  return line()?.status === 'registered'
}

let answerPending: { sipCallId: string; until: number } | null = null

/**
 * N1 §3: Answer was tapped in an incoming-call notification — answer that call (SIP Call-ID) when its
 * INVITE reaches the line this start registers, or now if it already rings.
 */
export function answerOnArrival(sipCallId: string, untilMs: number): void {
  if (phone) phone.answerOnArrival(sipCallId, untilMs)
  else {
    answerPending = { sipCallId, until: untilMs }
    hurryFirstScreen()
  }
}

/** A4 "Re-register line". */
export async function reregister(): Promise<void> {
  await phone?.reregister()
}
