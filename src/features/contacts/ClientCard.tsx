/** SPEC K2: the client card — contacts, channels, group, personal manager, calls and chats. */
import { A, useParams } from '@solidjs/router'
import { createEffect, createResource, createSignal, For, Show } from 'solid-js'
import type { ClientView } from '../../../contract/api.ts'
import { t } from '../../lib/i18n/index.ts'
import { phoneBookName } from '../../lib/phonebook/index.ts'
import { createLiveQuery, db } from '../../lib/store/index.ts'
import { bookReadOnly, ReadOnlyNote } from '../addcontact/index.ts'
import { CallButton, loadPhoneFormat, NumberButton } from '../calls/index.ts'
import { ClientInsider } from '../insider/index.ts'
import { fetchClient } from './data.ts'
import { BIDI, channelKindName } from './names.ts'
import { ClientTimeline } from './Timeline.tsx'
import './client.css'

/** Channels whose address is a phone number (the others: an e-mail, a @username, an id). */
const PHONE_CHANNELS = new Set(['sms', 'whatsapp', 'viber', 'phone'])

/** Client card route `/contacts/clients/:id`. */
export default function ClientCard() {
  const params = useParams<{ id: string }>()
  const [missing, setMissing] = createSignal(false)
  const client = createLiveQuery(
    db,
    () => params.id,
    async (d, id) => (await d.clients.get(id)) ?? null,
    null as ClientView | null,
  )
  createEffect(() => {
    const d = db()
    const id = params.id
    setMissing(false)
    if (d) void fetchClient(d, id).then((ok) => setMissing(!ok))
  })
  const none = t('common.none')
  // Probe 12 UI #17: a phone channel's address as the phones above it read ("+7 916 400 00 00"), not E.164.
  const [phoneFormat] = createResource(loadPhoneFormat)
  const channelAddress = (kind: string, address: string) =>
    PHONE_CHANNELS.has(kind) ? (phoneFormat()?.formatPhone(address) ?? address) : address
  return (
    <div class="page">
      <A href="/contacts/clients" class="back">
        ← {t('common.back')}
      </A>
      <Show
        when={client()}
        fallback={
          <Show when={missing()}>
            <p class="empty-small" role="alert">
              {t('client.notFound')}
            </p>
          </Show>
        }
      >
        {(c) => (
          <>
            <section class="card profile">
              <span class="initial initial-lg" aria-hidden="true">
                {shownName(c()).charAt(0).toUpperCase()}
              </span>
              <div>
                <h1 class="card-title">{shownName(c())}</h1>
                {/* The company's name for him, when the phone's book calls him otherwise. */}
                <Show when={shownName(c()) !== c().name}>
                  <p class="muted small">{c().name}</p>
                </Show>
              </div>
            </section>
            <Show when={bookReadOnly()}>
              <ReadOnlyNote />
            </Show>
            <section class="card">
              <dl class="facts client-facts">
                <dt>{t('client.phones')}</dt>
                <dd>
                  <For each={c().phones} fallback={none}>
                    {(p) => (
                      <span class="phone-line">
                        <NumberButton number={p} />
                        <CallButton number={p} label={t('calls.callNumber', { number: p })} />
                      </span>
                    )}
                  </For>
                </dd>
                <dt>{t('client.emails')}</dt>
                <dd>
                  <For each={c().emails} fallback={none}>
                    {(m) => <a href={`mailto:${m}`}>{emailText(m)}</a>}
                  </For>
                </dd>
                <dt>{t('client.channels')}</dt>
                <dd>
                  <For each={c().channels} fallback={none}>
                    {(ch) => (
                      <span class="chip" dir="auto">
                        {channelKindName(ch.kind)}:{' '}
                        <span class="chip-value">
                          {channelAddress(ch.kind, ch.address.replace(BIDI, ''))}
                        </span>
                      </span>
                    )}
                  </For>
                </dd>
                <dt>{t('client.group')}</dt>
                <dd>{c().groupName ?? none}</dd>
                <dt>{t('client.manager')}</dt>
                <dd>{c().managerName ?? none}</dd>
              </dl>
            </section>
            <ClientInsider clientId={c().id} />
            <ClientTimeline id={c().id} />
          </>
        )}
      </Show>
    </div>
  )
}

/** A4: the phone's own book names one of the client's numbers first when the operator prefers it. */
function shownName(c: ClientView): string {
  for (const p of c.phones) {
    const n = phoneBookName(p)
    if (n) return n
  }
  return c.name
}

/** An e-mail address may break before its "@" (never inside the name or the domain's words). */
function emailText(m: string) {
  const at = m.lastIndexOf('@')
  if (at <= 0) return m
  return (
    <>
      {m.slice(0, at)}
      <wbr />
      {m.slice(at)}
    </>
  )
}
