/**
 * Connect a channel, or edit one (SPEC T1, A5): the kind's provider settings are generated from
 * CHANNEL_CONFIG (config-fields.ts), with the name, address and chat groups. A coded error from the
 * server is shown at the field it names (else as a toast); what was typed stays in the form.
 */
import { createSignal, For, type JSX, Show } from 'solid-js'
import type { GroupAdminView } from '../../../../contract/admin-setup.ts'
import {
  type ChannelAdminView,
  type ChannelSecretResponse,
  CONNECTABLE_KINDS,
  type ConnectableKind,
} from '../../../../contract/channels.ts'
import { ApiError, api, errorText } from '../../../lib/api/index.ts'
import { type MessageKey, t, tError } from '../../../lib/i18n/index.ts'
import { toast } from '../../../lib/ui/index.ts'
import {
  type ConfigDraft,
  type ConfigInput,
  configBody,
  configInputs,
  draftOf,
  type FieldKey,
  fieldsOfError,
} from './config-fields.ts'
import { GroupSwitches, SecretInput } from './parts.tsx'

const fieldLabel = (name: string) => t(`channels.field.${name}` as MessageKey)
const fieldHint = (name: string) => t(`channels.fieldHint.${name}` as MessageKey)
/** The DOM id of a field (its error and hint ids append -err, -hint). */
const domId = (key: FieldKey) => `chan-${key.replace('.', '-')}`

