/** Small pieces of the Channels screen: a copy button, a secret input with its eye, the chat groups. */
import { createSignal, For, type JSX, Show } from 'solid-js'
import type { GroupAdminView } from '../../../../contract/admin-setup.ts'
import { t } from '../../../lib/i18n/index.ts'
import { EYE, EYE_OFF, PathIcon, toast } from '../../../lib/ui/index.ts'

/** Copies `value`; its accessible name says what ("Copy Webhook URL"). */
export function CopyButton(props: { value: string; what: string }) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value)
      toast(t('channels.copied'))
    } catch {
      toast(t('channels.copyFailed'), 'error')
    }
  }
  return (
    <button
      type="button"
      class="btn btn-small"
      aria-label={t('channels.copyNamed', { what: props.what })}
      onClick={() => void copy()}
    >
      {t('admin.copy')}
    </button>
  )
}

/** A value to hand to the provider: its label, the value as text (selectable), a copy button. */
export function CopyRow(props: { label: string; value: string; testId?: string }) {
  return (
    <div class="chan-copy">
      <span class="chan-copy-label">{props.label}</span>
      <div class="admin-secret">
        <code data-testid={props.testId}>{props.value}</code>
        <CopyButton value={props.value} what={props.label} />
      </div>
    </div>
  )
}

/** A password input with the sign-in form's eye button (inside the field, 44 px). */
export function SecretInput(props: {
  id: string
  label: string
  value: string
  invalid: boolean
  describedBy: string
  onInput: (v: string) => void
}) {
  const [shown, setShown] = createSignal(false)
  return (
    <div class="password-row">
      <input
        id={props.id}
        type={shown() ? 'text' : 'password'}
        autocomplete="off"
        spellcheck={false}
        value={props.value}
        aria-invalid={props.invalid}
        aria-describedby={props.describedBy}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      <button
        type="button"
        class="password-eye"
        aria-pressed={shown()}
        aria-controls={props.id}
        aria-label={t(shown() ? 'channels.hide' : 'channels.show', { name: props.label })}
        onClick={() => setShown(!shown())}
      >
        <PathIcon d={shown() ? EYE_OFF : EYE} />
      </button>
    </div>
  )
}

/** The chat groups (distribution): one switch per group of the tenant. */
export function GroupSwitches(props: {
  groups: readonly GroupAdminView[]
  selected: readonly string[]
  onChange: (ids: string[]) => void
  error?: JSX.Element
}) {
  const toggle = (id: string, on: boolean) =>
    props.onChange(on ? [...props.selected, id] : props.selected.filter((x) => x !== id))
  return (
    <fieldset class="chan-groups">
      <legend>{t('channels.groups')}</legend>
      <p class="muted small">{t('channels.groupsHint')}</p>
      <Show when={props.groups.length > 0} fallback={<p class="muted small">{t('channels.noGroups')}</p>}>
        <For each={props.groups}>
          {(g) => (
            <label class="switch">
              <input
                type="checkbox"
                role="switch"
                checked={props.selected.includes(g.id)}
                aria-checked={props.selected.includes(g.id)}
                onChange={(e) => toggle(g.id, e.currentTarget.checked)}
              />
              <span class="switch-text">{g.name}</span>
            </label>
          )}
        </For>
      </Show>
      {props.error}
    </fieldset>
  )
}
