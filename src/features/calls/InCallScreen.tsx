/**
 * C4–C6 in call: who, timer, Mute (with the "hears nothing" warning), Pause (hold music), Keypad
 * (DTMF), Transfer, Insider of a site visitor, the speaker (audio output, when there is a choice),
 * Hang up; during an attended transfer the
 * consultation call with "Connect" and the green "Return to client" on top.
 */
import { createSignal, onCleanup, onMount, Show } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import { Icon } from '../../lib/ui/index.ts'
import { act, consultFor, setConsultFor, setMinimized } from './actions.ts'
import { CallIcon } from './CallIcon.tsx'
import { clock, createCallerInfo } from './callerInfo.ts'
import { endText } from './endText.ts'
import { GivenNote } from './GivenNote.tsx'
import { createHasInsider, createOutputs, InsiderSheet, OutputPicker } from './InCallExtras.tsx'
import { callText } from './incomingText.ts'
import { Keypad } from './Keypad.tsx'
import type { CallState } from './phone.ts'
import { TransferPicker } from './TransferPicker.tsx'

/** The line under the name: status while connecting/held/transferring, the timer when talking. */
function callStatusText(c: CallState, now: number): string {
  switch (c.status) {
    case 'outgoing':
    case 'idle':
      return t('incall.calling')
    case 'ringing':
      return t('incall.ringing')
    case 'held':
      // C4: the timer stays on screen while the call is on pause.
      return `${clock(c.answeredAt ?? now, now)} · ${t('incall.held')}`
    case 'transferring':
      return t('incall.transferring')
    case 'ended':
      // C4: the end screen says how long the talk lasted.
      return c.answeredAt !== null && c.endedAt !== null
        ? `${endText(c.end)} · ${clock(c.answeredAt, c.endedAt)}`
        : endText(c.end)
    default:
      return c.remoteHeld ? t('incall.remoteHeld') : clock(c.answeredAt ?? now, now)
  }
}

