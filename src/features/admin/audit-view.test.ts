import { describe, expect, it } from 'vitest'
import { dictionaries, format } from '../../lib/i18n/format.ts'
import type { MessageKey } from '../../lib/i18n/index.ts'
import { actionText, changeItems, subjectName } from './audit-view.ts'

const tr = (l: 'en' | 'ru') => (k: MessageKey, v?: Record<string, string | number>) =>
  format(dictionaries[l][k], v)

describe('audit entries as people read them', () => {
  it('translates the action in both languages, and leaves an unknown code as it is', () => {
    expect(actionText('employee.deactivate', tr('en'))).toBe('Deactivated an employee')
    expect(actionText('employee.deactivate', tr('ru'))).toBe('Отключил(а) сотрудника')
    expect(actionText('x.y', tr('en'))).toBe('x.y')
  })
  it('lists only changed fields with labels, no ids, booleans in words', () => {
    const e = {
      before: { id: 'u-1', tenantId: 't', name: 'Peter New', active: true, mobile: null },
      after: { id: 'u-1', tenantId: 't', name: 'Peter New', active: false, mobile: null },
    }
    expect(changeItems(e, tr('en'))).toEqual([{ label: 'Active', text: 'Yes → No' }])
    expect(changeItems(e, tr('ru'))).toEqual([{ label: 'Активен', text: 'Да → Нет' }])
  })
  it('a created entity lists its set fields; a nested value says "changed", not a JSON dump', () => {
    const created = changeItems(
      { before: null, after: { id: 'g', name: 'Sales', acceptButton: true, mobile: null } },
      tr('en'),
    )
    expect(created).toEqual([
      { label: 'Name', text: 'Sales' },
      { label: 'Accept button', text: 'Yes' },
    ])
    const statuses = changeItems(
      { before: { value: [{ id: 'a' }] }, after: { value: [{ id: 'b' }] } },
      tr('en'),
    )
    expect(statuses).toEqual([{ label: 'Value', text: 'Changed' }])
  })
  it('a channel row (issue 13 §2): the action in words, the secret only as its hint, provider settings "changed"', () => {
    const e = {
      entityId: 'c-1',
      before: {
        id: 'c-1',
        kind: 'whatsapp',
        name: 'WhatsApp',
        connected: true,
        secretHint: '••••abcd',
        config: { groupIds: ['g'], accessToken: '••••wxyz' },
        autoCompleteMinutes: null,
      },
      after: {
        id: 'c-1',
        kind: 'whatsapp',
        name: 'WhatsApp',
        connected: true,
        secretHint: '••••efgh',
        config: { groupIds: ['g'], accessToken: '••••1234' },
        autoCompleteMinutes: 30,
      },
    }
    expect(actionText('channel.secret', tr('en'))).toBe('Made a new channel secret')
    expect(actionText('channel.secret', tr('ru'))).toBe('Выпустил(а) новый секрет канала')
    expect(changeItems(e, tr('en'))).toEqual([
      { label: 'Secret', text: '••••abcd → ••••efgh' },
      { label: 'Provider settings', text: 'Changed' },
      { label: 'Auto-complete after, min', text: '— → 30' },
    ])
    expect(changeItems(e, tr('ru'))).toEqual([
      { label: 'Секрет', text: '••••abcd → ••••efgh' },
      { label: 'Настройки провайдера', text: 'Изменено' },
      { label: 'Автозавершение через, мин', text: '— → 30' },
    ])
    expect(subjectName(e, new Map())).toBe('WhatsApp')
  })
  it('every action the server records for an admin change reads as words in both languages', () => {
    for (const a of [
      'channel.connect',
      'channel.disconnect',
      'channel.update',
      'channel.auto_complete',
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
      for (const l of ['en', 'ru'] as const) expect(actionText(a, tr(l))).not.toBe(a)
  })
  it('names the subject from the entry, else from the known names by id', () => {
    expect(subjectName({ entityId: 'u', before: null, after: { name: 'A' } }, new Map())).toBe('A')
    expect(subjectName({ entityId: 'u', before: { active: true }, after: null }, new Map([['u', 'B']]))).toBe(
      'B',
    )
  })
})
