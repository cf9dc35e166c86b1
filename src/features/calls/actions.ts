/**
 * What the call screens do (C3–C7), with the operator-facing error for each failure, and the side
 * effects of having a call: ringtone, screen wake lock, Media Session, clearing ended calls.
 */
import { createEffect, createMemo, createRoot, createSignal, onCleanup } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import { me } from '../../lib/session/index.ts'
import { toast } from '../../lib/ui/index.ts'
import { statusDef, statusName } from '../status/index.ts'
import { type CallState, calls, line, phoneAvailability, phoneLib, requirePhone } from './phone.ts'
import { startCallWake } from './wake.ts'

/** The call screen can shrink to a bar so the operator can look things up during a call. */
const [minimized, setMinimized] = createSignal(false)

export { minimized, setMinimized }

/** C6: the client call that waits on hold while we consult a colleague (keeps "Return to client" on top). */
const [consultFor, setConsultFor] = createSignal<string | null>(null)

export { consultFor, setConsultFor }

/** Keep only what a dial string may hold: digits, + * # and letters of a SIP user. */
export function cleanNumber(raw: string): string {
  return raw.trim().replace(/[\s()-]/g, '')
}

/** Why an outgoing call cannot start now, as a message key — or null when it may (S1, A4). */
export function dialBlocker(): 'calls.statusForbids' | 'calls.lineNotReady' | null {
  const st = me()?.status
  if (st && statusDef(st)?.allows.outgoing === false) return 'calls.statusForbids'
  if (phoneAvailability().kind !== 'ready' || line()?.status !== 'registered') return 'calls.lineNotReady'
  return null
}

/** C3: call a number, extension or group; says why not when it cannot. */
export async function placeCall(raw: string): Promise<boolean> {
  const number = cleanNumber(raw)
  if (!number) return false
  const blocker = dialBlocker()
  if (blocker) {
    toast(t(blocker, { status: statusName(me()?.status ?? '') }), 'error')
    return false
  }
  try {
    await requirePhone().dial(number)
    setMinimized(false)
    return true
  } catch (e) {
    toast(t('calls.dialFailed', { reason: (e as Error).message }), 'error')
    return false
  }
}

/** Run an in-call action; a failure becomes a toast instead of an unhandled rejection. */
export async function act(fn: (p: ReturnType<typeof requirePhone>) => unknown): Promise<void> {
  try {
    await fn(requirePhone())
  } catch (e) {
    toast(t('calls.actionFailed', { reason: (e as Error).message }), 'error')
  }
}

/** How long a finished call keeps showing how it ended before its screen closes by itself. */
export const ENDED_SHOWN_MS = 2500

const live = (c: CallState) => c.status !== 'ended' && c.status !== 'idle'

/** Start the call side effects for the app's life (the shell calls it once). */
export function startCallEffects(): void {
  startCallWake()
  createRoot(() => {
    // An offered call that ends before it is answered leaves at once with a toast (missed, or taken
    // by a colleague); a call that did connect shows how it ended briefly, then closes by itself.
    const scheduled = new Set<string>()
    createEffect(() => {
      for (const c of calls()) {
        if (c.status !== 'ended' || scheduled.has(c.id)) continue
        scheduled.add(c.id)
        const unanswered = c.direction === 'incoming' && c.answeredAt === null
        if (unanswered) {
          const who = c.remoteName || c.remote
          if (c.end?.kind === 'cancelled' && c.end.code === 200)
            toast(t('calls.answeredElsewhere', { name: who }))
          else if (c.end?.kind === 'cancelled') toast(t('calls.missedFrom', { name: who }))
        }
        setTimeout(
          () => {
            scheduled.delete(c.id)
            try {
              requirePhone().forget(c.id)
            } catch {
              // The phone stopped meanwhile: nothing to forget.
            }
          },
          unanswered ? 0 : ENDED_SHOWN_MS,
        )
      }
    })
    // C1: ring while a call is offered. The memo changes only when that boolean does, so other call
    // updates (a held call's state, mute, an ended call leaving the list) do not restart the ringtone.
    const ringing = createMemo(() => calls().some((c) => c.status === 'incoming'))
    createEffect(() => {
      const l = phoneLib()
      if (!ringing() || !l) return
      let sound: { stop(): void } | null = null
      let cancelled = false
      void l.startRingtone().then((s) => {
        if (cancelled) s.stop()
        else sound = s
      })
      onCleanup(() => {
        cancelled = true
        sound?.stop()
      })
    })
    // Keep the screen on during a call where the Wake Lock API exists.
    createEffect(() => {
      if (!calls().some(live) || !('wakeLock' in navigator)) return
      let sentinel: WakeLockSentinel | null = null
      let done = false
      const take = () => {
        if (done || document.visibilityState !== 'visible') return
        void navigator.wakeLock
          .request('screen')
          .then((s) => {
            if (done) void s.release()
            else sentinel = s
          })
          .catch(() => undefined)
      }
      take()
      document.addEventListener('visibilitychange', take)
      onCleanup(() => {
        done = true
        document.removeEventListener('visibilitychange', take)
        void sentinel?.release().catch(() => undefined)
      })
    })
    createEffect(() => mediaSession(calls().find((c) => c.status === 'active' || c.status === 'held')))
  })
}

type CallAction = 'hangup' | 'togglemicrophone'

/** Media Session (lock screen / headset): title, hang up and mute where supported. */
function mediaSession(call: CallState | undefined): void {
  if (!('mediaSession' in navigator)) return
  const ms = navigator.mediaSession
  const set = (action: CallAction, fn: (() => void) | null) => {
    try {
      ms.setActionHandler(action as MediaSessionAction, fn)
    } catch {
      // This browser does not know the action.
    }
  }
  if (!call) {
    ms.metadata = null
    set('hangup', null)
    set('togglemicrophone', null)
    return
  }
  ms.metadata = new MediaMetadata({ title: call.remoteName ?? call.remote, artist: t('app.name') })
  set('hangup', () => void act((p) => p.call(call.id).hangup()))
  set('togglemicrophone', () => void act((p) => p.call(call.id).setMuted(!call.muted)))
  const withMic = ms as MediaSession & { setMicrophoneActive?: (on: boolean) => void }
  withMic.setMicrophoneActive?.(!call.muted)
}
