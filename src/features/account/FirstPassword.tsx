/**
 * Probe 13 #13: "Choose your password" — a sign-in with a password the admin (or the tenant CLI) issued
 * goes no further until the employee sets his own; nothing else of the app runs meanwhile (the server
 * answers nothing else). "Sign out" leaves it (that session is ended).
 */
import { createSignal, Show } from 'solid-js'
import type { Me } from '../../../contract/api.ts'
import { errorText } from '../../lib/api/index.ts'
import { t } from '../../lib/i18n/index.ts'
import { cancelFirstSignIn, chooseOwnPassword, firstSignIn } from '../../lib/session/index.ts'
import { NewPasswordFields } from './NewPasswordFields.tsx'
import { newPasswordErrors } from './new-password.ts'

export function FirstPassword(props: { onDone: (me: Me) => void }) {
  const [next, setNext] = createSignal('')
  const [repeat, setRepeat] = createSignal('')
  const [nextErr, setNextErr] = createSignal('')
  const [repeatErr, setRepeatErr] = createSignal('')
  const [formErr, setFormErr] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    const bad = newPasswordErrors(next(), repeat())
    setNextErr(bad.next ? t(bad.next) : '')
    setRepeatErr(bad.repeat ? t(bad.repeat) : '')
    setFormErr('')
    if (bad.next || bad.repeat) return
    setBusy(true)
    try {
      props.onDone(await chooseOwnPassword(next()))
    } catch (err) {
      setFormErr(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form onSubmit={(e) => void submit(e)} novalidate aria-labelledby="first-pw-title">
      <h1 id="first-pw-title">{t('firstPassword.title')}</h1>
      <p class="muted">{t('firstPassword.text', { name: firstSignIn()?.me.name ?? '' })}</p>
      <NewPasswordFields
        id="first-pw"
        next={next()}
        repeat={repeat()}
        onNext={setNext}
        onRepeat={setRepeat}
        nextErr={nextErr()}
        repeatErr={repeatErr()}
      />
      <Show when={formErr()}>
        <p class="error" role="alert">
          {formErr()}
        </p>
      </Show>
      <button type="submit" class="btn btn-primary btn-block" disabled={busy()}>
        {t('firstPassword.submit')}
      </button>
      <button type="button" class="btn btn-ghost btn-block" onClick={() => void cancelFirstSignIn()}>
        {t('firstPassword.signOut')}
      </button>
    </form>
  )
}
