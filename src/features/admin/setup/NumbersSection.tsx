/**
 * Admin: virtual numbers (issue 13 §2, SPEC C1) — the number, its name and source ("Sales ·
 * website"), and the group or employee it rings. A retarget rules the next call at once.
 */
import { createResource, createSignal, For, Show } from 'solid-js'
import type { VirtualNumberInput, VirtualNumberView } from '../../../../contract/admin-setup.ts'
import './setup.css'
import { api, errorText } from '../../../lib/api/index.ts'
import { t } from '../../../lib/i18n/index.ts'
import { ConfirmDialog, toast } from '../../../lib/ui/index.ts'
import { loadPhoneFormat } from '../../calls/index.ts'

/** The Virtual numbers screen. */
export function NumbersSection() {
  const [numbers, { refetch }] = createResource(() => api('GET /api/admin/numbers'))
  const [groups] = createResource(() => api('GET /api/admin/groups'))
  const [staff] = createResource(() => api('GET /api/contacts/employees'))
  // Probe 13 UI #3: numbers read aloud the way the app shows them everywhere ("+7 495 123-45-67").
  const [phoneFormat] = createResource(loadPhoneFormat)
  const shown = (n: string) => phoneFormat()?.formatPhone(n) ?? n
  const [editing, setEditing] = createSignal<{ id: string | null; input: VirtualNumberInput } | null>(null)

  const targetName = (n: VirtualNumberView) => {
    const tg = n.target
    if (!tg) return t('common.none')
    return tg.kind === 'group'
      ? (groups()?.groups.find((g) => g.id === tg.id)?.name ?? '…')
      : (staff()?.find((e) => e.id === tg.id)?.name ?? '…')
  }
  const open = (n: VirtualNumberView | null) => {
    const firstGroup = groups()?.groups[0]?.id ?? ''
    setEditing(
      n
        ? {
            id: n.id,
            input: {
              number: n.number,
              name: n.name,
              source: n.source,
              target: n.target ?? { kind: 'group', id: firstGroup },
            },
          }
        : {
            id: null,
            input: { number: '', name: '', source: '', target: { kind: 'group', id: firstGroup } },
          },
    )
  }

  return (
    <section class="card" aria-labelledby="setup-numbers">
      <h2 id="setup-numbers">{t('setup.numbers.title')}</h2>
      <Show when={!numbers.error} fallback={<p class="muted">{errorText(numbers.error)}</p>}>
        <ul class="list">
          <For each={numbers()?.numbers ?? []}>
            {(n) => (
              <li class="row row-wrap">
                <span class="row-main">
                  <span class="row-title" data-testid="number-shown">
                    {shown(n.number)}
                  </span>
                  <span class="row-sub">
                    {[n.name, n.source].filter(Boolean).join(' · ') || t('common.none')} → {targetName(n)}
                  </span>
                </span>
                <button
                  type="button"
                  class="btn btn-small"
                  aria-label={t('setup.editNamed', { name: n.number })}
                  onClick={() => open(n)}
                >
                  {t('setup.edit')}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show
        when={editing()}
        fallback={
          <button type="button" class="btn" onClick={() => open(null)}>
            {t('setup.numbers.add')}
          </button>
        }
      >
        {(e) => (
          <NumberEditor
            id={e().id}
            input={e().input}
            groups={groups()?.groups ?? []}
            staff={staff() ?? []}
            onDone={() => {
              setEditing(null)
              void refetch()
            }}
          />
        )}
      </Show>
    </section>
  )
}

function NumberEditor(props: {
  id: string | null
  input: VirtualNumberInput
  groups: { id: string; name: string; extension: string }[]
  staff: { id: string; name: string; extension: string }[]
  onDone: () => void
}) {
  const [input, setInput] = createSignal<VirtualNumberInput>(props.input)
  const [confirm, setConfirm] = createSignal(false)
  const set = (patch: Partial<VirtualNumberInput>) => setInput({ ...input(), ...patch })
  const save = async (ev: Event) => {
    ev.preventDefault()
    try {
      if (props.id) await api('PUT /api/admin/numbers/:id', { params: { id: props.id }, body: input() })
      else await api('POST /api/admin/numbers', { body: input() })
      toast(t('setup.saved'))
      props.onDone()
    } catch (e) {
      toast(errorText(e), 'error')
    }
  }
  const remove = async () => {
    setConfirm(false)
    if (!props.id) return
    try {
      await api('DELETE /api/admin/numbers/:id', { params: { id: props.id } })
      toast(t('setup.deleted'))
      props.onDone()
    } catch (e) {
      toast(errorText(e), 'error')
    }
  }
  const targetValue = () => `${input().target.kind}:${input().target.id}`

  return (
    <form class="admin-form" aria-labelledby="setup-number-form" onSubmit={(e) => void save(e)}>
      <h3 id="setup-number-form">
        {props.id
          ? t('setup.numbers.editTitle', { number: props.input.number })
          : t('setup.numbers.newTitle')}
      </h3>
      <label class="field">
        <span>{t('setup.numbers.number')}</span>
        <input
          value={input().number}
          inputMode="tel"
          required
          placeholder="+7 495 000-00-00"
          onInput={(e) => set({ number: e.currentTarget.value })}
        />
      </label>
      <label class="field">
        <span>{t('setup.name')}</span>
        <input value={input().name} maxLength={60} onInput={(e) => set({ name: e.currentTarget.value })} />
      </label>
      <label class="field">
        <span>{t('setup.numbers.source')}</span>
        <input
          value={input().source}
          maxLength={60}
          onInput={(e) => set({ source: e.currentTarget.value })}
        />
      </label>
      <label class="field">
        <span>{t('setup.numbers.target')}</span>
        <select
          onChange={(e) => {
            const [kind, id] = e.currentTarget.value.split(':') as ['group' | 'employee', string]
            set({ target: { kind, id } })
          }}
        >
          <optgroup label={t('setup.numbers.groups')}>
            <For each={props.groups}>
              {(g) => (
                <option value={`group:${g.id}`} selected={targetValue() === `group:${g.id}`}>
                  {`${g.name} · ${g.extension}`}
                </option>
              )}
            </For>
          </optgroup>
          <optgroup label={t('setup.numbers.employees')}>
            <For each={props.staff}>
              {(s) => (
                <option value={`employee:${s.id}`} selected={targetValue() === `employee:${s.id}`}>
                  {`${s.name} · ${s.extension}`}
                </option>
              )}
            </For>
          </optgroup>
        </select>
      </label>
      <div class="admin-actions">
        <button type="submit" class="btn">
          {t('setup.save')}
        </button>
        <button type="button" class="btn btn-ghost" onClick={() => props.onDone()}>
          {t('common.cancel')}
        </button>
        <Show when={props.id}>
          <button type="button" class="btn btn-danger" onClick={() => setConfirm(true)}>
            {t('setup.delete')}
          </button>
        </Show>
      </div>
      <Show when={confirm()}>
        <ConfirmDialog
          title={t('setup.numbers.deleteTitle', { number: input().number })}
          text={t('setup.numbers.deleteText')}
          ok={t('setup.delete')}
          onOk={() => void remove()}
          danger
          onCancel={() => setConfirm(false)}
        />
      </Show>
    </form>
  )
}