/** The connect form (no `channel`) or the edit form of `channel`. */
export function ChannelForm(props: {
  groups: readonly GroupAdminView[]
  channel?: ChannelAdminView
  onConnected: (r: ChannelSecretResponse) => void
  onSaved: () => void
  onCancel: () => void
}) {
  const editing = props.channel
  const startKind = (editing?.kind ?? 'sms') as ConnectableKind
  const [kind, setKind] = createSignal<ConnectableKind>(startKind)
  const [name, setName] = createSignal(editing?.name ?? '')
  const [address, setAddress] = createSignal(editing?.address ?? '')
  const [groupIds, setGroupIds] = createSignal<string[]>(
    (editing?.config.groupIds as string[] | undefined)?.slice() ?? [],
  )
  // One draft for every kind's settings: switching the kind back and forth loses nothing typed.
  const [config, setConfig] = createSignal<ConfigDraft>(editing ? draftOf(startKind, editing.config) : {})
  const [errors, setErrors] = createSignal<Map<FieldKey, string>>(new Map())
  const [busy, setBusy] = createSignal(false)
  let form: HTMLFormElement | undefined

  const errorOf = (key: FieldKey) => errors().get(key)
  const describedIds = (key: FieldKey, hint = true) =>
    [hint ? `${domId(key)}-hint` : '', errorOf(key) !== undefined ? `${domId(key)}-err` : '']
      .filter(Boolean)
      .join(' ') || undefined
  const errorLine = (key: FieldKey): JSX.Element => (
    <Show when={errorOf(key) !== undefined}>
      <span class="field-error" id={`${domId(key)}-err`}>
        {errorOf(key)}
      </span>
    </Show>
  )
  const setField = (n: string, val: string | boolean) => setConfig({ ...config(), [n]: val })

  /** The message shown at a field for a coded error (the server's details name the field). */
  const messageAt = (code: string, key: FieldKey, detail: string): string => {
    // The server's details are English words; only the allowed mail domain is taken from them.
    const domain = code === 'E_CHANNEL_ADDRESS_DOMAIN' ? /@([\w.-]+)$/.exec(detail)?.[1] : undefined
    if (domain) return `${tError(code)} ${t('channels.mailDomain', { domain })}`
    if (code !== 'E_VALIDATION') return tError(code)
    const hint =
      key === 'name'
        ? t('channels.nameHint')
        : key === 'address'
          ? t('channels.addressHint')
          : key === 'groups'
            ? ''
            : fieldHint(key.slice(7))
    return t('channels.invalid', { hint })
  }

  const showErrors = (found: Map<FieldKey, string>) => {
    setErrors(found)
    // Focus the first field named, so a screen reader hears its error.
    queueMicrotask(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus())
  }

  const submit = async (ev: Event) => {
    ev.preventDefault()
    const missing = new Map<FieldKey, string>()
    if (!name().trim()) missing.set('name', t('channels.required'))
    for (const f of configInputs(kind()))
      if (!f.optional && f.input !== 'boolean' && !(editing && f.input === 'secret'))
        if (!String(config()[f.name] ?? '').trim()) missing.set(`config.${f.name}`, t('channels.required'))
    if (missing.size) return showErrors(missing)
    setErrors(new Map())
    setBusy(true)
    const body = configBody(kind(), config(), groupIds())
    try {
      if (editing) {
        await api('PATCH /api/admin/channels/:id', {
          params: { id: editing.id },
          body: { name: name().trim(), address: address().trim() || null, config: body },
        })
        toast(t('channels.saved'))
        props.onSaved()
      } else {
        props.onConnected(
          await api('POST /api/admin/channels', {
            body: { kind: kind(), name: name().trim(), address: address().trim() || null, config: body },
          }),
        )
      }
    } catch (e) {
      const found = e instanceof ApiError ? fieldsOfError(e.code, e.details) : new Map<FieldKey, string>()
      if (e instanceof ApiError && found.size)
        showErrors(new Map([...found].map(([k, d]) => [k, messageAt(e.code, k, d)])))
      else toast(errorText(e), 'error')
    } finally {
      setBusy(false)
    }
  }

  const configField = (f: ConfigInput): JSX.Element => {
    const key: FieldKey = `config.${f.name}`
    const id = domId(key)
    const label = fieldLabel(f.name)
    const labelText = (
      <>
        {label}
        <Show when={f.optional}>
          <span class="muted"> ({t('channels.optional')})</span>
        </Show>
      </>
    )
    const hint = () =>
      editing && f.input === 'secret' && typeof editing.config[f.name] === 'string'
        ? `${fieldHint(f.name)} ${t('channels.keepSecret', { hint: String(editing.config[f.name]) })}`
        : fieldHint(f.name)
    if (f.input === 'boolean')
      return (
        <label class="switch">
          <input
            id={id}
            type="checkbox"
            role="switch"
            checked={config()[f.name] === true}
            aria-checked={config()[f.name] === true}
            aria-describedby={describedIds(key)}
            onChange={(e) => setField(f.name, e.currentTarget.checked)}
          />
          <span class="switch-text">
            <span>{labelText}</span>
            <span id={`${id}-hint`} class="muted small">
              {hint()}
            </span>
          </span>
        </label>
      )
    return (
      <div class="field">
        <label for={id}>{labelText}</label>
        <Show
          when={f.input === 'secret'}
          fallback={
            <input
              id={id}
              type={f.input === 'number' ? 'number' : 'text'}
              inputmode={f.input === 'number' ? 'numeric' : undefined}
              autocomplete="off"
              spellcheck={false}
              value={String(config()[f.name] ?? '')}
              aria-invalid={errorOf(key) !== undefined}
              aria-describedby={describedIds(key)}
              onInput={(e) => setField(f.name, e.currentTarget.value)}
            />
          }
        >
          <SecretInput
            id={id}
            label={label}
            value={String(config()[f.name] ?? '')}
            invalid={errorOf(key) !== undefined}
            describedBy={describedIds(key) ?? ''}
            onInput={(val) => setField(f.name, val)}
          />
        </Show>
        <span id={`${id}-hint`} class="muted small">
          {hint()}
        </span>
        {errorLine(key)}
      </div>
    )
  }

  return (
    <form
      ref={form}
      class="card admin-form chan-form"
      aria-labelledby="chan-form-title"
      novalidate
      onSubmit={(e) => void submit(e)}
    >
      <h2 id="chan-form-title">
        {editing ? t('channels.editTitle', { name: editing.name }) : t('channels.connect')}
      </h2>
      <Show when={!editing}>
        <div class="field">
          <label for="chan-kind">{t('channels.kind')}</label>
          <select id="chan-kind" onChange={(e) => setKind(e.currentTarget.value as ConnectableKind)}>
            <For each={CONNECTABLE_KINDS}>
              {(k) => (
                <option value={k} selected={kind() === k}>
                  {t(`channels.kind.${k}`)}
                </option>
              )}
            </For>
          </select>
        </div>
      </Show>
      <div class="field">
        <label for={domId('name')}>{t('channels.name')}</label>
        <input
          id={domId('name')}
          maxLength={100}
          value={name()}
          aria-invalid={errorOf('name') !== undefined}
          aria-describedby={describedIds('name')}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <span id={`${domId('name')}-hint`} class="muted small">
          {t('channels.nameHint')}
        </span>
        {errorLine('name')}
      </div>
      <div class="field">
        <label for={domId('address')}>
          {t('channels.address')}
          <span class="muted"> ({t('channels.optional')})</span>
        </label>
        <input
          id={domId('address')}
          maxLength={320}
          autocomplete="off"
          value={address()}
          aria-invalid={errorOf('address') !== undefined}
          aria-describedby={describedIds('address')}
          onInput={(e) => setAddress(e.currentTarget.value)}
        />
        <span id={`${domId('address')}-hint`} class="muted small">
          {t('channels.addressHint')}
        </span>
        {errorLine('address')}
      </div>
      <For each={configInputs(kind())}>{(f) => configField(f)}</For>
      <GroupSwitches
        groups={props.groups}
        selected={groupIds()}
        onChange={setGroupIds}
        error={errorLine('groups')}
      />
      <div class="confirm-actions">
        <button type="button" class="btn btn-secondary" onClick={() => props.onCancel()}>
          {t('common.cancel')}
        </button>
        <button type="submit" class="btn btn-primary" disabled={busy()}>
          {editing ? t('channels.save') : t('channels.submit')}
        </button>
      </div>
    </form>
  )
}
