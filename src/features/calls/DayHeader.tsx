/** C8: the day a group of history rows belongs to — "Today", "Yesterday", or the date. */
import { fmtDate, t } from '../../lib/i18n/index.ts'
import type { HistoryItem } from './historyList.ts'

/** Height of a header row in the virtual list. */
export const DAY_HEADER_PX = 36

/** A day header row (a heading, so screen readers can jump between days). */
export function DayHeader(props: { item: HistoryItem }) {
  const text = () => {
    const i = props.item
    if (i.kind !== 'day') return ''
    if (i.rel) return t(i.rel === 'today' ? 'calls.today' : 'calls.yesterday')
    const [y, m, d] = i.day.split('-').map(Number)
    return fmtDate(new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1), { dateStyle: 'long' })
  }
  return (
    <h2 class="call-day" data-testid="call-day">
      {text()}
    </h2>
  )
}
