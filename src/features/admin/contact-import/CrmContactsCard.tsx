/**
 * Admin: contacts a CRM pushes (issue 12 §6, SPEC K3) — the signed endpoint's path, a new secret
 * (shown once), and whether the book is the CRM's (then the app's client edits are refused).
 */
import { createResource, createSignal, Show } from 'solid-js'
import { api, errorText } from '../../../lib/api/index.ts'
import { t } from '../../../lib/i18n/index.ts'
import { ConfirmDialog } from '../../../lib/ui/index.ts'
import { CopyRow } from '../channels/parts.tsx'

/** The CRM push card. */
export function CrmContactsCard() {
  const [view, { mutate }] = createResource(() => api('GET /api/admin/crm-contacts'))
  const [secret, setSecret] = createSignal('')
  const [error, setError] = createSignal('')
  // A new secret stops the CRM's copy at once: asked first (probe 13).
  const [asking, setAsking] = createSignal(false)

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
        {(path) => <CopyRow label={t('crmContacts.path')} value={`${location.origin}${path()}`} />}
      </Show>
      <Show when={secret()}>
        <div role="status">
          <CopyRow label={t('crmContacts.secret')} value={secret()} />
        </div>
      </Show>
      <button type="button" class="btn" onClick={() => (view()?.path ? setAsking(true) : void makeSecret())}>
        {view()?.path ? t('crmContacts.newSecret') : t('crmContacts.makeSecret')}
      </button>
      <Show when={asking()}>
        <ConfirmDialog
          title={t('crmContacts.newSecretTitle')}
          text={t('crmContacts.newSecretText')}
          ok={t('crmContacts.newSecret')}
          danger
          onCancel={() => setAsking(false)}
          onOk={() => {
            setAsking(false)
            void makeSecret()
          }}
        />
      </Show>
      <label class="switch">
        <input
          type="checkbox"
          role="switch"
          checked={view()?.readOnly ?? false}
          aria-checked={view()?.readOnly ?? false}
          aria-describedby="crm-contacts-ro-hint"
          disabled={!view()?.path}
          onChange={(e) => void setReadOnly(e.currentTarget.checked)}
        />
        <span class="switch-text">
          <span>{t('crmContacts.readOnly')}</span>
          <span id="crm-contacts-ro-hint" class="muted small">
            {view()?.path ? t('crmContacts.readOnlyHint') : t('crmContacts.readOnlyFirst')}
          </span>
        </span>
      </label>
      <Show when={error()}>
        <p role="alert">{error()}</p>
      </Show>
    </section>
  )
}
