/**
 * Admin: clients from a CSV file (issue 12 §6, SPEC K3). The admin picks a file; the server parses
 * it and answers a preview with each row's errors; "Import" writes the good rows. Every cell is shown
 * as text (Solid escapes it), never as HTML.
 */
import { createSignal, For, Show } from 'solid-js'
import type { ImportPreview, ImportRowError } from '../../../../contract/contact-import.ts'
import { api, errorText } from '../../../lib/api/index.ts'
import { type MessageKey, t } from '../../../lib/i18n/index.ts'
import { CrmContactsCard } from './CrmContactsCard.tsx'

const ROW_ERROR: Record<ImportRowError, MessageKey> = {
  name_missing: 'import.err.name_missing',
  name_too_long: 'import.err.name_too_long',
  phone_invalid: 'import.err.phone_invalid',
  email_invalid: 'import.err.email_invalid',
  no_contact: 'import.err.no_contact',
  too_many: 'import.err.too_many',
  external_id_too_long: 'import.err.external_id_too_long',
  duplicate_external_id: 'import.err.duplicate_external_id',
  duplicate_phone: 'import.err.duplicate_phone',
}

/** The CSV import screen: choose a file, see the preview, import the good rows. */
export function ImportSection() {
  const [csv, setCsv] = createSignal('')
  const [preview, setPreview] = createSignal<ImportPreview | null>(null)
  const [error, setError] = createSignal('')
  const [done, setDone] = createSignal('')
  const [busy, setBusy] = createSignal(false)

  const choose = async (file: File | undefined) => {
    setPreview(null)
    setError('')
    setDone('')
    if (!file) return
    const text = await file.text()
    setCsv(text)
    setBusy(true)
    try {
      setPreview(await api('POST /api/admin/contacts/import/preview', { body: { csv: text } }))
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  const run = async () => {
    setBusy(true)
    setError('')
    try {
      const r = await api('POST /api/admin/contacts/import', { body: { csv: csv() } })
      setPreview(null)
      setDone(t('import.done', { created: r.created, updated: r.updated, bad: r.bad }))
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <section class="card" aria-labelledby="import-title">
        <h2 id="import-title">{t('import.title')}</h2>
        <p class="muted">{t('import.help')}</p>
        <label class="field">
          <span>{t('import.file')}</span>
          <input
            type="file"
            accept=".csv,text/csv"
            disabled={busy()}
            onChange={(e) => void choose(e.currentTarget.files?.[0])}
          />
        </label>
        <Show when={error()}>
          <p role="alert">{error()}</p>
        </Show>
        <Show when={done()}>
          <p role="status">{done()}</p>
        </Show>
        <Show when={preview()}>
          {(p) => (
            <>
              <p role="status">{t('import.summary', { good: p().good, bad: p().bad })}</p>
              <table aria-label={t('import.preview')}>
                <thead>
                  <tr>
                    <th scope="col">{t('import.col.line')}</th>
                    <th scope="col">{t('import.col.name')}</th>
                    <th scope="col">{t('import.col.phones')}</th>
                    <th scope="col">{t('import.col.emails')}</th>
                    <th scope="col">{t('import.col.errors')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={p().rows}>
                    {(r) => (
                      <tr data-bad={r.errors.length > 0 ? 'true' : undefined}>
                        <td>{r.line}</td>
                        <td>{r.name}</td>
                        <td>{r.phones.join(', ')}</td>
                        <td>{r.emails.join(', ')}</td>
                        <td>
                          {r.errors.length ? r.errors.map((e) => t(ROW_ERROR[e])).join('; ') : t('import.ok')}
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
              <button
                type="button"
                class="btn"
                disabled={busy() || p().good === 0}
                onClick={() => void run()}
              >
                {t('import.run', { n: p().good })}
              </button>
            </>
          )}
        </Show>
      </section>
      <CrmContactsCard />
    </>
  )
}
