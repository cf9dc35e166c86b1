/** The SIP line state, shown in the header and in Settings (SPEC A4), honestly worded. */
import { Show } from 'solid-js'
import { fmtDate, type MessageKey, t } from '../../lib/i18n/index.ts'
import { Icon } from '../../lib/ui/index.ts'
import { act } from './actions.ts'
import { line, phoneAvailability } from './phone.ts'

type Tone = 'ok' | 'busy' | 'off'

/** The line state as words and a colour tone. */
export function lineSummary(): { text: string; tone: Tone } {
  const a = phoneAvailability()
  const key = (k: MessageKey, vars?: Record<string, string>) => t(k, vars)
  switch (a.kind) {
    case 'off':
      return { text: key('line.off'), tone: 'off' }
    case 'waiting':
      return { text: key('line.waiting'), tone: 'busy' }
    case 'starting':
      return { text: key('line.starting'), tone: 'busy' }
    case 'other-tab':
      return { text: key('line.otherTab'), tone: 'off' }
    case 'unavailable':
      return { text: key(a.why === 'no-softphone' ? 'line.noSoftphone' : 'line.noLine'), tone: 'off' }
    case 'error':
      return { text: key('line.error', { reason: a.message }), tone: 'off' }
    case 'ready': {
      const s = line()?.status ?? 'unregistered'
      const tone: Tone = s === 'registered' ? 'ok' : s === 'failed' || s === 'unregistered' ? 'off' : 'busy'
      return { text: key(`line.${s}`), tone }
    }
  }
}

/** Header indicator: a dot when all is well, a labelled pill when the line is not connected. */
export function LineIndicator() {
  const s = () => lineSummary()
  return (
    <span
      class={`line-ind line-${s().tone}`}
      role="status"
      aria-label={t('line.label', { state: s().text })}
      title={t('line.label', { state: s().text })}
    >
      {/* Probe 11 finding 22: a phone, not a second dot beside the status dot on the avatar. */}
      <span class="line-dot line-phone" aria-hidden="true">
        <Icon name="phone" size={16} />
      </span>
      <Show when={s().tone !== 'ok'}>
        <span class="line-text" aria-hidden="true">
          {s().text}
        </span>
      </Show>
    </span>
  )
}

/** Settings block: the real line state, last error and "Re-register line" (A4). */
export function LineSettings() {
  const s = () => lineSummary()
  const since = () => {
    const at = line()?.registeredAt
    return at ? fmtDate(at, { timeStyle: 'medium' }) : null
  }
  const pbxDown = () => {
    const st = line()?.status
    return (
      phoneAvailability().kind === 'ready' &&
      (st === 'reconnecting' || (st === 'registering' && (line()?.attempt ?? 0) > 0))
    )
  }
  return (
    <div class="field">
      <span id="sip-line-label">{t('settings.sipLine')}</span>
      <p class="sip-line" role="status" aria-labelledby="sip-line-label sip-line-state">
        <span class={`dot line-dot-${s().tone}`} aria-hidden="true" />
        <span id="sip-line-state">{s().text}</span>
      </p>
      <Show when={since()}>{(at) => <p class="muted small">{t('line.since', { time: at() })}</p>}</Show>
      <Show when={line()?.error}>
        {(err) => <p class="muted small">{t('line.lastError', { reason: err() })}</p>}
      </Show>
      <Show when={pbxDown()}>
        <p class="muted small">{t('line.pbxDown')}</p>
      </Show>
      <Show when={phoneAvailability().kind === 'ready'}>
        <button
          type="button"
          class="btn btn-small reregister"
          onClick={() => void act((p) => p.reregister())}
        >
          {t('settings.reregister')}
        </button>
      </Show>
    </div>
  )
}