/** The in-call screen for the main call and an optional consultation call. */
export function InCallScreen(props: { main: CallState; consult: CallState | undefined }) {
  const [now, setNow] = createSignal(Date.now())
  const timer = setInterval(() => setNow(Date.now()), 1000)
  onCleanup(() => clearInterval(timer))
  const [keypad, setKeypad] = createSignal(false)
  const [picker, setPicker] = createSignal(false)
  const [tones, setTones] = createSignal('')
  const [insider, setInsider] = createSignal(false)
  const [output, setOutput] = createSignal(false)
  const hasInsider = createHasInsider(() => props.main.sipCallId)
  const outputs = createOutputs()
  const speaker = () => outputs().length > 1
  const info = createCallerInfo(() => props.main)
  const consultInfo = createCallerInfo(() => props.consult)
  const consultLive = () => props.consult !== undefined && props.consult.status !== 'ended'
  // The call the controls act on: the colleague while consulting, otherwise the client.
  const focus = () => (consultLive() ? (props.consult as CallState) : props.main)
  const talking = () => focus().status === 'active' || focus().status === 'held'
  // C1/C4: the same words as the incoming screen — the number once, formatted; the line by its name.
  const text = () => callText(info(), props.main)
  const name = () => text().title
  let dialog: HTMLDivElement | undefined
  onMount(() => dialog?.focus())

  const returnToClient = () =>
    void act(async (p) => {
      const c = props.consult
      if (c && c.status !== 'ended') await p.call(c.id).hangup()
      if (props.main.status === 'held') await p.call(props.main.id).setHeld(false)
      setConsultFor(null)
    })
  const sendKey = (k: string) => {
    setTones((s) => (s + k).slice(-24))
    void act((p) => {
      if (!p.call(focus().id).sendDtmf(k)) throw new Error('DTMF')
    })
  }

  return (
    <div
      class="call-screen in-call"
      role="dialog"
      aria-modal="true"
      aria-label={t('incall.title', { name: name() })}
      tabindex="-1"
      ref={dialog}
    >
      <div class="call-top">
        <button
          type="button"
          class="icon-btn"
          aria-label={t('incall.minimize')}
          onClick={() => setMinimized(true)}
        >
          <CallIcon name="down" size={28} />
        </button>
      </div>
      <Show when={consultFor() === props.main.id && props.main.status === 'held'}>
        <button type="button" class="return-btn" onClick={returnToClient}>
          <Icon name="phone" size={20} />
          <span>{t('incall.returnToClient')}</span>
          <span class="return-sub">{t('incall.clientWaits', { name: name() })}</span>
        </button>
      </Show>
      <div class="call-who">
        <span class="call-avatar" aria-hidden="true">
          <Show when={text().initial} fallback={<Icon name="user" size={56} />}>
            {text().initial}
          </Show>
        </span>
        <h1 class="call-name">{name()}</h1>
        <Show when={text().number}>{(n) => <p class="call-number">{n()}</p>}</Show>
        {/* The card opens over the app with the call folded to its bar on top. */}
        <GivenNote text={text()} onOpen={() => setMinimized(true)} />
        <Show when={text().via}>
          {(v) => (
            <p class="call-via" data-testid="incall-via">
              <span class="visually-hidden">{t('incoming.line')} </span>
              {v()}
            </p>
          )}
        </Show>
        <Show when={text().viaNumber}>
          {(v) => (
            <p class="call-via" data-testid="incall-via">
              {t('incoming.dialled', { number: v() })}
            </p>
          )}
        </Show>
        <Show when={text().transferredBy}>
          {(n) => (
            <p class="call-via call-transferred" data-testid="incall-transferred">
              {t('incoming.transferredBy', { name: n() })}
            </p>
          )}
        </Show>
        <p class="call-status" role="status" aria-live="polite">
          {callStatusText(props.main, now())}
        </p>
      </div>
      <Show when={props.consult}>
        {(c) => (
          <section
            class="consult"
            aria-label={t('incall.consulting', { name: consultInfo().name ?? c().remote })}
          >
            <p class="consult-name">{t('incall.consulting', { name: consultInfo().name ?? c().remote })}</p>
            <p class="call-status">{callStatusText(c(), now())}</p>
            <Show when={c().status === 'active' && props.main.status === 'held'}>
              <button
                type="button"
                class="btn btn-primary"
                onClick={() => void act((p) => p.attendedTransfer(props.main.id, c().id))}
              >
                {t('incall.connect')}
              </button>
            </Show>
          </section>
        )}
      </Show>
      <Show when={focus().muted}>
        <p class="mute-warning" role="alert">
          {t('incall.mutedWarning')}
        </p>
      </Show>
      <Show when={keypad()}>
        <Show when={tones()}>
          <p class="dtmf-line" aria-live="polite">
            {t('incall.dtmfSent', { tones: tones() })}
          </p>
        </Show>
        <Keypad dark label={t('incall.keypad')} onKey={sendKey} />
      </Show>
      <div class={`call-controls${hasInsider() || speaker() ? ' call-controls-more' : ''}`}>
        {/* C4: the button says what it will do: Mute, then Unmute (no aria-pressed on a changing label). */}
        <button
          type="button"
          class="ctl"
          disabled={!talking()}
          onClick={() => void act((p) => p.call(focus().id).setMuted(!focus().muted))}
        >
          <span class="ctl-icon">
            <CallIcon name={focus().muted ? 'micOff' : 'mic'} />
          </span>
          <span>{focus().muted ? t('incall.unmute') : t('incall.mute')}</span>
        </button>
        <button
          type="button"
          class="ctl"
          aria-pressed={props.main.status === 'held'}
          disabled={consultLive() || (props.main.status !== 'active' && props.main.status !== 'held')}
          onClick={() => void act((p) => p.call(props.main.id).setHeld(props.main.status !== 'held'))}
        >
          <span class="ctl-icon">
            <CallIcon name="pause" />
          </span>
          <span>{t('incall.hold')}</span>
        </button>
        <button
          type="button"
          class="ctl"
          aria-expanded={keypad()}
          disabled={!talking()}
          onClick={() => setKeypad(!keypad())}
        >
          <span class="ctl-icon">
            <CallIcon name="dialpad" />
          </span>
          <span>{t('incall.keypad')}</span>
        </button>
        <button
          type="button"
          class="ctl"
          aria-haspopup="dialog"
          disabled={consultLive() || (props.main.status !== 'active' && props.main.status !== 'held')}
          onClick={() => setPicker(true)}
        >
          <span class="ctl-icon">
            <CallIcon name="transfer" />
          </span>
          <span>{t('incall.transfer')}</span>
        </button>
        <Show when={hasInsider()}>
          <button type="button" class="ctl" aria-haspopup="dialog" onClick={() => setInsider(true)}>
            <span class="ctl-icon">
              <CallIcon name="insider" />
            </span>
            <span>{t('incall.insider')}</span>
          </button>
        </Show>
        <Show when={speaker()}>
          <button
            type="button"
            class="ctl"
            aria-expanded={output()}
            disabled={!talking()}
            onClick={() => setOutput(!output())}
          >
            <span class="ctl-icon">
              <CallIcon name="speaker" />
            </span>
            <span>{t('incall.speaker')}</span>
          </button>
        </Show>
      </div>
      <Show when={speaker() && output() && talking()}>
        <OutputPicker callId={focus().id} devices={outputs()} />
      </Show>
      <Show
        when={focus().status !== 'ended'}
        fallback={
          <button
            type="button"
            class="btn btn-block"
            onClick={() => void act((p) => p.forget(props.main.id))}
          >
            {t('incall.close')}
          </button>
        }
      >
        <button
          type="button"
          class="round-btn round-red hangup"
          onClick={() => void act((p) => p.call(focus().id).hangup())}
        >
          <span class="round-icon hangup-icon" aria-hidden="true">
            <Icon name="phone" size={30} />
          </span>
          <span class="round-label">{t('incall.hangup')}</span>
        </button>
      </Show>
      <Show when={picker()}>
        <TransferPicker callId={props.main.id} onClose={() => setPicker(false)} />
      </Show>
      <Show when={insider() && props.main.sipCallId}>
        {(id) => <InsiderSheet sipCallId={id()} onClose={() => setInsider(false)} />}
      </Show>
    </div>
  )
}
