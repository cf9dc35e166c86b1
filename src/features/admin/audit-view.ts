/**
 * The audit log as people read it: a translated action, the entity's name, and the changed fields
 * as "label: before → after" — ids and nested dumps left out (the API keeps the full before/after).
 */
import type { AuditEntryView } from '../../../contract/admin.ts'
import type { MessageKey } from '../../lib/i18n/index.ts'

type T = (key: MessageKey, vars?: Record<string, string | number>) => string

const ACTIONS = new Set([
  'crm_cards.update',
  'employee.create',
  'employee.deactivate',
  'employee.password',
  'employee.reactivate',
  'employee.status',
  'employee.update',
  'features.update',
  'group.create',
  'group.delete',
  'group.update',
  'number.create',
  'number.delete',
  'number.update',
  'statuses.update',
  'tenant.create',
  'tenant.reactivate',
  'tenant.suspend',
  // Issue 13 §2: channels, settings, CRM, templates, the import, the gateway line.
  'channel.auto_complete',
  'channel.connect',
  'channel.disconnect',
  'channel.secret',
  'channel.update',
  'webchat.update',
  'chat_settings.update',
  'call_settings.update',
  'crm_webhook.update',
  'crm_webhook.delete',
  'crm_webhook.secret',
  'crm_contacts.secret',
  'crm_contacts.update',
  'template.create',
  'template.update',
  'template.delete',
  'contacts.import',
  'sip.gateway_credentials',
])

const FIELDS = new Set([
  'name',
  'login',
  'role',
  'extension',
  'mobile',
  'active',
  'email',
  'strategy',
  'members',
  'number',
  'takesChats',
  'value',
  'seats',
  'color',
  'kind',
  'address',
  'connected',
  'webhookPath',
  'secretHint',
  'config',
  'autoCompleteMinutes',
  'transferTimeoutSec',
  'closingText',
  'url',
  'readOnly',
  'text',
  'rows',
  'bad',
  'created',
  'updated',
  'expiresAt',
  'groups',
  // probe 13 UI #12: the rest of what admin rows carry, in words.
  'source',
  'target',
  'omni',
  'softphone',
  'templates',
  'ringTimeoutSec',
  'acceptButton',
  'slug',
  'suspended',
  'memberIds',
])

/** The action in words ("Deactivated an employee"); an unknown code as it is. */
export function actionText(action: string, t: T): string {
  return ACTIONS.has(action) ? t(`admin.action.${action}` as MessageKey) : action
}

