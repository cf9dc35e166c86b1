/** A status dot that also says the status in text (colour alone is not accessible). */
import { t } from '../../lib/i18n/index.ts'
import { statusColor, statusName } from '../status/index.ts'

/** Coloured dot + visible status name. */
export function StatusDot(props: { status: string; online: boolean }) {
  return (
    <span class="status-tag" title={t('contacts.statusDot', { name: statusName(props.status) })}>
      <span class="dot" style={{ background: props.online ? statusColor(props.status) : '#b8bcc4' }} />
      <span>{statusName(props.status)}</span>
    </span>
  )
}
