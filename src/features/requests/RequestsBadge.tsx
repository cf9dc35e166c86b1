/** The unread count on the Requests tab of the tab bar (T2, T11): New and my chats, new leads, from the mirror. */
import { Show } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import { me } from '../../lib/session/index.ts'
import { createLiveQuery, db } from '../../lib/store/index.ts'
import { newLeadCount } from './leads.ts'
import { tabCounts } from './mirror.ts'

/** A badge for the tab bar; its text joins the tab's accessible name. */
export function RequestsBadge() {
  const n = createLiveQuery(
    db,
    () => me()?.id ?? null,
    async (d, m) => {
      const [c, leads] = await Promise.all([tabCounts(d, m), newLeadCount(d)])
      return c.unreadNew + c.unreadActive + leads
    },
    0,
  )
  return (
    <Show when={n() > 0}>
      <span class="tab-badge" aria-hidden="true">
        {n() > 99 ? '99+' : n()}
      </span>
      <span class="visually-hidden">{`, ${t('requests.unreadBadge', { n: n() })}`}</span>
    </Show>
  )
}
