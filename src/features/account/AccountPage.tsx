/** The Account tab: profile, saved accounts, sessions, settings, permissions. */
import { A } from '@solidjs/router'
import { Show } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import { me } from '../../lib/session/index.ts'
import { AccountsSection } from './AccountsSection.tsx'
import { DeviceSection } from './DeviceSection.tsx'
import { PasswordSection } from './PasswordSection.tsx'
import { PermissionsSection } from './PermissionsSection.tsx'
import { SessionsSection } from './SessionsSection.tsx'
import { SettingsSection } from './SettingsSection.tsx'

/** Account screen. */
export default function AccountPage() {
  return (
    <div class="page">
      <h1 class="visually-hidden">{t('account.title')}</h1>
      <Show when={me()}>
        {(m) => (
          <section class="card profile">
            <span class="initial initial-lg" aria-hidden="true">
              {m().name.charAt(0).toUpperCase()}
            </span>
            <div>
              <p class="row-title">{m().name}</p>
              <p class="row-sub">
                {m().tenantName} · {t('account.extension', { ext: m().extension })}
              </p>
            </div>
          </section>
        )}
      </Show>
      {/* Issue 13: the admin area's entry, for admins only. */}
      <Show when={me()?.role === 'admin'}>
        <A href="/admin" class="card row row-button" data-testid="admin-link">
          <span class="row-main">
            <span class="row-title">{t('admin.open')}</span>
            <span class="row-sub">{t('admin.sections')}</span>
          </span>
        </A>
      </Show>
      {/* Issue 12 §4: the supervisor's screens, for supervisors and admins. */}
      <Show when={me()?.role === 'supervisor' || me()?.role === 'admin'}>
        <A href="/supervisor" class="card row row-button" data-testid="supervisor-link">
          <span class="row-main">
            <span class="row-title">{t('super.open')}</span>
            <span class="row-sub">{t('super.openHint')}</span>
          </span>
        </A>
      </Show>
      <AccountsSection />
      <PasswordSection />
      <SettingsSection />
      <PermissionsSection />
      <DeviceSection />
      <SessionsSection />
    </div>
  )
}
