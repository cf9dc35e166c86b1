/**
 * SPEC S3: every employee's live status and how long he has been in it, today's calls and chats; the
 * supervisor may set anyone's status (the operator sees who did). Live: status changes come from the
 * change feed; calls and chats re-read the counts shortly after.
 */
import { A } from '@solidjs/router'
import { createResource, createSignal, For, onCleanup, Show } from 'solid-js'
import type { OperatorLive, OperatorsResponse } from '../../../contract/supervisor.ts'
import { api, errorText } from '../../lib/api/index.ts'
import { t } from '../../lib/i18n/index.ts'
import { registerEvents } from '../../lib/sync/index.ts'
import { toast } from '../../lib/ui/index.ts'
import { statusName } from '../status/index.ts'
import { createNarrow, OperatorCards, StatusSelect } from './OperatorCards.tsx'
import { fmtDuration } from './report-view.ts'
import './supervisor.css'

/** The start of the supervisor's own today. */
const localMidnight = () => {
  const d = new Date()
  d.setHours(0, 0, 0, 0)
  return d.toISOString()
}

/** The live operators screen. */
export default function SupervisorPage() {
  const [rows, setRows] = createSignal<OperatorLive[]>([])
  // The server's clock minus the device's: "time in status" counts from the server's start times.
  const [skew, setSkew] = createSignal(0)
  const [now, setNow] = createSignal(Date.now())
  const load = async (): Promise<OperatorsResponse> => {
    const r = await api('GET /api/supervisor/operators', { query: { since: localMidnight() } })
    setSkew(Date.parse(r.now) - Date.now())
    setRows(r.operators)
    return r
  }
  const [first] = createResource(load)
  const tick = setInterval(() => setNow(Date.now()), 1000)
  let soon: ReturnType<typeof setTimeout> | undefined
  const reloadSoon = () => {
    clearTimeout(soon)
    soon = setTimeout(() => void load().catch(() => undefined), 1000)
  }
  const off = registerEvents({
    owner: 'supervisor-screen',
    on: {
      'status.changed': {
        after: (ev) => {
          const p = ev.payload
          setRows((list) =>
            list.map((o) =>
              o.id === p.employeeId
                ? { ...o, status: p.status, since: p.at, setByName: p.byName ?? null }
                : o,
            ),
          )
        },
      },
      'call.updated': { after: reloadSoon },
      'chat.updated': { after: reloadSoon },
      'employee.updated': { after: reloadSoon },
    },
  })
  onCleanup(() => {
    off()
    clearInterval(tick)
    clearTimeout(soon)
  })

  const force = async (o: OperatorLive, status: string) => {
    if (status === o.status) return
    try {
      const r = await api('PUT /api/supervisor/operators/:id/status', {
        params: { id: o.id },
        body: { status },
      })
      setRows((list) => list.map((x) => (x.id === o.id ? { ...x, status: r.status, since: r.at } : x)))
      toast(t('super.forced', { name: o.name, status: statusName(r.status) }))
    } catch (e) {
      toast(errorText(e), 'error')
      void load().catch(() => undefined)
    }
  }
  const inStatus = (o: OperatorLive) => fmtDuration(Math.max(0, now() + skew() - Date.parse(o.since)))
  const narrow = createNarrow()

  return (
    <div class="page">
      <h1 class="page-heading">{t('super.title')}</h1>
      <A href="/supervisor/report" class="card row row-button" data-testid="workload-link">
        <span class="row-main">
          <span class="row-title">{t('super.report')}</span>
          <span class="row-sub">{t('super.reportHint')}</span>
        </span>
      </A>
      <Show when={first.error}>
        <p class="error">{errorText(first.error)}</p>
      </Show>
      <Show when={first() && rows().length === 0}>
        <p class="muted">{t('super.empty')}</p>
      </Show>
      <Show
        when={!narrow()}
        fallback={
          <section aria-label={t('super.title')}>
            <OperatorCards rows={rows()} inStatus={inStatus} onForce={(o, s) => void force(o, s)} />
          </section>
        }
      >
        <section class="card super-scroll" aria-label={t('super.title')}>
          <table class="super-table" data-testid="operators">
            <thead>
              <tr>
                <th scope="col">{t('super.employee')}</th>
                <th scope="col">{t('super.status')}</th>
                <th scope="col" class="num">
                  {t('super.time')}
                </th>
                <th scope="col" class="num">
                  {t('super.calls')}
                </th>
                <th scope="col" class="num">
                  {t('super.chats')}
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={rows()}>
                {(o) => (
                  <tr data-testid="operator-row" data-employee={o.id}>
                    <th scope="row">
                      {o.name}
                      <span class="row-sub"> · {o.extension}</span>
                    </th>
                    <td>
                      <StatusSelect o={o} onForce={(s) => void force(o, s)} />
                      <Show when={o.setByName}>
                        <span class="row-sub">{t('super.setBy', { by: o.setByName ?? '' })}</span>
                      </Show>
                    </td>
                    <td class="num" data-testid="in-status">
                      {inStatus(o)}
                    </td>
                    <td class="num" data-testid="calls-today">
                      {o.calls}
                    </td>
                    <td class="num" data-testid="chats-today">
                      {o.chats}
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </section>
      </Show>
    </div>
  )
}
