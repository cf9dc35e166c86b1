/** SPEC A1/A2: sign in (also "Add account" while another account stays saved). */
import { useNavigate, useSearchParams } from '@solidjs/router'
import { createSignal, For, Show } from 'solid-js'
import type { Lang } from '../../../contract/errors.ts'
import { errorText } from '../../lib/api/index.ts'
import { lang, setLang, t, tError } from '../../lib/i18n/index.ts'
import { accounts, active, revoked, revokedWhy, signIn, switchTo } from '../../lib/session/index.ts'
import { PathIcon } from '../../lib/ui/index.ts'
import { settings } from './settings.ts'

// Material Design "visibility" / "visibility_off" (Apache 2.0).
const EYE =
  'M12 4.5C7 4.5 2.73 7.61 1 12c1.73 4.39 6 7.5 11 7.5s9.27-3.11 11-7.5c-1.73-4.39-6-7.5-11-7.5zM12 17c-2.76 0-5-2.24-5-5s2.24-5 5-5 5 2.24 5 5-2.24 5-5 5zm0-8c-1.66 0-3 1.34-3 3s1.34 3 3 3 3-1.34 3-3-1.34-3-3-3z'
const EYE_OFF =
  'M12 7c2.76 0 5 2.24 5 5 0 .65-.13 1.26-.36 1.83l2.92 2.92c1.51-1.26 2.7-2.89 3.43-4.75-1.73-4.39-6-7.5-11-7.5-1.4 0-2.74.25-3.98.7l2.16 2.16C10.74 7.13 11.35 7 12 7zM2 4.27l2.28 2.28.46.46C3.08 8.3 1.78 10.02 1 12c1.73 4.39 6 7.5 11 7.5 1.55 0 3.03-.3 4.38-.84l.42.42L19.73 22 21 20.73 3.27 3 2 4.27zM7.53 9.8l1.55 1.55c-.05.21-.08.43-.08.65 0 1.66 1.34 3 3 3 .22 0 .44-.03.65-.08l1.55 1.55c-.67.33-1.41.53-2.2.53-2.76 0-5-2.24-5-5 0-.79.2-1.53.53-2.2zm4.31-.78l3.15 3.15.02-.16c0-1.66-1.34-3-3-3l-.17.01z'

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
  const [shown, setShown] = createSignal(false)
  /** A2: after a log-out the other saved accounts wait here, opened only when chosen. */
  const others = () => (adding() ? [] : accounts().list)
  const resume = async (key: string) => {
    setError(null)
    try {
      if ((await switchTo(key)) !== 'revoked') navigate(`/${settings().startPage}`, { replace: true })
    } catch (err) {
      setError(errorText(err))
    }
  }

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
        <fieldset class="login-lang">
          <legend class="visually-hidden">{t('settings.language')}</legend>
          <For each={['ru', 'en'] as Lang[]}>
            {(l) => (
              <button
                type="button"
                class="btn btn-ghost"
                aria-pressed={lang() === l}
                onClick={() => setLang(l)}
              >
                {t(l === 'ru' ? 'lang.ru' : 'lang.en')}
              </button>
            )}
          </For>
        </fieldset>
        <h1>{adding() ? t('login.addTitle') : t('login.title')}</h1>
        <p class="muted">{t('login.subtitle')}</p>
        <Show when={revoked() && !error()}>
          <p class="notice" role="alert">
            {revokedWhy() === 'E_ACCOUNT_DEACTIVATED'
              ? tError('E_ACCOUNT_DEACTIVATED')
              : t('account.revoked', { name: revoked()?.me.name ?? '' })}
          </p>
        </Show>
        <Show when={others().length > 0}>
          <section class="login-saved" aria-labelledby="login-saved">
            <h2 id="login-saved">{t('login.saved')}</h2>
            <For each={others()}>
              {(a) => (
                <button type="button" class="btn btn-block" onClick={() => void resume(a.key)}>
                  {t('login.continueAs', { name: a.me.name })}
                </button>
              )}
            </For>
          </section>
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
          <div class="field">
            <label for="login-password">{t('login.password')}</label>
            <div class="password-row">
              <input
                id="login-password"
                name="password"
                type={shown() ? 'text' : 'password'}
                autocomplete="current-password"
                required
                value={password()}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
              {/* Probe 11 finding 3: an eye inside the field (the field keeps its full width). */}
              <button
                type="button"
                class="password-eye"
                aria-pressed={shown()}
                aria-controls="login-password"
                aria-label={shown() ? t('login.hidePassword') : t('login.showPassword')}
                onClick={() => setShown(!shown())}
              >
                <PathIcon d={shown() ? EYE_OFF : EYE} />
              </button>
            </div>
          </div>
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
