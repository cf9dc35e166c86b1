/**
 * Admin: the status matrix (SPEC S1/S2) — add, rename, recolour statuses and toggle each column.
 * The server keeps it sane (a status that takes calls, no status in use removed, Off work stays);
 * saved, every app and the next routed call follow it at once (`statuses.updated`).
 */
import { createResource, createSignal, For, Show } from 'solid-js'
import { STATUS_ABILITIES, type StatusAbility, type StatusDef } from '../../../../contract/status.ts'
import './setup.css'
import { api, errorText } from '../../../lib/api/index.ts'
import { lang, type MessageKey, t } from '../../../lib/i18n/index.ts'
import { toast } from '../../../lib/ui/index.ts'

const ABILITY_LABEL: Record<StatusAbility, MessageKey> = {
  softphoneIn: 'setup.ability.softphoneIn',
  mobileIn: 'setup.ability.mobileIn',
  outgoing: 'setup.ability.outgoing',
  chats: 'setup.ability.chats',
  workingTime: 'setup.ability.workingTime',
  nonWorkingTime: 'setup.ability.nonWorkingTime',
}

/** The statuses screen: one card per status, its columns as switches. */
export function StatusesSection() {
  const [saved, { refetch }] = createResource(() => api('GET /api/statuses'))
  const [draft, setDraft] = createSignal<StatusDef[] | null>(null)
  const matrix = () => draft() ?? saved()?.matrix ?? []
  const edit = (i: number, patch: Partial<StatusDef>) =>
    setDraft(matrix().map((s, j) => (j === i ? { ...s, ...patch } : s)))
  const toggle = (i: number, a: StatusAbility, on: boolean) => {
    const s = matrix()[i]
    if (s) edit(i, { allows: { ...s.allows, [a]: on } })
  }
  const add = () =>
    setDraft([
      ...matrix(),
      {
        id: `s${Date.now().toString(36)}`,
        name: { ru: t('setup.statuses.newName'), en: t('setup.statuses.newName') },
        color: '#4a90d9',
        allows: {
          softphoneIn: false,
          mobileIn: false,
          outgoing: false,
          chats: false,
          workingTime: true,
          nonWorkingTime: false,
        },
      },
    ])
  const save = async () => {
    try {
      await api('PUT /api/statuses', { body: { matrix: matrix() } })
      toast(t('setup.saved'))
      setDraft(null)
      await refetch()
    } catch (e) {
      toast(errorText(e), 'error')
    }
  }
  const label = (s: StatusDef) => s.name[lang()]

  return (
    <section class="card" aria-labelledby="setup-statuses">
      <h2 id="setup-statuses">{t('setup.statuses.title')}</h2>
      <Show when={!saved.error} fallback={<p class="muted">{errorText(saved.error)}</p>}>
        <For each={matrix()}>
          {(s, i) => (
            <fieldset class="setup-status" aria-label={label(s)}>
              <legend>
                <span class="status-swatch" style={{ background: s.color }} aria-hidden="true" /> {label(s)}
              </legend>
              <label class="field">
                <span>{t('setup.statuses.nameRu')}</span>
                <input
                  value={s.name.ru}
                  maxLength={40}
                  onChange={(e) => edit(i(), { name: { ...s.name, ru: e.currentTarget.value } })}
                />
              </label>
              <label class="field">
                <span>{t('setup.statuses.nameEn')}</span>
                <input
                  value={s.name.en}
                  maxLength={40}
                  onChange={(e) => edit(i(), { name: { ...s.name, en: e.currentTarget.value } })}
                />
              </label>
              <label class="field">
                <span>{t('setup.statuses.color')}</span>
                <input
                  type="color"
                  value={s.color}
                  onChange={(e) => edit(i(), { color: e.currentTarget.value })}
                />
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
                      onChange={(e) => toggle(i(), a, e.currentTarget.checked)}
                    />
                    <span class="switch-text">{t(ABILITY_LABEL[a])}</span>
                  </label>
                )}
              </For>
              <button
                type="button"
                class="btn btn-small btn-ghost"
                aria-label={t('setup.statuses.remove', { status: label(s) })}
                onClick={() => setDraft(matrix().filter((_, j) => j !== i()))}
              >
                {t('setup.delete')}
              </button>
            </fieldset>
          )}
        </For>
      </Show>
      <div class="admin-actions">
        <button type="button" class="btn btn-ghost" onClick={add}>
          {t('setup.statuses.add')}
        </button>
        <button type="button" class="btn" disabled={draft() === null} onClick={() => void save()}>
          {t('setup.statuses.save')}
        </button>
        <Show when={draft()}>
          <button type="button" class="btn btn-ghost" onClick={() => setDraft(null)}>
            {t('common.cancel')}
          </button>
        </Show>
      </div>
    </section>
  )
}
