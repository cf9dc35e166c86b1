/** "Update available — Reload" (SPEC A6). */
import { Show } from 'solid-js'
import { t } from '../lib/i18n/index.ts'
import { applyUpdate, updateReady } from './pwa.ts'

/** Banner shown while a new version waits. */
export function UpdatePrompt() {
  return (
    <Show when={updateReady()}>
      <div class="update" role="status">
        <span>{t('update.available')}</span>
        <button type="button" class="btn btn-small" onClick={applyUpdate}>
          {t('update.reload')}
        </button>
      </div>
    </Show>
  )
}
