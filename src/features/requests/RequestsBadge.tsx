/** The unread count on the Requests tab of the tab bar (T2, T11): New and my chats, new leads, from the mirror. */
import { Show } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import { createLiveQuery, db } from '../../lib/store/index.ts'
import { newLeadCount } from './leads.ts'
import { countsOf, useChatLists } from './lists.ts'

/** A badge for the tab bar; its text joins the tab's accessible name. */
export function RequestsBadge() {
  // Issue 10: the chats from the one shared read of the lists (lists.ts), the leads' count here.
  const lists = useChatLists()
  const leads = createLiveQuery(db, () => undefined, newLeadCount, 0)
  const n = () => {
    const c = countsOf(lists())
    return c.unreadNew + c.unreadActive + leads()
  }
  return (
    <Show when={n() > 0}>
      <span class="tab-badge" aria-hidden="true">
        {n() > 99 ? '99+' : n()}
      </span>
      <span class="visually-hidden">{`, ${t('requests.unreadBadge', { n: n() })}`}</span>
    </Show>
  )
}
