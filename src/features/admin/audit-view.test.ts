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
  it('names the subject from the entry, else from the known names by id', () => {
    expect(subjectName({ entityId: 'u', before: null, after: { name: 'A' } }, new Map())).toBe('A')
    expect(subjectName({ entityId: 'u', before: { active: true }, after: null }, new Map([['u', 'B']]))).toBe(
      'B',
    )
  })
})
