/**
 * The new password typed twice, with a show button (probe 13 #14: a typo on a phone keyboard must not
 * lock the employee out). Used by the Account page's change and the first sign-in's "Choose your password".
 */
import { createSignal, Show } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import { EYE, EYE_OFF, PathIcon } from '../../lib/ui/index.ts'

export function NewPasswordFields(props: {
  id: string
  next: string
  repeat: string
  onNext: (v: string) => void
  onRepeat: (v: string) => void
  nextErr: string
  repeatErr: string
}) {
  const [shown, setShown] = createSignal(false)
  const nextId = () => `${props.id}-next`
  const repeatId = () => `${props.id}-repeat`
  return (
    <>
      <div class="field">
        <label for={nextId()}>{t('password.next')}</label>
        <div class="password-row">
          <input
            id={nextId()}
            type={shown() ? 'text' : 'password'}
            autocomplete="new-password"
            required
            minLength={8}
            value={props.next}
            aria-invalid={Boolean(props.nextErr)}
            aria-describedby={props.nextErr ? `${nextId()}-err` : undefined}
            onInput={(e) => props.onNext(e.currentTarget.value)}
          />
          <button
            type="button"
            class="password-eye"
            aria-pressed={shown()}
            aria-controls={`${nextId()} ${repeatId()}`}
            aria-label={shown() ? t('password.hide') : t('password.show')}
            onClick={() => setShown(!shown())}
          >
            <PathIcon d={shown() ? EYE_OFF : EYE} />
          </button>
        </div>
        <Show when={props.nextErr}>
          <span class="field-error" id={`${nextId()}-err`}>
            {props.nextErr}
          </span>
        </Show>
      </div>
      <div class="field">
        <label for={repeatId()}>{t('password.repeat')}</label>
        <input
          id={repeatId()}
          type={shown() ? 'text' : 'password'}
          autocomplete="new-password"
          required
          value={props.repeat}
          aria-invalid={Boolean(props.repeatErr)}
          aria-describedby={props.repeatErr ? `${repeatId()}-err` : undefined}
          onInput={(e) => props.onRepeat(e.currentTarget.value)}
        />
        <Show when={props.repeatErr}>
          <span class="field-error" id={`${repeatId()}-err`}>
            {props.repeatErr}
          </span>
        </Show>
      </div>
    </>
  )
}
