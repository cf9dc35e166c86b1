/** A status dot that also says the status in text (colour alone is not accessible). */
import type { EmployeeView } from '../../../contract/api.ts'
import { t } from '../../lib/i18n/index.ts'
import { statusColor, statusName } from '../status/index.ts'

/**
 * Coloured dot + visible label: what routing knows (S1, contract/presence.ts) — "On a call",
 * "Offline" — or else the chosen status's own name. Grey when the colleague cannot be reached.
 */
export function StatusDot(props: { status: string; online: boolean; presence?: EmployeeView['presence'] }) {
  const label = () => (props.presence?.labelKey ? t(props.presence.labelKey) : statusName(props.status))
  const lit = () => props.online && props.presence?.state !== 'offline'
  // Busy colleagues must not look like free ones: their own colour, not the status's green.
  const colour = () =>
    props.presence?.state === 'on_call'
      ? '#d93f3f'
      : props.presence?.state === 'ringing'
        ? '#e59a1a'
        : lit()
          ? statusColor(props.status)
          : '#b8bcc4'
  return (
    <span
      class="status-tag"
      data-presence={props.presence?.state}
      title={t('contacts.statusDot', { name: label() })}
    >
      <span class="dot" style={{ background: colour() }} />
      <span>{label()}</span>
    </span>
  )
}
