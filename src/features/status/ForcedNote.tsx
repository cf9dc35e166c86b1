/**
 * SPEC S3: a status a supervisor set stays said under the header — who and when — until the operator
 * changes it himself (the live toast alone is gone in seconds; an operator away from the screen must
 * still learn why calls stopped). Read from the profile (GET /api/me `statusSetBy`), so it survives a
 * reload and reaches every device.
 */
import { Show } from 'solid-js'
import { fmtDate, t } from '../../lib/i18n/index.ts'
import { me } from '../../lib/session/index.ts'
import { openStatusPicker } from './picker.ts'
import { statusColor, statusName } from './statuses.ts'

/** "Status Break set by Dmitry Orlov at 21:48 · Change"; nothing while the status is my own choice. */
export function ForcedStatusNote() {
  const setBy = () => me()?.statusSetBy ?? null
  return (
    <Show when={setBy()}>
      {(s) => (
        <p class="forced-note" data-testid="status-forced-note">
          <span class="dot" style={{ background: statusColor(me()?.status ?? '') }} aria-hidden="true" />
          <span class="forced-note-text">
            {t('status.forcedNote', {
              name: statusName(me()?.status ?? ''),
              by: s().name,
              time: fmtDate(s().at, { hour: '2-digit', minute: '2-digit' }),
            })}
          </span>
          <button type="button" class="btn btn-ghost forced-note-change" onClick={openStatusPicker}>
            {t('status.change')}
          </button>
        </p>
      )}
    </Show>
  )
}
