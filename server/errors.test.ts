import { describe, expect, it } from 'vitest'
import { errorBody, pickLang } from './errors.ts'

describe('pickLang', () => {
  it.each([
    [undefined, 'en'],
    ['ru', 'ru'],
    ['ru-RU,ru;q=0.9,en-US;q=0.8', 'ru'],
    ['en-US,en;q=0.9,ru;q=0.8', 'en'],
    ['de-DE,ru;q=0.5', 'ru'],
    ['ru;q=0.1,en;q=0.9', 'en'],
    ['ru;q=0,en;q=0', 'en'],
    ['*', 'en'],
  ])('%s → %s', (h, lang) => expect(pickLang(h)).toBe(lang))
})

describe('errorBody', () => {
  it('has code, localized message and optional details', () => {
    expect(errorBody('E_NOT_FOUND', 'ru')).toEqual({ error: { code: 'E_NOT_FOUND', message: 'Не найдено.' } })
    expect(errorBody('E_VALIDATION', 'en', ['a: b']).error.details).toEqual(['a: b'])
  })
})
