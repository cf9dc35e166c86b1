/**
 * Admin: the status matrix (SPEC S1/S2) — add, rename, recolour statuses and toggle each column.
 * The server keeps it sane (a status that takes calls, no status in use removed, Off work stays);
 * saved, every app and the next routed call follow it at once (`statuses.updated`).
 * The draft is a store keyed by status id, so an edit changes one field in place: the card and the
 * focused input stay (a re-created card would drop the focus and what was being typed).
 */
import { type BeforeLeaveEventArgs, useBeforeLeave } from '@solidjs/router'
import { createEffect, createResource, createSignal, For, onCleanup, Show } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import { STATUS_ABILITIES, type StatusAbility, type StatusDef } from '../../../../contract/status.ts'
import './setup.css'
import { ApiError, api, errorText } from '../../../lib/api/index.ts'
import { lang, type MessageKey, t, tIn } from '../../../lib/i18n/index.ts'
import { ConfirmDialog, toast } from '../../../lib/ui/index.ts'
import { statusesInUse } from './statuses-in-use.ts'

const ABILITY_LABEL: Record<StatusAbility, MessageKey> = {
  softphoneIn: 'setup.ability.softphoneIn',
  mobileIn: 'setup.ability.mobileIn',
  outgoing: 'setup.ability.outgoing',
  chats: 'setup.ability.chats',
  workingTime: 'setup.ability.workingTime',
  nonWorkingTime: 'setup.ability.nonWorkingTime',
}

type NameLang = 'ru' | 'en'

/** Which names are missing: `${id}:${lang}`. */
export function emptyNames(matrix: readonly StatusDef[]): Set<string> {
  const out = new Set<string>()
  for (const s of matrix)
    for (const l of ['ru', 'en'] as const) if (!s.name[l].trim()) out.add(`${s.id}:${l}`)
  return out
}

/** The warnings of a matrix the server would accept but that leaves operators unable to work. */
export function matrixWarnings(matrix: readonly StatusDef[]): MessageKey[] {
  const out: MessageKey[] = []
  if (!matrix.some((s) => s.allows.chats)) out.push('setup.statuses.warnNoChats')
  if (!matrix.some((s) => s.allows.softphoneIn)) out.push('setup.statuses.warnNoSoftphone')
  return out
}

/** The two time columns say nothing by their names alone: a one-line hint under each (SPEC S1, the seed's Workload). */
const ABILITY_HINT: Partial<Record<StatusAbility, MessageKey>> = {
  workingTime: 'setup.ability.workingTimeHint',
  nonWorkingTime: 'setup.ability.nonWorkingTimeHint',
}

