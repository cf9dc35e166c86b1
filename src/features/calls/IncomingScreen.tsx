/** C1: the full-screen incoming call — who calls, the number they dialled, Accept (tap or swipe), Decline. */
import { createSignal, onMount, Show } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import { Icon } from '../../lib/ui/index.ts'
import { CallInsider } from '../insider/index.ts'
import { act } from './actions.ts'
import { createCallerInfo } from './callerInfo.ts'
import type { CallState } from './phone.ts'

/** Incoming call dialog for one offered call. */
export function IncomingScreen(props: { call: CallState }) {
  const info = createCallerInfo(() => props.call)
  const name = () => info().name ?? props.call.remoteName ?? (info().number || props.call.remote)
  const [accepting, setAccepting] = createSignal(false)
  const [drag, setDrag] = createSignal(0)
  let track: HTMLDivElement | undefined
  let startX: number | null = null
  let dialog: HTMLDivElement | undefined

  const accept = () => {
    if (accepting()) return
    setAccepting(true)
    void act((p) => p.call(props.call.id).accept())
  }
  const decline = () => void act((p) => p.call(props.call.id).reject(603))

  // Swipe the green button to the right (C1 "by swiping the green button").
  const maxDrag = () => Math.max(1, (track?.clientWidth ?? 280) - 72)
  const onDown = (e: PointerEvent) => {
    startX = e.clientX
    ;(e.currentTarget as HTMLElement).setPointerCapture(e.pointerId)
  }
  const onMove = (e: PointerEvent) => {
    if (startX !== null) setDrag(Math.min(maxDrag(), Math.max(0, e.clientX - startX)))
  }
  const onUp = () => {
    if (startX !== null && drag() > maxDrag() * 0.7) accept()
    startX = null
    setDrag(0)
  }
  onMount(() => dialog?.focus())

  return (
    <div
      class="call-screen incoming"
      role="dialog"
      aria-modal="true"
      aria-labelledby="incoming-title incoming-name"
      tabindex="-1"
      ref={dialog}
    >
      <p class="call-kicker" id="incoming-title">
        {t('incoming.title')}
      </p>
      <div class="call-who">
        <span class="call-avatar" aria-hidden="true">
          {name().charAt(0).toUpperCase()}
        </span>
        <h1 class="call-name" id="incoming-name">
          {name()}
        </h1>
        <Show when={info().name && info().number && info().name !== info().number}>
          <p class="call-number">{info().number}</p>
        </Show>
        <Show when={info().virtualNumber}>
          {(v) => <p class="call-via">{t('incoming.dialled', { number: v() })}</p>}
        </Show>
      </div>
      <CallInsider sipCallId={props.call.sipCallId} />
      <div class="incoming-actions">
        <button type="button" class="round-btn round-red" onClick={decline}>
          <span class="round-icon hangup-icon" aria-hidden="true">
            <Icon name="phone" size={30} />
          </span>
          <span class="round-label">{t('incoming.decline')}</span>
        </button>
        <div class="swipe" ref={track}>
          <span class="swipe-hint" aria-hidden="true">
            {t('incoming.swipe')}
          </span>
          <button
            type="button"
            class="round-btn round-green swipe-knob"
            style={{ transform: `translateX(${drag()}px)` }}
            aria-describedby="swipe-hint"
            disabled={accepting()}
            onClick={accept}
            onPointerDown={onDown}
            onPointerMove={onMove}
            onPointerUp={onUp}
            onPointerCancel={() => {
              startX = null
              setDrag(0)
            }}
          >
            <span class="round-icon" aria-hidden="true">
              <Icon name="phone" size={30} />
            </span>
            <span class="visually-hidden">{t('incoming.accept')}</span>
          </button>
          <span id="swipe-hint" class="visually-hidden">
            {t('incoming.swipe')}
          </span>
        </div>
      </div>
    </div>
  )
}
