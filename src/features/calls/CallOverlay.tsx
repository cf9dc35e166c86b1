/**
 * The phone over the app (C1, C4–C6): the incoming-call dialog, the in-call screen, or — minimized —
 * a bar on top that leads back to the call. Loaded lazily by the shell when the phone has calls.
 */
import { createEffect, createSignal, Match, onCleanup, Switch } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import { minimized, setMinimized } from './actions.ts'
import { clock, createCallerInfo } from './callerInfo.ts'
import { InCallScreen } from './InCallScreen.tsx'
import { IncomingScreen } from './IncomingScreen.tsx'
import { callText } from './incomingText.ts'
import { type CallState, calls } from './phone.ts'
import { isLive, pickCalls } from './pick.ts'
import './calls.css'

/** Overlay root. */
export default function CallOverlay() {
  const incoming = () => calls().find((c) => c.status === 'incoming')
  const picked = () => pickCalls(calls())
  // A new incoming call always comes to the front.
  createEffect(() => {
    if (incoming()) setMinimized(false)
  })
  return (
    <Switch>
      <Match when={incoming()}>{(c) => <IncomingScreen call={c()} />}</Match>
      <Match when={minimized() && picked().main && isLive(picked().main as CallState) && picked().main}>
        {(c) => <CallBar call={c()} />}
      </Match>
      <Match when={!minimized() && picked().main}>
        {(c) => <InCallScreen main={c()} consult={picked().consult} />}
      </Match>
    </Switch>
  )
}

/** The minimized call: name and timer; tapping returns to the call screen. */
function CallBar(props: { call: CallState }) {
  const info = createCallerInfo(() => props.call)
  const [now, setNow] = createSignal(Date.now())
  const timer = setInterval(() => setNow(Date.now()), 1000)
  onCleanup(() => clearInterval(timer))
  // The same words as the call screen (a site guest's made-up SIP user is never shown).
  // A number stays on one line in the bar (non-breaking spaces; a name wraps between words).
  const name = () => {
    const title = callText(info(), props.call).title
    return /\p{L}/u.test(title) ? title : title.replace(/ /g, '\u00a0')
  }
  return (
    <button type="button" class="call-bar" onClick={() => setMinimized(false)}>
      <span class="call-bar-dot" aria-hidden="true" />
      <span class="call-bar-text">{t('incall.restore', { name: name() })}</span>
      <span class="call-bar-time" aria-hidden="true">
        {props.call.answeredAt ? clock(props.call.answeredAt, now()) : '…'}
      </span>
    </button>
  )
}
