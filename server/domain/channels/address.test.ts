/** T10: what an operator types to write first, normalised (libphonenumber-js for phones). */
import { describe, expect, it } from 'vitest'
import { normaliseAddress, normalisePhone } from './address.ts'

describe('normaliseAddress', () => {
  it('reads Russian numbers in every local form as one E.164 number', () => {
    for (const typed of [
      '+7 916 123-45-67',
      '8 (916) 123-45-67',
      '89161234567',
      '9161234567',
      '+7(916)1234567',
      '8.916.123.45.67',
    ])
      expect(normaliseAddress(typed)).toEqual({ kind: 'phone', value: '+79161234567' })
  })

  it('keeps other countries by their + prefix; the default region is only for numbers without +', () => {
    expect(normalisePhone('+380 44 123 4567')).toBe('+380441234567')
    expect(normalisePhone('+48 512 345 678')).toBe('+48512345678')
    expect(normalisePhone('044 123 4567', 'UA')).toBe('+380441234567')
  })

  it('e-mails in lower case, Telegram names with @ in lower case', () => {
    expect(normaliseAddress('  Ivan.Petrov@Example.RU ')).toEqual({
      kind: 'email',
      value: 'ivan.petrov@example.ru',
    })
    expect(normaliseAddress('@Ivan_Petrov')).toEqual({ kind: 'username', value: '@ivan_petrov' })
  })

  it('refuses what is no address: short or invalid numbers, letters, broken e-mails and names', () => {
    for (const bad of [
      '123',
      '+7 916 123 45 67 89',
      '+999 123 456',
      '8-800-CALL-NOW',
      '+7916\u00001234567',
      'a@b',
      'a b@example.com',
      '<x>@example.com',
      '@ab',
      '@1abc',
      '@имя_пользователя',
      '',
    ])
      expect(() => normaliseAddress(bad), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'E_VALIDATION' }),
      )
  })
})
