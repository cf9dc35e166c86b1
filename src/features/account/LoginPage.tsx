/** SPEC A1/A2: sign in (also "Add account" while another account stays saved). */
import { useNavigate, useSearchParams } from '@solidjs/router'
import { createSignal, For, Show } from 'solid-js'
import type { Lang } from '../../../contract/errors.ts'
import { errorText } from '../../lib/api/index.ts'
import { lang, setLang, t } from '../../lib/i18n/index.ts'
import {
  accounts,
  active,
  firstSignIn,
  revoked,
  revokedWhy,
  signIn,
  switchTo,
} from '../../lib/session/index.ts'
import { EYE, EYE_OFF, PathIcon } from '../../lib/ui/index.ts'
import { FirstPassword } from './FirstPassword.tsx'
import { landAfterSignIn } from './landing.ts'
import { revokedText } from './revoked.ts'
import { settings } from './settings.ts'

/** The login screen. */
export default function LoginPage() {
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const go = (path: string) => navigate(path, { replace: true })
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
      const who = await signIn(login().trim(), password())
      setPassword('')
      // Probe 13 #13: a one-time password asks for his own first (FirstPassword, below).
      if (!firstSignIn()) landAfterSignIn(who, go)
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
        <Show when={!firstSignIn()} fallback={<FirstPassword onDone={(who) => landAfterSignIn(who, go)} />}>
          <h1>{adding() ? t('login.addTitle') : t('login.title')}</h1>
          <p class="muted">{t('login.subtitle')}</p>
          <Show when={revoked() && !error()}>
            <p class="notice" role="alert">
              {revokedText(revokedWhy(), revoked()?.me.name ?? '')}
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
        </Show>
      </div>
    </main>
  )
}
