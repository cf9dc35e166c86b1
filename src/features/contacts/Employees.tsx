/** SPEC K1: employees, online-only filter on by default, live status. */
import { createSignal, Show } from 'solid-js'
import type { EmployeeView } from '../../../contract/api.ts'
import { t } from '../../lib/i18n/index.ts'
import { offline } from '../../lib/net/index.ts'
import { me } from '../../lib/session/index.ts'
import { createLiveQuery, db } from '../../lib/store/index.ts'
import { VirtualList } from '../../lib/ui/VirtualList.tsx'
import { CallButton } from '../calls/index.ts'
import { StatusDot } from './StatusDot.tsx'

const [onlineOnly, setOnlineOnly] = createSignal(true)

/** Employees list. */
export default function Employees() {
  const rows = createLiveQuery(
    db,
    // Offline, presence is unknown: the filter would show stale "online" marks, so everyone saved shows.
    () => onlineOnly() && !offline(),
    async (d, only) => {
      const all = await d.employees.orderBy('name').toArray()
      return only ? all.filter((e) => e.online && e.presence?.state !== 'offline') : all
    },
    [] as EmployeeView[],
  )
  return (
    <>
      <label class="switch switch-bar">
        <input
          type="checkbox"
          role="switch"
          aria-checked={onlineOnly()}
          checked={onlineOnly()}
          onChange={(e) => setOnlineOnly(e.currentTarget.checked)}
        />
        <span>{t('contacts.onlineOnly')}</span>
      </label>
      <Show when={onlineOnly() && offline()}>
        <p class="empty-small" role="status">
          {t('contacts.presenceUnknownOffline')}
        </p>
      </Show>
      <Show
        when={rows().length > 0}
        fallback={
          <p class="empty-small">
            {onlineOnly() && !offline() ? t('contacts.nobodyOnline') : t('contacts.noEmployees')}
          </p>
        }
      >
        <VirtualList items={rows()} rowHeight={64} label={t('contacts.employees')}>
          {(e) => (
            <div class="row">
              <span class="initial" aria-hidden="true">
                {e.name.charAt(0).toUpperCase()}
              </span>
              <span class="row-main">
                <span class="row-title">{e.name}</span>
                <span class="row-sub">{t('contacts.ext', { ext: e.extension })}</span>
              </span>
              <StatusDot status={e.status} online={e.online} presence={e.presence} />
              <Show when={e.id !== me()?.id}>
                <CallButton number={e.extension} label={t('calls.callName', { name: e.name })} />
              </Show>
            </div>
          )}
        </VirtualList>
      </Show>
    </>
  )
}
