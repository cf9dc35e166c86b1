import { describe, expect, it } from 'vitest'
import { inUseMessage } from './in-use-text.ts'

describe('an in-use refusal as the admin reads it (probe 13 #4, #8)', () => {
  it('names the numbers and channels after the message, in both languages', () => {
    expect(inUseMessage('E_GROUP_IN_USE', ['+74951234567', 'Чат на сайте'], 'en')).toBe(
      'This group is still in use: a virtual number rings it or a channel’s chats go only to it. Point them elsewhere first. (+74951234567, Чат на сайте)',
    )
    expect(inUseMessage('E_EMPLOYEE_IN_USE', ['+74951234567'], 'ru')).toBe(
      'На этого сотрудника направлен виртуальный номер. Сначала перенаправьте его. (+74951234567)',
    )
  })
  it('other codes keep their message alone (their details are not for people)', () => {
    expect(inUseMessage('E_VALIDATION', ['name: too long'], 'en')).not.toContain('too long')
    expect(inUseMessage('E_GROUP_IN_USE', [], 'en')).not.toContain('(')
  })
})
