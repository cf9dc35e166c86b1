/**
 * A client's number wherever it shows (call history, a client card; later the clients on site): tapping
 * it opens a menu — Call, Write (the channels that may write first, T10), Copy, and Insider (the
 * visitor's history, as the Ringostat article has; disabled until Insider exists) — SPEC T10.
 */
import { createSignal, Show } from 'solid-js'
import { Portal } from 'solid-js/web'
import { t } from '../../lib/i18n/index.ts'
import { me } from '../../lib/session/index.ts'
import { Icon, toast, useOverlay } from '../../lib/ui/index.ts'
import { openWriteFirst } from '../../lib/writefirst/index.ts'
import { placeCall } from './actions.ts'
import { formatPhone } from './phoneFormat.ts'
import './number.css'

export function NumberButton(props: { number: string; label?: string }) {
  const [open, setOpen] = createSignal(false)
  const close = () => setOpen(false)
  const shown = () => props.label ?? formatPhone(props.number)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.number)
      toast(t('number.copied'))
    } catch {
      toast(t('number.copyFailed'), 'error')
    }
    close()
  }
  return (
    <>
      <button
        type="button"
        class="num-btn"
        aria-haspopup="dialog"
        // A3 (label-content-name-mismatch): the name starts with the text the button shows.
        aria-label={`${shown()} — ${t('number.menu', { number: props.number })}`}
        onClick={(e) => {
          // Rows may be links: the number's menu must not navigate.
          e.preventDefault()
          e.stopPropagation()
          setOpen(true)
        }}
      >
        {shown()}
      </button>
      {/* In a portal: rows of the virtual list are transformed and clipped, a fixed sheet inside one is not. */}
      <Show when={open()}>
        <Portal>
          <NumberSheet number={props.number} close={close} copy={() => void copy()} />
        </Portal>
      </Show>
    </>
  )
}

/** The number's menu: one sheet at a time, focus inside while open and back on the number after. */
function NumberSheet(props: { number: string; close: () => void; copy: () => void }) {
  let sheet: HTMLDivElement | undefined
  useOverlay(() => sheet, props.close, { trap: true })
  return (
    <>
      <div class="num-backdrop" aria-hidden="true" onClick={() => props.close()} />
      <div
        class="sheet num-sheet"
        role="dialog"
        aria-modal="true"
        aria-label={t('number.menu', { number: props.number })}
        ref={sheet}
      >
        <p class="row-title">{formatPhone(props.number)}</p>
        <button
          type="button"
          class="btn"
          onClick={() => {
            props.close()
            void placeCall(props.number)
          }}
        >
          <Icon name="phone" size={18} /> {t('number.call')}
        </button>
        <Show when={me()?.features.omni}>
          <button
            type="button"
            class="btn"
            onClick={() => {
              props.close()
              openWriteFirst(props.number)
            }}
          >
            <Icon name="chat" size={18} /> {t('number.write')}
          </button>
        </Show>
        <button type="button" class="btn btn-secondary" onClick={() => props.copy()}>
          {t('number.copy')}
        </button>
        {/* Insider (visitor history) comes with its own issue: shown, so the menu keeps its shape. */}
        <button type="button" class="btn btn-secondary" disabled title={t('number.insiderSoon')}>
          {t('number.insider')}
        </button>
        <button type="button" class="btn btn-secondary" onClick={() => props.close()}>
          {t('common.close')}
        </button>
      </div>
    </>
  )
}
