/** SPEC A2: saved accounts on this device — switch without a password, add, log out. */
import { useNavigate } from '@solidjs/router'
import { createSignal, For, Show } from 'solid-js'
import { errorText } from '../../lib/api/index.ts'
import { t } from '../../lib/i18n/index.ts'
import {
  accounts,
  active,
  clearRevoked,
  revoked,
  revokedWhy,
  signOut,
  switchTo,
} from '../../lib/session/index.ts'
import { toast } from '../../lib/ui/index.ts'
import { revokedText } from './revoked.ts'
import { settings } from './settings.ts'

/** The list of saved accounts with Add and Log out. */
export function AccountsSection() {
  const navigate = useNavigate()
  const [busy, setBusy] = createSignal(false)

  const pick = async (key: string) => {
    if (key === accounts().activeKey) return
    setBusy(true)
    try {
      const r = await switchTo(key)
      if (r !== 'revoked') {
        toast(t('account.switched', { name: active()?.me.name ?? '' }))
        navigate(`/${settings().startPage}`)
      }
    } catch (e) {
      toast(errorText(e), 'error')
    } finally {
      setBusy(false)
    }
  }

  const again = () => {
    const r = revoked()
    clearRevoked()
    navigate(`/login?add=1&login=${encodeURIComponent(r?.me.login ?? '')}`)
  }

  const logout = async () => {
    const key = accounts().activeKey
    if (!key) return
    await signOut(key)
    navigate(active() ? `/${settings().startPage}` : '/login', { replace: true })
  }

  return (
    <section class="card" aria-labelledby="acc-saved">
      <h2 id="acc-saved">{t('account.saved')}</h2>
      <Show when={revoked()}>
        {(r) => (
          <div class="notice" role="alert">
            <p>{revokedText(revokedWhy(), r().me.name)}</p>
            <button type="button" class="btn btn-small" onClick={again}>
              {t('account.signInAgain')}
            </button>
          </div>
        )}
      </Show>
      <ul class="list" aria-labelledby="acc-saved">
        <For each={accounts().list}>
          {(a) => {
            const current = () => a.key === accounts().activeKey
            return (
              <li>
                <button
                  type="button"
                  class="row row-button"
                  disabled={busy()}
                  aria-current={current() ? 'true' : undefined}
                  onClick={() => void pick(a.key)}
                >
                  <span class="initial" aria-hidden="true">
                    {a.me.name.charAt(0).toUpperCase()}
                  </span>
                  {/* A3: the name is what the row shows (no aria-label that leaves the login out). */}
                  <span class="row-main">
                    <Show when={!current()}>
                      <span class="visually-hidden">{t('account.switchPrefix')} </span>
                    </Show>
                    <span class="row-title">{a.me.name}</span>
                    <span class="row-sub">
                      {a.me.login} · {a.me.tenantName}
                    </span>
                  </span>
                  <Show when={current()}>
                    <span class="badge">{t('account.active')}</span>
                  </Show>
                </button>
              </li>
            )
          }}
        </For>
      </ul>
      <div class="actions">
        <button type="button" class="btn" onClick={() => navigate('/login?add=1')}>
          {t('account.add')}
        </button>
        <button type="button" class="btn btn-danger" onClick={() => void logout()}>
          {t('account.logout')}
        </button>
      </div>
    </section>
  )
}