/** A new status: its Russian name in Russian, its English name in English. */
export function newStatus(): StatusDef {
  return {
    id: `s${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
    name: { ru: tIn('ru', 'setup.statuses.newName'), en: tIn('en', 'setup.statuses.newName') },
    color: '#4a90d9',
    allows: {
      softphoneIn: false,
      mobileIn: false,
      outgoing: false,
      chats: false,
      workingTime: true,
      nonWorkingTime: false,
    },
  }
}

/** The statuses screen: one card per status, its columns as switches. */
export function StatusesSection() {
  const [saved, { refetch }] = createResource(() => api('GET /api/statuses'))
  const [rows, setRows] = createStore<StatusDef[]>([])
  const [dirty, setDirty] = createSignal(false)
  const [checked, setChecked] = createSignal(false)
  const [error, setError] = createSignal('')
  const [removing, setRemoving] = createSignal<StatusDef | null>(null)
  const reset = () => {
    const m = saved()?.matrix
    if (m) setRows(reconcile(structuredClone(m), { key: 'id' }))
    setDirty(false)
    setChecked(false)
    setError('')
  }
  createEffect(() => {
    if (saved() && !dirty()) reset()
  })
  const touch = () => {
    setDirty(true)
    setError('')
  }
  const setName = (id: string, l: NameLang, v: string) => {
    setRows((s) => s.id === id, 'name', l, v)
    touch()
  }
  const missing = () => (checked() ? emptyNames(rows) : new Set<string>())
  const save = async () => {
    setChecked(true)
    if (emptyNames(rows).size > 0) {
      setError(t('setup.statuses.fixNames'))
      return
    }
    try {
      await api('PUT /api/statuses', { body: { matrix: JSON.parse(JSON.stringify(rows)) as StatusDef[] } })
      toast(t('setup.saved'))
      setDirty(false)
      await refetch()
    } catch (e) {
      // A removed status someone holds: its card comes back (the rest of the draft stays) and the
      // screen says who holds it (probe 13 UI #5).
      if (e instanceof ApiError && e.code === 'E_STATUS_IN_USE') {
        const held = statusesInUse(e.details)
        const back = (saved()?.matrix ?? []).filter((x) => held.has(x.id) && !rows.some((r) => r.id === x.id))
        for (const x of back) setRows(rows.length, structuredClone(x))
        const lines = [...held].map(([id, names]) => {
          const def = saved()?.matrix.find((x) => x.id === id)
          return t('setup.statuses.inUse', { status: def ? label(def) : id, names: names.join(', ') || '—' })
        })
        setError([...lines, t('setup.statuses.inUseFix')].join(' '))
        return
      }
      // Shown in the section, next to the buttons — never over them.
      setError(errorText(e))
    }
  }
  const label = (s: StatusDef) => s.name[lang()] || s.name.en || s.name.ru

  // Unsaved edits are not dropped without a word: a reload/close asks (beforeunload), leaving the
  // screen in the app asks in our dialog (probe 13 UI #6).
  const onUnload = (e: BeforeUnloadEvent) => {
    if (!dirty()) return
    e.preventDefault()
    e.returnValue = ''
  }
  addEventListener('beforeunload', onUnload)
  onCleanup(() => removeEventListener('beforeunload', onUnload))
  const [leaving, setLeaving] = createSignal<BeforeLeaveEventArgs | null>(null)
  useBeforeLeave((e) => {
    if (!dirty() || e.defaultPrevented) return
    e.preventDefault()
    setLeaving(e)
  })

  const nameField = (s: StatusDef, l: NameLang) => {
    const errId = `st-${s.id}-${l}-err`
    const bad = () => missing().has(`${s.id}:${l}`)
    return (
      <label class="field">
        <span>{t(l === 'ru' ? 'setup.statuses.nameRu' : 'setup.statuses.nameEn')}</span>
        <input
          value={s.name[l]}
          maxLength={40}
          aria-invalid={bad()}
          aria-describedby={bad() ? errId : undefined}
          onInput={(e) => setName(s.id, l, e.currentTarget.value)}
        />
        <Show when={bad()}>
          <span class="field-error" id={errId}>
            {t('setup.statuses.nameRequired')}
          </span>
        </Show>
      </label>
    )
  }

  return (
    <section class="card" aria-labelledby="setup-statuses">
      <h2 id="setup-statuses">{t('setup.statuses.title')}</h2>
      <Show when={!saved.error} fallback={<p class="muted">{errorText(saved.error)}</p>}>
        <For each={rows}>
          {(s) => (
            <fieldset class="setup-status" aria-label={label(s)}>
              <legend>
                <span class="status-swatch" style={{ background: s.color }} aria-hidden="true" /> {label(s)}
              </legend>
              {nameField(s, 'ru')}
              {nameField(s, 'en')}
              <label class="field setup-color">
                <span>{t('setup.statuses.color')}</span>
                <span class="setup-color-row">
                  <span
                    class="status-swatch status-swatch-big"
                    style={{ background: s.color }}
                    aria-hidden="true"
                  />
                  <input
                    type="color"
                    value={s.color}
                    onInput={(e) => {
                      setRows((x) => x.id === s.id, 'color', e.currentTarget.value)
                      touch()
                    }}
                  />
                </span>
              </label>
              <For each={STATUS_ABILITIES}>
                {(a) => (
                  <label class="switch">
                    <input
                      type="checkbox"
                      role="switch"
                      checked={s.allows[a]}
                      aria-checked={s.allows[a]}
                      aria-label={t('setup.statuses.toggle', {
                        status: label(s),
                        column: t(ABILITY_LABEL[a]),
                      })}
                      onChange={(e) => {
                        setRows((x) => x.id === s.id, 'allows', a, e.currentTarget.checked)
                        touch()
                      }}
                    />
                    <span class="switch-text">
                      <span>{t(ABILITY_LABEL[a])}</span>
                      <Show when={ABILITY_HINT[a]}>{(h) => <span class="muted small">{t(h())}</span>}</Show>
                    </span>
                  </label>
                )}
              </For>
              <button
                type="button"
                class="btn btn-small btn-ghost btn-danger"
                aria-label={t('setup.statuses.remove', { status: label(s) })}
                onClick={() => setRemoving({ ...s })}
              >
                {t('setup.delete')}
              </button>
            </fieldset>
          )}
        </For>
      </Show>
      <For each={matrixWarnings(rows)}>
        {(k) => (
          <p class="setup-warning" role="status">
            {t(k)}
          </p>
        )}
      </For>
      <Show when={error()}>
        <p class="setup-error" role="alert">
          {error()}
        </p>
      </Show>
      <div class="admin-actions setup-savebar" classList={{ 'setup-savebar-dirty': dirty() }}>
        <Show when={dirty()}>
          <span class="setup-unsaved" role="status">
            {t('setup.statuses.unsaved')}
          </span>
        </Show>
        <button
          type="button"
          class="btn btn-ghost"
          onClick={() => {
            setRows(rows.length, newStatus())
            touch()
          }}
        >
          {t('setup.statuses.add')}
        </button>
        <button type="button" class="btn" disabled={!dirty()} onClick={() => void save()}>
          {t('setup.statuses.save')}
        </button>
        <Show when={dirty()}>
          <button type="button" class="btn btn-ghost" onClick={reset}>
            {t('common.cancel')}
          </button>
        </Show>
      </div>
      <Show when={leaving()}>
        {(e) => (
          <ConfirmDialog
            title={t('setup.statuses.leaveTitle')}
            text={t('setup.statuses.leaveText')}
            ok={t('setup.statuses.leaveOk')}
            danger
            onCancel={() => setLeaving(null)}
            onOk={() => {
              const leave = e() // read before the dialog's Show closes (a stale read after it throws)
              setLeaving(null)
              setDirty(false)
              leave.retry(true)
            }}
          />
        )}
      </Show>
      <Show when={removing()}>
        {(r) => (
          <ConfirmDialog
            title={t('setup.statuses.removeTitle', { status: label(r()) })}
            text={t('setup.statuses.removeText')}
            ok={t('setup.delete')}
            danger
            onCancel={() => setRemoving(null)}
            onOk={() => {
              const id = r().id
              setRemoving(null)
              setRows((l) => l.filter((x) => x.id !== id))
              touch()
            }}
          />
        )}
      </Show>
    </section>
  )
}
