/** The admin area's start: its sections as a list of links (sections.ts). */
import { A } from '@solidjs/router'
import { For } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import { Icon } from '../../lib/ui/index.ts'
import { ADMIN_SECTIONS } from './sections.ts'
// Every admin screen gets the same heading sizes, whichever section loads first (issue 13 leftover).
import './admin.css'

/** Section list. */
export default function AdminPage() {
  return (
    <div class="page">
      <h1 class="page-heading">{t('admin.title')}</h1>
      <nav class="card" aria-label={t('admin.sections')}>
        <ul class="list">
          <For each={ADMIN_SECTIONS}>
            {(s) => (
              <li>
                <A href={`/admin/${s.id}`} class="row row-button">
                  <span class="initial" aria-hidden="true">
                    <Icon name={s.icon} size={18} />
                  </span>
                  <span class="row-main">
                    <span class="row-title">{t(s.label)}</span>
                    <span class="row-sub">{t(s.hint)}</span>
                  </span>
                </A>
              </li>
            )}
          </For>
        </ul>
      </nav>
    </div>
  )
}
