/** SPEC A1 / issue 13: change one's own password (the current one required; other sessions ended on request). */
import { createSignal, Show } from 'solid-js'
import { ApiError, api, errorText } from '../../lib/api/index.ts'
import { t, tCount } from '../../lib/i18n/index.ts'
import { toast } from '../../lib/ui/index.ts'
import { NewPasswordFields } from './NewPasswordFields.tsx'
import { newPasswordErrors } from './new-password.ts'

/** Own password form. */
export function PasswordSection() {
  const [current, setCurrent] = createSignal('')
  const [next, setNext] = createSignal('')
  const [repeat, setRepeat] = createSignal('')
  // Probe 13 #14: on by default — a change after a suspected leak should end the other sessions.
  const [others, setOthers] = createSignal(true)
  const [busy, setBusy] = createSignal(false)
  // Closed until asked for: the Account page asks for no password by itself (A2's switch shows none).
  const [open, setOpen] = createSignal(false)
  // Errors at their field (and one for the rest), replaced on each try — never a pile of toasts.
  const [currentErr, setCurrentErr] = createSignal('')
  const [nextErr, setNextErr] = createSignal('')
  const [repeatErr, setRepeatErr] = createSignal('')
  const [formErr, setFormErr] = createSignal('')
  const submit = async (e: Event) => {
    e.preventDefault()
    setCurrentErr(current() ? '' : t('password.currentRequired'))
    const bad = newPasswordErrors(next(), repeat())
    setNextErr(bad.next ? t(bad.next) : '')
    setRepeatErr(bad.repeat ? t(bad.repeat) : '')
    setFormErr('')
    if (currentErr() || nextErr() || repeatErr()) return
    setBusy(true)
    try {
      const r = await api('PUT /api/me/password', {
        body: { current: current(), next: next(), signOutOthers: others() },
      })
      setCurrent('')
      setNext('')
      setRepeat('')
      setOpen(false)
      toast(
        others() && r.endedSessions > 0
          ? tCount(
              {
                one: 'password.changedEnded.one',
                few: 'password.changedEnded.few',
                many: 'password.changedEnded.many',
                other: 'password.changedEnded',
              },
              r.endedSessions,
            )
          : t('password.changed'),
      )
    } catch (err) {
      if (err instanceof ApiError && err.code === 'E_WRONG_PASSWORD') setCurrentErr(errorText(err))
      else setFormErr(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Show
      when={open()}
      fallback={
        <section class="card">
          <h2>{t('password.title')}</h2>
          <button type="button" class="btn" onClick={() => setOpen(true)}>
            {t('password.submit')}
          </button>
        </section>
      }
    >
      <form class="card" aria-labelledby="acc-password" onSubmit={(e) => void submit(e)} novalidate>
        <h2 id="acc-password">{t('password.title')}</h2>
        <label class="field">
          <span>{t('password.current')}</span>
          <input
            type="password"
            autocomplete="current-password"
            required
            value={current()}
            aria-invalid={Boolean(currentErr())}
            aria-describedby={currentErr() ? 'pw-current-err' : undefined}
            onInput={(e) => setCurrent(e.currentTarget.value)}
          />
          <Show when={currentErr()}>
            <span class="field-error" id="pw-current-err">
              {currentErr()}
            </span>
          </Show>
        </label>
        <NewPasswordFields
          id="pw"
          next={next()}
          repeat={repeat()}
          onNext={setNext}
          onRepeat={setRepeat}
          nextErr={nextErr()}
          repeatErr={repeatErr()}
        />
        <label class="switch">
          <input
            type="checkbox"
            role="switch"
            checked={others()}
            aria-checked={others()}
            onChange={(e) => setOthers(e.currentTarget.checked)}
          />
          <span class="switch-text">{t('password.signOutOthers')}</span>
        </label>
        <Show when={formErr()}>
          <p class="field-error" role="alert">
            {formErr()}
          </p>
        </Show>
        <div class="confirm-actions">
          <button type="button" class="btn btn-secondary" onClick={() => setOpen(false)}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy()}>
            {t('password.submit')}
          </button>
        </div>
      </form>
    </Show>
  )
}
