/**
 * The Leads section of the Requests tab (T11; UIS "Работа с заявками"): contacts a visitor left on
 * the site, not a conversation. Every employee sees every lead (no distribution); a new one shows
 * who may take it, a taken one by whom. Rows render from the mirror and open /requests/leads/:id.
 */
import { A } from '@solidjs/router'
import { Show } from 'solid-js'
import { fmtDate, t } from '../../lib/i18n/index.ts'
import type { LeadRow } from '../../lib/store/index.ts'
import { VirtualList } from '../../lib/ui/VirtualList.tsx'
import { displayText } from './text.ts'

/** What a lead's row says of its state. */
export function leadStateText(l: LeadRow): string {
  if (l.state === 'new') return t('leads.state.new')
  if (l.state === 'taken') return t('leads.state.taken', { name: l.takenByName ?? '' })
  return t('leads.state.completed')
}

function LeadListRow(props: { lead: LeadRow }) {
  const l = () => props.lead
  const name = () => displayText(l().name)
  return (
    <A
      href={`/requests/leads/${encodeURIComponent(l().id)}`}
      class={`row row-link chat-row lead-row lead-${l().state}`}
      aria-label={`${t('leads.open', { name: name() })}, ${leadStateText(l())}`}
    >
      <span class="initial" aria-hidden="true">
        {name().slice(0, 1).toUpperCase()}
      </span>
      <span class="row-main">
        <span class="row-title" dir="auto">
          {name()}
        </span>
        <span class="row-sub" dir="auto">
          {/* The phone first and whole; the e-mail and comment after it are cut when the row is short. */}
          <Show when={l().phone}>
            <span class="lead-phone">{l().phone}</span>
          </Show>
          <Show when={l().email}>
            {l().phone ? ' · ' : ''}
            {l().email}
          </Show>
          <Show when={l().comment}> · {displayText(l().comment)}</Show>
        </span>
        {/* The state on a line of its own: the phone above keeps the row's width. */}
        <span class={`small lead-state ${l().state === 'new' ? 'unread-text' : 'muted'}`}>
          {leadStateText(l())}
        </span>
      </span>
      <span class="chat-row-end">
        <time class="small muted" dateTime={l().createdAt}>
          {fmtDate(new Date(l().createdAt), { dateStyle: 'short', timeStyle: 'short' })}
        </time>
      </span>
    </A>
  )
}

/** The list, or why it is empty. */
export function LeadsList(props: { leads: LeadRow[] }) {
  return (
    <Show when={props.leads.length > 0} fallback={<p class="empty-small">{t('leads.none')}</p>}>
      <VirtualList items={props.leads} rowHeight={72} label={t('requests.tab.leads')}>
        {(l) => <LeadListRow lead={l} />}
      </VirtualList>
    </Show>
  )
}
