/**
 * SPEC K3: "Add to contacts" — a new client (name, with this number / e-mail), or this number /
 * e-mail added to a client found by search. The call or chat it came from is linked to him; the
 * address book follows by the `client.updated` event.
 */
import { A } from '@solidjs/router'
import { createResource, createSignal, For, Show } from 'solid-js'
import type { ClientView } from '../../../contract/api.ts'
import { ApiError, api, errorText } from '../../lib/api/index.ts'
import { t } from '../../lib/i18n/index.ts'
import { patchMe } from '../../lib/session/index.ts'
import { toast } from '../../lib/ui/index.ts'
import { bookReadOnly, ReadOnlyNote } from './ReadOnlyNote.tsx'

export interface AddContactProps {
  phone?: string | null
  email?: string | null
  name?: string | null
  callId?: string
  chatId?: string
  /** Open at once (when a menu item brought it up). */
  startOpen?: boolean
}

/** The "Add to contacts" card: a button that opens the two ways. */
export function AddContactPanel(props: AddContactProps) {
  const [open, setOpen] = createSignal(props.startOpen === true)
  const [mode, setMode] = createSignal<'new' | 'existing'>('new')
  const [name, setName] = createSignal(props.name ?? '')
  const [q, setQ] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const [done, setDone] = createSignal<ClientView | null>(null)
  const [found] = createResource(
    () => (mode() === 'existing' && q().trim().length >= 2 ? q().trim() : false),
    (query) => api('GET /api/contacts/clients', { query: { q: query, limit: '20' } }),
  )
  const what = () => ({
    ...(props.phone ? { phone: props.phone } : {}),
    ...(props.email ? { email: props.email } : {}),
    ...(props.callId ? { callId: props.callId } : {}),
    ...(props.chatId ? { chatId: props.chatId } : {}),
  })
  const run = async (save: () => Promise<ClientView>) => {
    setBusy(true)
    try {
      const c = await save()
      setDone(c)
      setOpen(false)
      toast(t('addContact.saved', { name: c.name }))
    } catch (e) {
      // The admin made the book the CRM's since this profile was read: the panel says so from now on.
      if (e instanceof ApiError && e.code === 'E_CONTACTS_READ_ONLY') void patchMe({ contactsReadOnly: true })
      toast(errorText(e), 'error')
    } finally {
      setBusy(false)
    }
  }
  const create = (e: SubmitEvent) => {
    e.preventDefault()
    void run(() => api('POST /api/contacts/clients', { body: { name: name(), ...what() } }))
  }
  const addTo = (c: ClientView) =>
    void run(() => api('POST /api/contacts/clients/:id/contacts', { params: { id: c.id }, body: what() }))

  return (
    <section class="card" aria-label={t('addContact.title')}>
      <Show
        when={!bookReadOnly()}
        fallback={
          <>
            <button type="button" class="btn btn-small" disabled aria-describedby="add-contact-crm">
              {t('addContact.open')}
            </button>
            <ReadOnlyNote id="add-contact-crm" />
          </>
        }
      >
        <Show
          when={!done()}
          fallback={
            <A href={`/contacts/clients/${done()?.id ?? ''}`} data-testid="added-client">
              {done()?.name}
            </A>
          }
        >
          <Show
            when={open()}
            fallback={
              <button type="button" class="btn btn-small" onClick={() => setOpen(true)}>
                {t('addContact.open')}
              </button>
            }
          >
            <fieldset class="admin-form" disabled={busy()}>
              <legend>{t('addContact.title')}</legend>
              <label>
                <input
                  type="radio"
                  name="add-mode"
                  checked={mode() === 'new'}
                  onChange={() => setMode('new')}
                />{' '}
                {t('addContact.new')}
              </label>
              <label>
                <input
                  type="radio"
                  name="add-mode"
                  checked={mode() === 'existing'}
                  onChange={() => setMode('existing')}
                />{' '}
                {t('addContact.existing')}
              </label>
              <Show
                when={mode() === 'existing'}
                fallback={
                  <form class="admin-form" onSubmit={create}>
                    <label class="field">
                      <span>{t('addContact.name')}</span>
                      <input
                        value={name()}
                        maxLength={100}
                        required
                        onInput={(e) => setName(e.currentTarget.value)}
                      />
                    </label>
                    <button type="submit" class="btn btn-small">
                      {t('addContact.create')}
                    </button>
                  </form>
                }
              >
                <label class="field">
                  <span>{t('addContact.search')}</span>
                  <input type="search" value={q()} onInput={(e) => setQ(e.currentTarget.value)} />
                </label>
                <ul class="list">
                  <For each={found() ?? []}>
                    {(c) => (
                      <li>
                        <button type="button" class="btn btn-small" onClick={() => addTo(c)}>
                          {t('addContact.addTo', { name: c.name })}
                        </button>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </fieldset>
          </Show>
        </Show>
      </Show>
    </section>
  )
}
