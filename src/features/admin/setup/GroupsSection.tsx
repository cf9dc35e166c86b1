/**
 * Admin: groups (issue 13 §2, SPEC C3) — members in ring order, strategy, ring time, whether the
 * group takes chats, extension. Saved edits rule the next call at once (routing reads them per call).
 */
import { createResource, createSignal, For, Show } from 'solid-js'
import {
  GROUP_STRATEGIES,
  type GroupAdminView,
  type GroupInput,
  type GroupStrategyName,
} from '../../../../contract/admin-setup.ts'
import './setup.css'
import { ApiError, api, errorText } from '../../../lib/api/index.ts'
import { lang, type MessageKey, t } from '../../../lib/i18n/index.ts'
import { ConfirmDialog, toast } from '../../../lib/ui/index.ts'
import { inUseMessage } from '../in-use-text.ts'

const STRATEGY_LABEL: Record<GroupStrategyName, MessageKey> = {
  parallel: 'setup.strategy.parallel',
  sequential: 'setup.strategy.sequential',
  round_robin: 'setup.strategy.round_robin',
  longest_idle: 'setup.strategy.longest_idle',
}

const EMPTY: GroupInput = {
  name: '',
  extension: '',
  strategy: 'parallel',
  ringTimeoutSec: 20,
  takesChats: true,
  memberIds: [],
}

