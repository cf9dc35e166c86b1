/**
 * SPEC S4: the workload report — each employee's time in each status over a period, as a table and a
 * chart (hours per day stacked by status), exportable as CSV (csv.ts: BOM, quoting, no formulas).
 */
import { A } from '@solidjs/router'
import { createEffect, createResource, createSignal, For, onCleanup, Show } from 'solid-js'
import { api, errorText } from '../../lib/api/index.ts'
import { fmtDate, t } from '../../lib/i18n/index.ts'
import { matrix, statusColor, statusName } from '../status/index.ts'
import { drawWorkload } from './chart.ts'
import { toCsv } from './csv.ts'
import { csvRows, fmtDuration, reportStatuses, stackedDays } from './report-view.ts'
import './supervisor.css'

const DAY = 86_400_000
/** A local date (yyyy-mm-dd) as the instant its day starts. */
const dayStart = (d: string) => new Date(`${d}T00:00:00`)
const isoDay = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`

/** The workload report screen. */
export default function WorkloadPage() {
  const today = new Date()
  const [from, setFrom] = createSignal(isoDay(new Date(today.getTime() - 6 * DAY)))
  const [to, setTo] = createSignal(isoDay(today))
  const [who, setWho] = createSignal<string>('')
  const period = () => ({
    from: dayStart(from()).toISOString(),
    // The "to" day is included: the period ends at the start of the day after it.
    to: new Date(dayStart(to()).getTime() + DAY).toISOString(),
  })
  const [report] = createResource(period, (q) => api('GET /api/supervisor/workload', { query: q }))
  const statuses = () => {
    const r = report()
    return r
      ? reportStatuses(
          r,
          matrix().map((s) => s.id),
        )
      : []
  }
  const total = (totals: Record<string, number>) => Object.values(totals).reduce((a, b) => a + b, 0)

  let chartEl: HTMLDivElement | undefined
  let undraw: (() => void) | undefined
  createEffect(() => {
    const r = report()
    undraw?.()
    undraw = undefined
    if (!r || !chartEl) return
    const list = statuses()
    const { x, series } = stackedDays(r, list, who() || null)
    undraw = drawWorkload(
      chartEl,
      x,
      list.map((s, i) => ({ label: statusName(s), color: statusColor(s), values: series[i] ?? [] })),
      t('super.chart'),
      {
        hours: t('super.hoursUnit'),
        day: (sec) => fmtDate(sec * 1000, { day: '2-digit', month: '2-digit' }),
      },
    )
  })
  onCleanup(() => undraw?.())

  const exportCsv = () => {
    const r = report()
    if (!r) return
    const text = toCsv(
      csvRows(r, statuses(), { employee: t('super.employee'), total: t('super.total'), status: statusName }),
    )
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }))
    const a = document.createElement('a')
    a.href = url
    a.download = `workload-${from()}-${to()}.csv`
    a.click()
    setTimeout(() => URL.revokeObjectURL(url), 1000)
  }

  return (
    <div class="page">
      <h1 class="page-heading">{t('super.report')}</h1>
      <A href="/supervisor" class="row-sub">
        {t('super.title')}
      </A>
      <section class="card super-filters" aria-label={t('super.report')}>
        <label class="field">
          <span>{t('super.from')}</span>
          <input type="date" value={from()} onChange={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('super.to')}</span>
          <input type="date" value={to()} onChange={(e) => setTo(e.currentTarget.value)} />
        </label>
        {/* The date fields speak the browser's locale; the period in the app's language, in words. */}
        <p class="muted small super-period" data-testid="period-words">
          {t('super.period', {
            from: fmtDate(dayStart(from()), { dateStyle: 'medium' }),
            to: fmtDate(dayStart(to()), { dateStyle: 'medium' }),
          })}
        </p>
        <button type="button" class="btn btn-small" disabled={!report()} onClick={exportCsv}>
          {t('super.export')}
        </button>
      </section>
      <Show when={report.error}>
        <p class="error">{errorText(report.error)}</p>
      </Show>
      <section class="card super-scroll" aria-label={t('super.report')}>
        <table class="super-table" data-testid="workload">
          <thead>
            <tr>
              <th scope="col">{t('super.employee')}</th>
              <For each={statuses()}>
                {(s) => (
                  <th scope="col" class="num">
                    {statusName(s)}
                  </th>
                )}
              </For>
              <th scope="col" class="num">
                {t('super.total')}
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={report()?.rows ?? []}>
              {(r) => (
                <tr data-testid="workload-row" data-employee={r.employeeId}>
                  <th scope="row">{r.name}</th>
                  <For each={statuses()}>
                    {(s) => (
                      <td class="num" data-status={s}>
                        {fmtDuration(r.totals[s] ?? 0)}
                      </td>
                    )}
                  </For>
                  <td class="num">{fmtDuration(total(r.totals))}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </section>
      <section class="card" aria-label={t('super.chart')}>
        <label class="field">
          <span>{t('super.chartFor')}</span>
          <select onChange={(e) => setWho(e.currentTarget.value)}>
            <option value="">{t('super.everyone')}</option>
            <For each={report()?.rows ?? []}>{(r) => <option value={r.employeeId}>{r.name}</option>}</For>
          </select>
        </label>
        <div class="super-chart" ref={chartEl} data-testid="workload-chart" />
      </section>
    </div>
  )
}
