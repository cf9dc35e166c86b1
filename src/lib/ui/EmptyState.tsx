/** An honest "not here yet" screen: says which update brings the feature, shows no fake data. */
import type { MessageKey } from '../i18n/index.ts'
import { t } from '../i18n/index.ts'
import { Icon, type IconName } from './icons.tsx'

/** Empty state with title, headline and hint. */
export function EmptyState(props: {
  title: MessageKey
  headline: MessageKey
  hint: MessageKey
  icon: IconName
}) {
  return (
    <div class="page">
      <h1 class="visually-hidden">{t(props.title)}</h1>
      <div class="empty">
        <span class="empty-icon">
          <Icon name={props.icon} size={40} />
        </span>
        <p class="empty-title">{t(props.headline)}</p>
        <p class="muted">{t(props.hint)}</p>
      </div>
    </div>
  )
}
