/** One admin section: a back link to the list, its title, its screen (sections.ts). */
import { A, Navigate, useParams } from '@solidjs/router'
import { Show } from 'solid-js'
import { Dynamic } from 'solid-js/web'
import { t } from '../../lib/i18n/index.ts'
import { sectionById } from './sections.ts'
// Every admin screen gets the same heading sizes, whichever section loads first (issue 13 leftover).
import './admin.css'

/** Section screen by `:section`. */
export default function AdminSectionPage() {
  const params = useParams<{ section: string }>()
  const section = () => sectionById(params.section)
  return (
    <Show when={section()} fallback={<Navigate href="/admin" />}>
      {(s) => (
        <div class="page">
          <A href="/admin" class="back">
            ← {t('admin.title')}
          </A>
          <h1 class="page-heading">{t(s().label)}</h1>
          <Dynamic component={s().page} />
        </div>
      )}
    </Show>
  )
}