/** The Groups screen: the list, and the editor of one group. */
export function GroupsSection() {
  const [groups, { refetch }] = createResource(() => api('GET /api/admin/groups'))
  const [staff] = createResource(() => api('GET /api/contacts/employees'))
  const [editing, setEditing] = createSignal<{ id: string | null; input: GroupInput } | null>(null)
  // A deactivated member is not in the staff list: named from the admin's list, marked (probe 13 UI #19).
  const [people] = createResource(() => api('GET /api/admin/employees'))
  const nameOf = (id: string) => {
    const active = staff()?.find((e) => e.id === id)
    if (active) return active.name
    const gone = people()?.employees.find((e) => e.id === id)
    return gone ? `${gone.name} (${t('admin.inactive')})` : '…'
  }

  const open = (g: GroupAdminView | null) => {
    if (!g) return setEditing({ id: null, input: { ...EMPTY } })
    const { id, ...input } = g
    setEditing({ id, input: { ...input, memberIds: [...input.memberIds] } })
  }

  return (
    <section class="card" aria-labelledby="setup-groups">
      <h2 id="setup-groups">{t('setup.groups.title')}</h2>
      <Show when={!groups.error} fallback={<p class="muted">{errorText(groups.error)}</p>}>
        <ul class="list">
          <For each={groups()?.groups ?? []}>
            {(g) => (
              <li class="row row-wrap">
                <span class="row-main">
                  <span class="row-title">
                    {g.name} · {g.extension}
                  </span>
                  <span class="row-sub">
                    {t(STRATEGY_LABEL[g.strategy])} · {t('setup.groups.members', { n: g.memberIds.length })}
                    {g.takesChats ? ` · ${t('setup.groups.chats')}` : ''}
                  </span>
                </span>
                <button
                  type="button"
                  class="btn btn-small"
                  aria-label={t('setup.editNamed', { name: g.name })}
                  onClick={() => open(g)}
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
            {t('setup.groups.add')}
          </button>
        }
      >
        {(e) => (
          <GroupEditor
            id={e().id}
            input={e().input}
            staff={staff() ?? []}
            nameOf={nameOf}
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

function GroupEditor(props: {
  id: string | null
  input: GroupInput
  staff: { id: string; name: string; extension: string }[]
  nameOf: (id: string) => string
  onDone: () => void
}) {
  const [input, setInput] = createSignal<GroupInput>(props.input)
  const [confirm, setConfirm] = createSignal(false)
  const set = (patch: Partial<GroupInput>) => setInput({ ...input(), ...patch })
  const move = (i: number, by: -1 | 1) => {
    const ids = [...input().memberIds]
    const j = i + by
    if (j < 0 || j >= ids.length) return
    ;[ids[i], ids[j]] = [ids[j] as string, ids[i] as string]
    set({ memberIds: ids })
  }
  const save = async (ev: Event) => {
    ev.preventDefault()
    try {
      if (props.id) await api('PUT /api/admin/groups/:id', { params: { id: props.id }, body: input() })
      else await api('POST /api/admin/groups', { body: input() })
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
      await api('DELETE /api/admin/groups/:id', { params: { id: props.id } })
      toast(t('setup.deleted'))
      props.onDone()
    } catch (e) {
      // E_GROUP_IN_USE names the numbers and channels that still use the group.
      toast(e instanceof ApiError ? inUseMessage(e.code, e.details, lang()) : errorText(e), 'error')
    }
  }
  const outside = () => props.staff.filter((s) => !input().memberIds.includes(s.id))

  return (
    <form class="admin-form" aria-labelledby="setup-group-form" onSubmit={(e) => void save(e)}>
      <h3 id="setup-group-form">
        {props.id ? t('setup.groups.editTitle', { name: props.input.name }) : t('setup.groups.newTitle')}
      </h3>
      <label class="field">
        <span>{t('setup.name')}</span>
        <input
          value={input().name}
          maxLength={60}
          required
          onInput={(e) => set({ name: e.currentTarget.value })}
        />
      </label>
      <label class="field">
        <span>{t('setup.extension')}</span>
        <input
          value={input().extension}
          inputMode="numeric"
          pattern="[0-9]{2,6}"
          required
          onInput={(e) => set({ extension: e.currentTarget.value })}
        />
      </label>
      <label class="field">
        <span>{t('setup.groups.strategy')}</span>
        <select onChange={(e) => set({ strategy: e.currentTarget.value as GroupStrategyName })}>
          <For each={GROUP_STRATEGIES}>
            {(s) => (
              <option value={s} selected={input().strategy === s}>
                {t(STRATEGY_LABEL[s])}
              </option>
            )}
          </For>
        </select>
      </label>
      <label class="field">
        <span>{t('setup.groups.ringTime')}</span>
        <input
          type="number"
          min="5"
          max="300"
          value={input().ringTimeoutSec}
          onInput={(e) => set({ ringTimeoutSec: Number(e.currentTarget.value) })}
        />
      </label>
      <label class="switch">
        <input
          type="checkbox"
          role="switch"
          checked={input().takesChats}
          aria-checked={input().takesChats}
          onChange={(e) => set({ takesChats: e.currentTarget.checked })}
        />
        <span class="switch-text">{t('setup.groups.takesChats')}</span>
      </label>
      <fieldset class="setup-members">
        <legend>{t('setup.groups.order')}</legend>
        <ol class="list">
          <For each={input().memberIds}>
            {(id, i) => (
              <li class="row">
                <span class="row-main">{props.nameOf(id)}</span>
                <button
                  type="button"
                  class="btn btn-small"
                  aria-label={t('setup.groups.up', { name: props.nameOf(id) })}
                  disabled={i() === 0}
                  onClick={() => move(i(), -1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  class="btn btn-small"
                  aria-label={t('setup.groups.down', { name: props.nameOf(id) })}
                  disabled={i() === input().memberIds.length - 1}
                  onClick={() => move(i(), 1)}
                >
                  ↓
                </button>
                <button
                  type="button"
                  class="btn btn-small"
                  aria-label={t('setup.groups.removeMember', { name: props.nameOf(id) })}
                  onClick={() => set({ memberIds: input().memberIds.filter((m) => m !== id) })}
                >
                  ✕
                </button>
              </li>
            )}
          </For>
        </ol>
        <Show when={outside().length}>
          <label class="field">
            <span>{t('setup.groups.addMember')}</span>
            <select
              onChange={(e) => {
                const id = e.currentTarget.value
                if (id) set({ memberIds: [...input().memberIds, id] })
                e.currentTarget.value = ''
              }}
            >
              <option value="">—</option>
              <For each={outside()}>
                {(s) => <option value={s.id}>{`${s.name} · ${s.extension}`}</option>}
              </For>
            </select>
          </label>
        </Show>
      </fieldset>
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
          title={t('setup.groups.deleteTitle', { name: input().name })}
          text={t('setup.groups.deleteText')}
          ok={t('setup.delete')}
          onOk={() => void remove()}
          danger
          onCancel={() => setConfirm(false)}
        />
      </Show>
    </form>
  )
}
