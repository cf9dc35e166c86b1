/** SPEC A4: language, start page, SIP line status (honest), phone-book names (./PhoneContacts.tsx). */
import { For } from 'solid-js'
import type { Lang } from '../../../contract/errors.ts'
import { lang, setLang, t } from '../../lib/i18n/index.ts'
import { LineSettings } from '../calls/index.ts'
import { PhoneContacts } from './PhoneContacts.tsx'
import { START_PAGES, type StartPage, settings, updateSettings } from './settings.ts'

const PAGE_LABEL = {
  calls: 'nav.calls',
  requests: 'nav.requests',
  contacts: 'nav.contacts',
  onsite: 'nav.onsite',
} as const

/** Device settings. */
export function SettingsSection() {
  return (
    <section class="card" aria-labelledby="acc-settings">
      <h2 id="acc-settings">{t('settings.title')}</h2>
      <label class="field">
        <span>{t('settings.language')}</span>
        <select onChange={(e) => setLang(e.currentTarget.value as Lang)}>
          <option value="ru" selected={lang() === 'ru'}>
            {t('lang.ru')}
          </option>
          <option value="en" selected={lang() === 'en'}>
            {t('lang.en')}
          </option>
        </select>
      </label>
      <label class="field">
        <span>{t('settings.startPage')}</span>
        <select onChange={(e) => void updateSettings({ startPage: e.currentTarget.value as StartPage })}>
          <For each={START_PAGES}>
            {(p) => (
              <option value={p} selected={settings().startPage === p}>
                {t(PAGE_LABEL[p])}
              </option>
            )}
          </For>
        </select>
      </label>
      <LineSettings />
      <PhoneContacts />
    </section>
  )
}
