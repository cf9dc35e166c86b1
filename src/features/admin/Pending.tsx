/** A section whose screen is not built yet: said honestly, no fake data. */
import { t } from '../../lib/i18n/index.ts'

/** Placeholder of a section. */
export default function Pending() {
  return <p class="muted card">{t('admin.pending')}</p>
}
