/**
 * Admin: contacts a CRM pushes (issue 12 §6, SPEC K3) — the signed endpoint's path, a new secret
 * (shown once), and whether the book is the CRM's (then the app's client edits are refused).
 */
import { createResource, createSignal, Show } from 'solid-js'
import { api, errorText } from '../../../lib/api/index.ts'
import { t } from '../../../lib/i18n/index.ts'

/** The CRM push card. */
export function CrmContactsCard() {
  const [view, { mutate }] = createResource(() => api('GET /api/admin/crm-contacts'))
  const [secret, setSecret] = createSignal('')
  const [error, setError] = createSignal('')

  const makeSecret = async () => {
    setError('')
    try {
      const r = await api('POST /api/admin/crm-contacts/secret')
      setSecret(r.secret)
      mutate({ path: r.path, readOnly: r.readOnly })
    } catch (e) {
      setError(errorText(e))
    }
  }
  const setReadOnly = async (readOnly: boolean) => {
    setError('')
    try {
      mutate(await api('PUT /api/admin/crm-contacts', { body: { readOnly } }))
    } catch (e) {
      setError(errorText(e))
    }
  }

  return (
    <section class="card" aria-labelledby="crm-contacts-title">
      <h2 id="crm-contacts-title">{t('crmContacts.title')}</h2>
      <p class="muted">{t('crmContacts.help')}</p>
      <Show when={view()?.path}>
        {(path) => (
          <p>
            {t('crmContacts.path')}: <code>{path()}</code>
          </p>
        )}
      </Show>
      <Show when={secret()}>
        <p role="status">
          {t('crmContacts.secret')}: <code>{secret()}</code>
        </p>
      </Show>
      <button type="button" class="btn" onClick={() => void makeSecret()}>
        {view()?.path ? t('crmContacts.newSecret') : t('crmContacts.makeSecret')}
      </button>
      <label class="field">
        <input
          type="checkbox"
          checked={view()?.readOnly ?? false}
          disabled={!view()?.path}
          onChange={(e) => void setReadOnly(e.currentTarget.checked)}
        />
        <span>{t('crmContacts.readOnly')}</span>
      </label>
      <Show when={error()}>
        <p role="alert">{error()}</p>
      </Show>
    </section>
  )
}
