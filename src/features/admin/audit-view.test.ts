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
      { label: 'Accepts chats by button', text: 'Yes' },
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
      'crm_webhook.secret',
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

describe('audit values in words (probe 13 UI #12)', () => {
  const names = new Map([
    ['g-sales', 'Продажи'],
    ['e-boris', 'Борис Смирнов'],
    ['e-anna', 'Анна Петрова'],
  ])
  it('roles, strategies and a number’s target in the reader’s language, the target named', () => {
    const ru = tr('ru')
    expect(changeItems({ before: { role: 'operator' }, after: { role: 'supervisor' } }, ru)).toEqual([
      { label: 'Роль', text: 'Оператор → Супервизор' },
    ])
    expect(changeItems({ before: { strategy: 'parallel' }, after: { strategy: 'sequential' } }, ru)).toEqual([
      { label: 'Порядок вызова', text: 'Всем одновременно → По очереди, по порядку' },
    ])
    expect(
      changeItems(
        {
          before: { number: '+74951234567', target: { kind: 'group', id: 'g-sales' } },
          after: { number: '+74951234567', target: { kind: 'employee', id: 'e-boris' } },
        },
        ru,
        { names },
      ),
    ).toEqual([{ label: 'Куда', text: 'группа Продажи → сотрудник Борис Смирнов' }])
    expect(
      changeItems({ before: null, after: { target: { kind: 'group', id: 'g-sales' } } }, tr('en'), { names }),
    ).toEqual([{ label: 'Goes to', text: 'group Продажи' }])
  })
  it('a group’s members by name; CRM card links by name; omni and ring time labelled', () => {
    const ru = tr('ru')
    expect(
      changeItems({ before: { memberIds: ['e-anna'] }, after: { memberIds: ['e-anna', 'e-boris'] } }, ru, {
        names,
      }),
    ).toEqual([{ label: 'Участники', text: 'Анна Петрова → Анна Петрова, Борис Смирнов' }])
    expect(
      changeItems(
        {
          before: { templates: [{ name: 'amoCRM', url: 'https://a' }] },
          after: { templates: [] },
        },
        ru,
      ),
    ).toEqual([{ label: 'Ссылки на карточку CRM', text: 'amoCRM → —' }])
    expect(
      changeItems(
        { before: { omni: true, ringTimeoutSec: 20 }, after: { omni: false, ringTimeoutSec: 30 } },
        ru,
      ),
    ).toEqual([
      { label: 'Чаты и обращения', text: 'Да → Нет' },
      { label: 'Время дозвона, секунд', text: '20 → 30' },
    ])
  })
  it('the status matrix diffed per status: renamed, added, removed, colour, switches', () => {
    const st = (
      id: string,
      ru: string,
      en: string,
      color: string,
      allows: Partial<Record<string, boolean>> = {},
    ) => ({
      id,
      name: { ru, en },
      color,
      allows: {
        softphoneIn: false,
        mobileIn: false,
        outgoing: true,
        chats: false,
        workingTime: false,
        nonWorkingTime: false,
        ...allows,
      },
    })
    const before = {
      value: [
        st('available', 'Доступен', 'Available', '#2e7d32'),
        st('break', 'Перерыв', 'Break', '#999999'),
        st('dnd', 'Не беспокоить', 'DND', '#c62828'),
      ],
    }
    const after = {
      value: [
        st('available', 'Доступен', 'Available', '#2e7d32'),
        st('break', 'Обед', 'Lunch', '#ff9800', { softphoneIn: true }),
        st('training', 'Обучение', 'Training', '#1565c0'),
      ],
    }
    expect(changeItems({ before, after }, tr('ru'), { lang: 'ru' })).toEqual([
      { label: 'Переименован статус', text: 'Перерыв → Обед' },
      { label: 'Обед · Цвет', text: '#999999 → #ff9800' },
      { label: 'Обед · Входящие в приложение', text: 'Нет → Да' },
      { label: 'Добавлен статус', text: 'Обучение' },
      { label: 'Удалён статус', text: 'Не беспокоить' },
    ])
    expect(changeItems({ before, after }, tr('en'), { lang: 'en' })[0]).toEqual({
      label: 'Status renamed',
      text: 'Break → Lunch',
    })
  })
})