/** The field's label; an unknown field as "Words from camelCase". */
export function fieldLabel(key: string, t: T): string {
  if (FIELDS.has(key)) return t(`admin.field.${key}` as MessageKey)
  const words = key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

const hidden = (key: string) =>
  key !== 'memberIds' && (key === 'id' || key === 'tenantId' || /Id$|Ids$|Hash$|^password/.test(key))

/** What a reader of the log knows besides the entry: names of ids (employees, groups), the UI language. */
export interface AuditContext {
  names?: ReadonlyMap<string, string>
  lang?: 'ru' | 'en'
}

const ROLES = new Set(['operator', 'supervisor', 'admin'])
const STRATEGIES = new Set(['parallel', 'sequential', 'round_robin', 'longest_idle'])
const ABILITIES = ['softphoneIn', 'mobileIn', 'outgoing', 'chats', 'workingTime', 'nonWorkingTime'] as const

/** A field's value in words where it is a code: a role, a strategy, a number's target, members by name. */
function namedValue(key: string, x: unknown, t: T, c: AuditContext): string | null {
  if (key === 'role' && typeof x === 'string' && ROLES.has(x)) return t(`admin.role.${x}` as MessageKey)
  if (key === 'strategy' && typeof x === 'string' && STRATEGIES.has(x))
    return t(`setup.strategy.${x}` as MessageKey)
  if (key === 'target' && x && typeof x === 'object' && 'kind' in x && 'id' in x) {
    const { kind, id } = x as { kind: string; id: string }
    const name = c.names?.get(id) ?? '…'
    return t(kind === 'group' ? 'admin.target.group' : 'admin.target.employee', { name })
  }
  // A list of named things (CRM card links): their names; an empty one is "—".
  if (Array.isArray(x) && x.every((v) => v && typeof v === 'object' && typeof v.name === 'string'))
    return x.length ? x.map((v) => v.name).join(', ') : '—'
  if (key === 'memberIds' && Array.isArray(x))
    return x.length ? x.map((id) => c.names?.get(String(id)) ?? '…').join(', ') : '—'
  return null
}

interface StatusLike {
  id: string
  name: { ru: string; en: string }
  color: string
  allows: Record<string, boolean>
}
const isStatusList = (x: unknown): x is StatusLike[] =>
  Array.isArray(x) &&
  x.every((s) => s && typeof s === 'object' && 'id' in s && 'name' in s && 'allows' in s && 'color' in s)

/** The status matrix change per status: added, removed, renamed, recoloured, each switch that moved. */
export function statusChanges(before: unknown, after: unknown, t: T, lang: 'ru' | 'en' = 'en'): ChangeItem[] {
  if (!isStatusList(before) || !isStatusList(after)) return []
  const was = new Map(before.map((s) => [s.id, s]))
  const now = new Map(after.map((s) => [s.id, s]))
  const name = (s: StatusLike) => s.name[lang] || s.name.en
  const out: ChangeItem[] = []
  for (const s of after) {
    const old = was.get(s.id)
    if (!old) {
      out.push({ label: t('admin.status.added'), text: name(s) })
      continue
    }
    if (name(old) !== name(s))
      out.push({ label: t('admin.status.renamed'), text: `${name(old)} → ${name(s)}` })
    else if (old.name.ru !== s.name.ru || old.name.en !== s.name.en)
      out.push({
        label: t('admin.status.renamed'),
        text: `${old.name.ru} / ${old.name.en} → ${s.name.ru} / ${s.name.en}`,
      })
    if (old.color !== s.color)
      out.push({ label: `${name(s)} · ${t('admin.field.color')}`, text: `${old.color} → ${s.color}` })
    for (const a of ABILITIES)
      if (Boolean(old.allows[a]) !== Boolean(s.allows[a]))
        out.push({
          label: `${name(s)} · ${t(`setup.ability.${a}` as MessageKey)}`,
          text: `${valueText(old.allows[a], t)} → ${valueText(s.allows[a], t)}`,
        })
  }
  for (const s of before) if (!now.has(s.id)) out.push({ label: t('admin.status.removed'), text: name(s) })
  return out
}

function valueText(x: unknown, t: T): string {
  if (x === null || x === undefined || x === '') return '—'
  if (typeof x === 'boolean') return t(x ? 'admin.yes' : 'admin.no')
  if (typeof x === 'string' || typeof x === 'number') return String(x)
  if (Array.isArray(x) && x.every((v) => typeof v === 'string' || typeof v === 'number')) return x.join(', ')
  if (Array.isArray(x)) return t('admin.items', { n: x.length })
  return '…'
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

export interface ChangeItem {
  label: string
  text: string
}

/** The changed fields of an entry: "label: before → after" (created: the value; deleted: "before → —"). */
export function changeItems(
  e: Pick<AuditEntryView, 'before' | 'after'>,
  t: T,
  c: AuditContext = {},
): ChangeItem[] {
  if (isStatusList(e.before?.value) && isStatusList(e.after?.value))
    return statusChanges(e.before.value, e.after.value, t, c.lang)
  const keys = [...new Set([...Object.keys(e.before ?? {}), ...Object.keys(e.after ?? {})])]
  return keys
    .filter((k) => !hidden(k))
    .filter((k) => !e.before || !e.after || !same(e.before[k], e.after[k]))
    .filter((k) => !(!e.before && (e.after?.[k] === null || e.after?.[k] === undefined)))
    .map((k) => {
      const words = (x: unknown) => namedValue(k, x, t, c) ?? valueText(x, t)
      const before = words(e.before?.[k])
      const after = words(e.after?.[k])
      const complex = (v: unknown) => typeof v === 'object' && v !== null && namedValue(k, v, t, c) === null
      const text = !e.before
        ? after
        : complex(e.before[k]) || complex(e.after?.[k])
          ? t('admin.changed')
          : `${before} → ${e.after ? after : '—'}`
      return { label: fieldLabel(k, t), text }
    })
}

/** The entry's subject: its name from before/after, else the name `names` knows for its id. */
export function subjectName(
  e: Pick<AuditEntryView, 'before' | 'after' | 'entityId'>,
  names: ReadonlyMap<string, string>,
): string {
  for (const x of [e.after, e.before]) if (x && typeof x.name === 'string' && x.name) return x.name
  return names.get(e.entityId) ?? ''
}
