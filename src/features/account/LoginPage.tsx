/** SPEC A1/A2: sign in (also "Add account" while another account stays saved). */
import { useNavigate, useSearchParams } from '@solidjs/router'
import { createSignal, Show } from 'solid-js'
import { errorText } from '../../lib/api/index.ts'
import { t, tError } from '../../lib/i18n/index.ts'
import { active, revoked, revokedWhy, signIn } from '../../lib/session/index.ts'
import { settings } from './settings.ts'

/** The login screen. */
export default function LoginPage() {
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const adding = () => params.add === '1' && active() !== null
  const [login, setLogin] = createSignal(
    typeof params.login === 'string' ? params.login : (revoked()?.me.login ?? ''),
  )
  const [password, setPassword] = createSignal('')
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)

  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    setError(null)
    setBusy(true)
    try {
      await signIn(login().trim(), password())
      setPassword('')
      navigate(settings().walkthroughDone ? `/${settings().startPage}` : '/welcome', { replace: true })
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <main class="login">
      <div class="login-card">
        <img src="/icon.svg" alt="" width="64" height="64" class="login-logo" />
        <h1>{adding() ? t('login.addTitle') : t('login.title')}</h1>
        <p class="muted">{t('login.subtitle')}</p>
        <Show when={revoked() && !error()}>
          <p class="notice" role="alert">
            {revokedWhy() === 'E_ACCOUNT_DEACTIVATED'
              ? tError('E_ACCOUNT_DEACTIVATED')
              : t('account.revoked', { name: revoked()?.me.name ?? '' })}
          </p>
        </Show>
        <form onSubmit={submit} novalidate>
          <label class="field">
            <span>{t('login.login')}</span>
            <input
              name="login"
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              required
              value={login()}
              onInput={(e) => setLogin(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span>{t('login.password')}</span>
            <input
              name="password"
              type="password"
              autocomplete="current-password"
              required
              value={password()}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
          <Show when={error()}>
            <p class="error" role="alert">
              {error()}
            </p>
          </Show>
          <button
            type="submit"
            class="btn btn-primary btn-block"
            disabled={busy() || !login() || !password()}
          >
            {busy() ? t('login.busy') : t('login.submit')}
          </button>
          <Show when={adding()}>
            <button type="button" class="btn btn-ghost btn-block" onClick={() => navigate('/account')}>
              {t('login.cancel')}
            </button>
          </Show>
        </form>
      </div>
    </main>
  )
}
