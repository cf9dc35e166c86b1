/** C8: one number format everywhere, and number queries as people type them. */
import { describe, expect, it } from 'vitest'
import { formatPhone, numberQuery, searchQuery, toE164 } from './phoneFormat.ts'

describe('formatPhone', () => {
  it('shows every way of writing a Russian number one way', () => {
    const want = formatPhone('+79164000000')
    expect(want).toMatch(/^\+7 916 400/)
    for (const raw of ['8 916 400 00 00', '79164000000', '+7 (916) 400-00-00', '8(916)4000000'])
      expect(formatPhone(raw)).toBe(want)
  })
  it('formats foreign numbers in E.164 by their own country', () => {
    expect(formatPhone('+380441234567')).toBe('+380 44 123 4567')
  })
  it('leaves extensions, guest users and words as they are', () => {
    for (const raw of ['101', '2001', 'guest-7f3a', 'Sales', '', '+7 916']) expect(formatPhone(raw)).toBe(raw)
  })
})

describe('numberQuery', () => {
  it('reads an 8-prefixed, a +7 and a bare 7 number as the same national digits', () => {
    for (const q of ['8 916 400 00 00', '+7 916 400-00-00', '79164000000', '8(916)400-00-00'])
      expect(numberQuery(q)).toBe('9164000000')
  })
  it('keeps a part of a number as its digits', () => {
    expect(numberQuery('400-00')).toBe('40000')
    expect(numberQuery(' 916 ')).toBe('916')
  })
  it('reads a part of a number typed with the Russian trunk 8 as national digits', () => {
    expect(numberQuery('8 916 555')).toBe('916555')
    expect(numberQuery('8916555')).toBe('916555')
    expect(numberQuery('+7 916 555')).toBe('7916555')
    // Short or "+"-led digits are kept: "8 91" may be anywhere in a number, "+8…" is not a trunk prefix.
    expect(numberQuery('891')).toBe('891')
    expect(numberQuery('+8916555')).toBe('8916555')
  })
  it('is null for names and mixed text', () => {
    expect(numberQuery('Anna')).toBeNull()
    expect(numberQuery('Anna 916')).toBeNull()
    expect(numberQuery('')).toBeNull()
  })
  it('searchQuery passes names through', () => {
    expect(searchQuery('Ivan Petrov')).toBe('Ivan Petrov')
    expect(searchQuery('8 916 400 00 00')).toBe('9164000000')
  })
})

describe('toE164 (A4: phone-book names matched by number)', () => {
  it('reads every way of writing a number as one E.164', () => {
    for (const raw of ['8 916 400 00 00', '79164000000', '+7 (916) 400-00-00', '8(916)4000000'])
      expect(toE164(raw)).toBe('+79164000000')
    expect(toE164('+380 44 123 4567')).toBe('+380441234567')
  })
  it('is null for extensions, guest users, words and broken numbers', () => {
    for (const raw of ['101', 'guest-7f3a', 'Sales', '', '+7 916', '12']) expect(toE164(raw)).toBeNull()
  })
})
