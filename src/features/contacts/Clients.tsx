/** SPEC K1: clients with search by name, phone or e-mail; rows open the card. */
import { A } from '@solidjs/router'
import { createEffect, createResource, createSignal, on, onCleanup, Show } from 'solid-js'
import type { ClientView } from '../../../contract/api.ts'
import { t } from '../../lib/i18n/index.ts'
import { createLiveQuery, db } from '../../lib/store/index.ts'
import { VirtualList } from '../../lib/ui/VirtualList.tsx'
import { bookReadOnly, ReadOnlyNote } from '../addcontact/index.ts'
import { loadPhoneFormat } from '../calls/index.ts'
import { clientMatches, searchClientsRemote } from './data.ts'

const [query, setQuery] = createSignal('')

/** Clients list with search. */
export default function Clients() {
  // Render from Dexie (works offline); the server search merges its matches into Dexie.
  const rows = createLiveQuery(
    db,
    query,
    async (d, q) => (await d.clients.orderBy('name').toArray()).filter((c) => clientMatches(c, q)),
    [] as ClientView[],
  )
  // Probe 12 UI #17: the number as every other screen shows it ("+7 916 400 00 00", C8), not raw E.164.
  const [phoneFormat] = createResource(loadPhoneFormat)
  const phone = (p: string | undefined) => (p ? (phoneFormat()?.formatPhone(p) ?? p) : undefined)
  createEffect(
    on(query, (q) => {
      const d = db()
      if (!d) return
      const ctl = new AbortController()
      const timer = setTimeout(() => void searchClientsRemote(d, q.trim(), ctl.signal).catch(() => {}), 250)
      onCleanup(() => {
        clearTimeout(timer)
        ctl.abort()
      })
    }),
  )
  return (
    <>
      <Show when={bookReadOnly()}>
        <ReadOnlyNote />
      </Show>
      <div class="search">
        <input
          type="search"
          aria-label={t('contacts.search')}
          placeholder={t('contacts.searchPlaceholder')}
          value={query()}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
      </div>
      <Show when={rows().length > 0} fallback={<p class="empty-small">{t('contacts.noClients')}</p>}>
        <VirtualList items={rows()} rowHeight={64} label={t('contacts.clients')}>
          {(c) => (
            <A class="row row-link" href={`/contacts/clients/${encodeURIComponent(c.id)}`}>
              <span class="initial" aria-hidden="true">
                {c.name.charAt(0).toUpperCase()}
              </span>
              <span class="row-main">
                <span class="row-title">{c.name}</span>
                <span class="row-sub">{[phone(c.phones[0]), c.emails[0]].filter(Boolean).join(' · ')}</span>
              </span>
            </A>
          )}
        </VirtualList>
      </Show>
    </>
  )
}
