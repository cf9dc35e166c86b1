/** SPEC K1: groups with their extension and available / total operators. */
import { For, Show } from 'solid-js'
import type { GroupView } from '../../../contract/api.ts'
import { t } from '../../lib/i18n/index.ts'
import { createLiveQuery, db } from '../../lib/store/index.ts'
import { CallButton } from '../calls/index.ts'

/** Groups list (a tenant has few groups: no virtualization needed). */
export default function Groups() {
  const rows = createLiveQuery(
    db,
    () => undefined,
    (d) => d.groups.orderBy('name').toArray(),
    [] as GroupView[],
  )
  return (
    <Show when={rows().length > 0} fallback={<p class="empty-small">{t('contacts.noGroups')}</p>}>
      <ul class="list scroll" aria-label={t('contacts.groups')}>
        <For each={rows()}>
          {(g) => (
            <li class="row">
              <span class="initial initial-group" aria-hidden="true">
                #
              </span>
              <span class="row-main">
                <span class="row-title">{g.name}</span>
                <span class="row-sub">{t('contacts.ext', { ext: g.extension })}</span>
              </span>
              <span class={`pill ${g.available > 0 ? 'pill-granted' : 'pill-denied'}`}>
                <span aria-hidden="true">{t('contacts.available', { a: g.available, t: g.total })}</span>
                <span class="visually-hidden">
                  {t('contacts.availableLabel', { a: g.available, t: g.total })}
                </span>
              </span>
              <CallButton number={g.extension} label={t('calls.callName', { name: g.name })} />
            </li>
          )}
        </For>
      </ul>
    </Show>
  )
}
