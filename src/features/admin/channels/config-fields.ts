/**
 * The Channels screen's rules without the DOM (SPEC T1, A5): which inputs a kind's provider settings
 * take (read from CHANNEL_CONFIG, so a setting added there appears here), the body a form sends, and
 * which field a server error names (`config.token: …` → the token field).
 */
import { CHANNEL_CONFIG, type ConnectableKind } from '../../../../contract/channels.ts'
import { detailPaths } from '../field-errors.ts'

/** How a provider setting is typed: a switch, a number, a secret (password input) or plain text. */
export type InputKind = 'boolean' | 'number' | 'secret' | 'text'

export interface ConfigInput {
  name: string
  input: InputKind
  optional: boolean
}

/** The inputs of a kind's provider settings, in CHANNEL_CONFIG's order. */
export function configInputs(kind: ConnectableKind): ConfigInput[] {
  return Object.entries(CHANNEL_CONFIG[kind]).map(([name, f]) => ({
    name,
    input: f.secret
      ? 'secret'
      : f.schema.type === 'number'
        ? 'number'
        : f.schema.type === 'boolean'
          ? 'boolean'
          : 'text',
    optional: !!f.optional,
  }))
}

/** Every provider setting name of every kind (each needs a label and a hint in both languages). */
export function allConfigNames(): string[] {
  return [...new Set(Object.values(CHANNEL_CONFIG).flatMap((c) => Object.keys(c)))]
}

/** What the admin typed: strings for text, numbers and secrets, booleans for switches. */
export type ConfigDraft = Record<string, string | boolean>

/**
 * The `config` to send. Connecting: every filled setting. Editing (PATCH merges into the stored
 * settings): a secret left empty is left out, so it keeps its value; so is an untouched empty field.
 */
export function configBody(
  kind: ConnectableKind,
  draft: ConfigDraft,
  groupIds: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { groupIds }
  for (const f of configInputs(kind)) {
    const raw = draft[f.name]
    if (f.input === 'boolean') {
      if (typeof raw === 'boolean') out[f.name] = raw
      continue
    }
    const s = typeof raw === 'string' ? raw.trim() : ''
    if (s === '') continue
    out[f.name] = f.input === 'number' ? Number(s) : s
  }
  return out
}

/** The draft of a stored channel's settings: secrets start empty ("leave empty to keep"). */
export function draftOf(kind: ConnectableKind, config: Record<string, unknown>): ConfigDraft {
  const d: ConfigDraft = {}
  for (const f of configInputs(kind)) {
    const val = config[f.name]
    if (f.input === 'secret') d[f.name] = ''
    else if (f.input === 'boolean') d[f.name] = val === true
    else d[f.name] = val === undefined || val === null ? '' : String(val)
  }
  return d
}

/** A form field a server error can name: the channel's name, address, chat groups or one setting. */
export type FieldKey = 'name' | 'address' | 'groups' | `config.${string}`

/**
 * The fields a coded error names, from its details (`config.url: …`, `address: must be …@domain`);
 * E_CHANNEL_ADDRESS_TAKEN names the address without details. Each field maps to the detail's text
 * after the colon (what the server said, e.g. the allowed mail domain). Empty when none is named.
 */
export function fieldsOfError(code: string, details: readonly string[]): Map<FieldKey, string> {
  const out = new Map<FieldKey, string>()
  if (code === 'E_CHANNEL_ADDRESS_TAKEN') out.set('address', '')
  for (const [path, text] of detailPaths(details)) {
    const key: FieldKey | null =
      path === 'name' || path === 'address'
        ? path
        : path === 'config.groupIds'
          ? 'groups'
          : path.startsWith('config.') && path.length > 7
            ? (path as FieldKey)
            : null
    if (key && !out.has(key)) out.set(key, text)
  }
  return out
}
