/** C5 (issue 11 §1): the call transfer timeout — how long a blind transfer may take before the app returns to the client. */
import { createResource, createSignal } from 'solid-js'
import { api, errorText } from '../../../lib/api/index.ts'
import { t } from '../../../lib/i18n/index.ts'
import { toast } from '../../../lib/ui/index.ts'

/** The Calls card of the Settings screen. */
export function CallSettingsCard() {
  const [settings, { refetch }] = createResource(() => api('GET /api/calls/transfer-settings'))
  const [sec, setSec] = createSignal<number | null>(null)
  const save = async (ev: Event) => {
    ev.preventDefault()
    const value = sec()
    if (value === null) return
    try {
      await api('PUT /api/admin/call-settings', { body: { transferTimeoutSec: value } })
      toast(t('setup.saved'))
      void refetch()
    } catch (e) {
      toast(errorText(e), 'error')
    }
  }
  return (
    <section class="card" aria-labelledby="setup-calls">
      <h2 id="setup-calls">{t('admin.callsTitle')}</h2>
      <form class="admin-form" onSubmit={(e) => void save(e)}>
        <label class="field">
          <span>{t('admin.callTransferTimeout')}</span>
          <input
            type="number"
            min="2"
            max="600"
            value={sec() ?? settings()?.transferTimeoutSec ?? ''}
            onInput={(e) => setSec(Number(e.currentTarget.value))}
          />
        </label>
        <button type="submit" class="btn btn-small">
          {t('setup.save')}
        </button>
      </form>
    </section>
  )
}
