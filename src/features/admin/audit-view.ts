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

const hidden = (key: string) => key === 'id' || key === 'tenantId' || /Id$|Ids$|Hash$|^password/.test(key)

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
export function changeItems(e: Pick<AuditEntryView, 'before' | 'after'>, t: T): ChangeItem[] {
  const keys = [...new Set([...Object.keys(e.before ?? {}), ...Object.keys(e.after ?? {})])]
  return keys
    .filter((k) => !hidden(k))
    .filter((k) => !e.before || !e.after || !same(e.before[k], e.after[k]))
    .filter((k) => !(!e.before && (e.after?.[k] === null || e.after?.[k] === undefined)))
    .map((k) => {
      const before = valueText(e.before?.[k], t)
      const after = valueText(e.after?.[k], t)
      const complex = (v: unknown) => typeof v === 'object' && v !== null
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
