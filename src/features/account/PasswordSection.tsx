/** SPEC A1 / issue 13: change one's own password (the current one required; other sessions ended on request). */
import { createSignal, Show } from 'solid-js'
import { api, errorText } from '../../lib/api/index.ts'
import { t } from '../../lib/i18n/index.ts'
import { toast } from '../../lib/ui/index.ts'

/** Own password form. */
export function PasswordSection() {
  const [current, setCurrent] = createSignal('')
  const [next, setNext] = createSignal('')
  const [others, setOthers] = createSignal(false)
  const [busy, setBusy] = createSignal(false)
  // Closed until asked for: the Account page asks for no password by itself (A2's switch shows none).
  const [open, setOpen] = createSignal(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    try {
      const r = await api('PUT /api/me/password', {
        body: { current: current(), next: next(), signOutOthers: others() },
      })
      setCurrent('')
      setNext('')
      setOpen(false)
      toast(others() ? t('password.changedEnded', { n: r.endedSessions }) : t('password.changed'))
    } catch (err) {
      toast(errorText(err), 'error')
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
      <form class="card" aria-labelledby="acc-password" onSubmit={(e) => void submit(e)}>
        <h2 id="acc-password">{t('password.title')}</h2>
        <label class="field">
          <span>{t('password.current')}</span>
          <input
            type="password"
            autocomplete="current-password"
            required
            value={current()}
            onInput={(e) => setCurrent(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>{t('password.next')}</span>
          <input
            type="password"
            autocomplete="new-password"
            required
            minLength={8}
            value={next()}
            onInput={(e) => setNext(e.currentTarget.value)}
          />
        </label>
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
