import { describe, expect, it } from 'vitest'
import { en } from './en.ts'
import { format, formatDate, pickLang } from './format.ts'
import { ru } from './ru.ts'

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('dictionaries', () => {
  it('ru and en have exactly the same keys', () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort())
  })
  it('no message is empty and both use the same placeholders', () => {
    for (const k of Object.keys(en) as (keyof typeof en)[]) {
      expect(en[k].trim(), k).not.toBe('')
      expect(ru[k].trim(), k).not.toBe('')
      expect(placeholders(ru[k]), k).toEqual(placeholders(en[k]))
    }
  })
})

describe('format', () => {
  it('fills placeholders and keeps unknown ones', () => {
    expect(format('Status: {name}', { name: 'Break' })).toBe('Status: Break')
    expect(format('{a} / {t}', { a: 0, t: 3 })).toBe('0 / 3')
    expect(format('{x}', {})).toBe('{x}')
  })
})

describe('pickLang', () => {
  it('takes the first supported base language', () => {
    expect(pickLang(['de-DE', 'ru-RU', 'en'])).toBe('ru')
    expect(pickLang(['en-GB'])).toBe('en')
    expect(pickLang(['fr'])).toBe('en')
  })
})

describe('dates follow the app language, not the browser', () => {
  const at = new Date(2026, 10, 22, 20, 59, 6)
  it('24-hour times in both languages', () => {
    expect(formatDate(at, 'ru', { timeStyle: 'medium' })).toBe('20:59:06')
    expect(formatDate(at, 'en', { timeStyle: 'medium' })).toBe('20:59:06')
  })
  it('dates in the language of the UI', () => {
    expect(formatDate(at, 'ru', { dateStyle: 'short' })).toBe('22.11.2026')
    expect(formatDate(at, 'en', { dateStyle: 'short' })).toBe('22/11/2026')
  })
})
