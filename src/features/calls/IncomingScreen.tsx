/** C1: the full-screen incoming call — who calls, the number they dialled, Accept (tap or swipe), Decline. */
import { createSignal, onMount, Show } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import { db } from '../../lib/store/index.ts'
import { Icon } from '../../lib/ui/index.ts'
import { CallInsider } from '../insider/index.ts'
import { act } from './actions.ts'
import { createCallerInfo } from './callerInfo.ts'
import { reportDeclined } from './data.ts'
import { GivenNote } from './GivenNote.tsx'
import { callText, consultText } from './incomingText.ts'
import type { CallState } from './phone.ts'

/** Incoming call dialog for one offered call. */
export function IncomingScreen(props: { call: CallState }) {
  const info = createCallerInfo(() => props.call)
  const text = () => callText(info(), props.call)
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
  const decline = () => {
    void act((p) => p.call(props.call.id).reject(603))
    // C10: the call joins my My calls; the list can live without it if the report fails.
    const sip = props.call.sipCallId
    if (sip) void reportDeclined(db(), sip).catch(() => undefined)
  }

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
          {/* An unknown number gets a neutral figure, not its "+" (which looked like a button). */}
          <Show when={text().initial} fallback={<Icon name="user" size={56} />}>
            {text().initial}
          </Show>
        </span>
        <h1 class="call-name" id="incoming-name">
          {text().title}
        </h1>
        <Show when={text().number}>{(n) => <p class="call-number">{n()}</p>}</Show>
        {/* A card opened from here would sit under this screen: the name is said, the link is in call. */}
        <GivenNote text={text()} />
        <Show when={text().via}>
          {(v) => (
            <p class="call-via" data-testid="incoming-via">
              <span class="visually-hidden">{t('incoming.line')} </span>
              {v()}
            </p>
          )}
        </Show>
        <Show when={text().viaNumber}>
          {(v) => (
            <p class="call-via" data-testid="incoming-via">
              {t('incoming.dialled', { number: v() })}
            </p>
          )}
        </Show>
        <Show when={text().transferredBy}>
          {(n) => (
            <p class="call-via call-transferred" data-testid="incoming-transferred">
              {t('incoming.transferredBy', { name: n() })}
            </p>
          )}
        </Show>
        <Show when={text().consultAbout}>
          {(a) => (
            <p class="call-via call-transferred" data-testid="incoming-consult">
              {t('incoming.consultAbout', { call: consultText(a(), t('calls.siteVisitor')) })}
            </p>
          )}
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
