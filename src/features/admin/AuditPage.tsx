/**
 * The audit log (issue 13): every admin change as time, actor, action, entity and what changed
 * (before → after), newest first; filtered by entity, actor and period. Values are shown as text.
 */
import { createResource, createSignal, For, Show } from 'solid-js'
import type { AuditEntryView } from '../../../contract/admin.ts'
import { api, errorText } from '../../lib/api/index.ts'
import { fmtDate, lang, t } from '../../lib/i18n/index.ts'
import { actionText, changeItems, subjectName } from './audit-view.ts'
import './admin.css'

const ENTITIES = [
  'employee',
  'group',
  'virtual_number',
  'statuses',
  'settings',
  'tenant',
  'channel',
  'template',
  'crm',
  'contacts',
  'sip_gateway',
] as const

/** Period bounds from the date inputs (local days, the "to" day included). */
const dayStart = (d: string) => (d ? new Date(`${d}T00:00:00`).toISOString() : undefined)
const dayAfter = (d: string) =>
  d ? new Date(new Date(`${d}T00:00:00`).getTime() + 86_400_000).toISOString() : undefined

/** The Audit log section. */
export default function AuditPage() {
  const [entity, setEntity] = createSignal('')
  const [actorId, setActorId] = createSignal('')
  const [from, setFrom] = createSignal('')
  const [to, setTo] = createSignal('')
  const [more, setMore] = createSignal<AuditEntryView[]>([])
  const [next, setNext] = createSignal<string | null>(null)
  const [people] = createResource(() => api('GET /api/admin/employees'))
  const [groups] = createResource(() => api('GET /api/admin/groups'))
  const names = () =>
    new Map([
      ...(people()?.employees ?? []).map((p) => [p.id, p.name] as const),
      ...(groups()?.groups ?? []).map((g) => [g.id, g.name] as const),
    ])
  const context = () => ({ names: names(), lang: lang() })
  const filters = () => ({
    ...(entity() ? { entity: entity() } : {}),
    ...(actorId() ? { actorId: actorId() } : {}),
    ...(from() ? { from: dayStart(from()) } : {}),
    ...(to() ? { to: dayAfter(to()) } : {}),
  })
  const [page] = createResource(filters, async (f) => {
    setMore([])
    const p = await api('GET /api/admin/audit', { query: f })
    setNext(p.next)
    return p
  })
  const loadMore = async () => {
    const before = next()
    if (!before) return
    const p = await api('GET /api/admin/audit', { query: { ...filters(), before } })
    setMore([...more(), ...p.entries])
    setNext(p.next)
  }
  const entries = () => [...(page()?.entries ?? []), ...more()]

  return (
    <>
      <section class="card admin-filters" aria-label={t('admin.auditFilters')}>
        <label class="field">
          <span>{t('admin.auditEntity')}</span>
          <select onChange={(e) => setEntity(e.currentTarget.value)}>
            <option value="">{t('admin.all')}</option>
            <For each={ENTITIES}>{(x) => <option value={x}>{t(`admin.entity.${x}`)}</option>}</For>
          </select>
        </label>
        <label class="field">
          <span>{t('admin.auditActor')}</span>
          <select onChange={(e) => setActorId(e.currentTarget.value)}>
            <option value="">{t('admin.all')}</option>
            <For each={people()?.employees ?? []}>{(p) => <option value={p.id}>{p.name}</option>}</For>
          </select>
        </label>
        <label class="field">
          <span>{t('admin.auditFrom')}</span>
          <input type="date" value={from()} onChange={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('admin.auditTo')}</span>
          <input type="date" value={to()} onChange={(e) => setTo(e.currentTarget.value)} />
        </label>
      </section>
      <Show when={page.error}>
        <p class="error">{errorText(page.error)}</p>
      </Show>
      <section class="card" aria-label={t('admin.audit')}>
        <Show when={page() && entries().length === 0}>
          <p class="muted">{t('admin.auditEmpty')}</p>
        </Show>
        <ul class="admin-entries" data-testid="audit-list">
          <For each={entries()}>
            {(e) => (
              <li class="admin-entry">
                <span class="admin-entry-head">
                  <span class="row-title">{actionText(e.action, t)}</span>
                  <time class="row-sub" dateTime={e.at}>
                    {fmtDate(e.at, { dateStyle: 'short', timeStyle: 'short' })}
                  </time>
                </span>
                <Show when={subjectName(e, names())}>
                  <span class="admin-entry-subject">{subjectName(e, names())}</span>
                </Show>
                <span class="row-sub">{e.actorName || t('admin.platform')}</span>
                <Show when={changeItems(e, t, context()).length > 0}>
                  <ul class="admin-change">
                    <For each={changeItems(e, t, context())}>
                      {(c) => (
                        <li>
                          <span class="admin-change-label">{c.label}:</span> {c.text}
                        </li>
                      )}
                    </For>
                  </ul>
                </Show>
              </li>
            )}
          </For>
        </ul>
        <Show when={next()}>
          <button type="button" class="btn btn-small" onClick={() => void loadMore()}>
            {t('admin.more')}
          </button>
        </Show>
      </section>
    </>
  )
}
