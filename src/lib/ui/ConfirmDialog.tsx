/** An in-app confirmation (instead of the browser's `confirm()`): translated, modal, keyboard-usable. */
import { createUniqueId } from 'solid-js'
import { t } from '../i18n/index.ts'
import { useOverlay } from './overlay.ts'

export function ConfirmDialog(props: {
  title: string
  text: string
  ok: string
  onOk: () => void
  onCancel: () => void
  /** A destructive action: the OK button is red. */
  danger?: boolean
}) {
  let box: HTMLDivElement | undefined
  const id = createUniqueId()
  useOverlay(() => box, props.onCancel, { trap: true })
  return (
    <>
      <div class="confirm-backdrop" aria-hidden="true" onClick={() => props.onCancel()} />
      <div
        class="confirm-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={`${id}-t`}
        aria-describedby={`${id}-d`}
        ref={box}
      >
        <h2 id={`${id}-t`}>{props.title}</h2>
        <p id={`${id}-d`}>{props.text}</p>
        <div class="confirm-actions">
          <button type="button" class="btn btn-secondary" onClick={() => props.onCancel()}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            class={props.danger ? 'btn btn-primary btn-destructive' : 'btn btn-primary'}
            onClick={() => props.onOk()}
          >
            {props.ok}
          </button>
        </div>
      </div>
    </>
  )
}
