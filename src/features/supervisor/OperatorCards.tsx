/**
 * S3 on a phone (probe 12 UI #11): the operators' table was 781 px wide in a 360 px screen — the
 * status select cut, time in status, calls and chats off-screen. On a narrow screen each employee is a
 * card: name and extension, the status select at full width, then time in status, calls and chats.
 */
import { createSignal, For, onCleanup, Show } from 'solid-js'
import type { OperatorLive } from '../../../contract/supervisor.ts'
import { t } from '../../lib/i18n/index.ts'
import { matrix, statusColor, statusName } from '../status/index.ts'

/** The width below which the table does not fit (the app column is 640 px wide). */
const NARROW = '(max-width: 640px)'

/** True while the screen is narrow (a phone); follows rotation and resizing. */
export function createNarrow(): () => boolean {
  const mq = typeof matchMedia === 'function' ? matchMedia(NARROW) : null
  const [narrow, setNarrow] = createSignal(mq?.matches ?? false)
  const on = (e: MediaQueryListEvent) => setNarrow(e.matches)
  mq?.addEventListener('change', on)
  onCleanup(() => mq?.removeEventListener('change', on))
  return narrow
}

/** One employee's status, which the supervisor may set (S3), with its colour dot. */
export function StatusSelect(props: { o: OperatorLive; onForce: (status: string) => void }) {
  return (
    <span class="super-status">
      <span class="super-dot" style={{ background: statusColor(props.o.status) }} aria-hidden="true" />
      <select
        aria-label={t('super.force', { name: props.o.name })}
        value={props.o.status}
        onChange={(e) => props.onForce(e.currentTarget.value)}
      >
        <For each={matrix()}>
          {(s) => (
            <option value={s.id} selected={s.id === props.o.status}>
              {statusName(s.id)}
            </option>
          )}
        </For>
      </select>
    </span>
  )
}

/** The operators as cards (a phone). */
export function OperatorCards(props: {
  rows: OperatorLive[]
  inStatus: (o: OperatorLive) => string
  onForce: (o: OperatorLive, status: string) => void
}) {
  return (
    <ul class="super-cards" data-testid="operators">
      <For each={props.rows}>
        {(o) => (
          <li class="card super-card" data-testid="operator-row" data-employee={o.id}>
            <p class="super-card-name">
              <span dir="auto">{o.name}</span>
              <span class="row-sub"> · {o.extension}</span>
            </p>
            <StatusSelect o={o} onForce={(s) => props.onForce(o, s)} />
            <Show when={o.setByName}>
              <span class="row-sub">{t('super.setBy', { by: o.setByName ?? '' })}</span>
            </Show>
            <dl class="super-card-stats">
              <div>
                <dt>{t('super.time')}</dt>
                <dd data-testid="in-status">{props.inStatus(o)}</dd>
              </div>
              <div>
                <dt>{t('super.calls')}</dt>
                <dd data-testid="calls-today">{o.calls}</dd>
              </div>
              <div>
                <dt>{t('super.chats')}</dt>
                <dd data-testid="chats-today">{o.chats}</dd>
              </div>
            </dl>
          </li>
        )}
      </For>
    </ul>
  )
}
