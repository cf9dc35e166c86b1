import { describe, expect, it } from 'vitest'
import { AppError } from '../../errors.ts'
import { MOBILE_DETAIL, normaliseMobile } from './mobile.ts'

describe('normaliseMobile (probe 13 UI #2)', () => {
  it('reads a number the way people write it and stores E.164', () => {
    for (const typed of [
      '+7 916 123-45-67',
      '8 916 123 45 67',
      '+7(916)1234567',
      '(916) 123-45-67',
      '89161234567',
      ' +79161234567 ',
    ])
      expect(normaliseMobile(typed), typed).toBe('+79161234567')
    expect(normaliseMobile('+49 30 901820')).toBe('+4930901820')
  })

  it('empty or absent is no number', () => {
    expect(normaliseMobile('')).toBeNull()
    expect(normaliseMobile('  ')).toBeNull()
    expect(normaliseMobile(null)).toBeNull()
    expect(normaliseMobile(undefined)).toBeNull()
  })

  it('refuses what is not a number with E_VALIDATION naming the field', () => {
    for (const bad of ['abc', '12', '8 916 123', '+7 916 123 45 67 89 00', '916abc4567']) {
      let err: unknown
      try {
        normaliseMobile(bad)
      } catch (e) {
        err = e
      }
      expect(err, bad).toBeInstanceOf(AppError)
      expect((err as AppError).code).toBe('E_VALIDATION')
      expect((err as AppError).details).toEqual([MOBILE_DETAIL])
    }
  })
})
