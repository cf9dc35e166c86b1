/** The Account tab: profile, saved accounts, sessions, settings, permissions. */
import { Show } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import { me } from '../../lib/session/index.ts'
import { AccountsSection } from './AccountsSection.tsx'
import { DeviceSection } from './DeviceSection.tsx'
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
      <AccountsSection />
      <SettingsSection />
      <PermissionsSection />
      <DeviceSection />
      <SessionsSection />
    </div>
  )
}
