/** C8: a failed call's reason in words for the codes an operator meets. */
import { describe, expect, it } from 'vitest'
import { en } from '../../lib/i18n/en.ts'
import { ru } from '../../lib/i18n/ru.ts'
import { failureKey } from './failureText.ts'

describe('failureKey', () => {
  it('the common codes have words in both languages', () => {
    for (const code of [404, 408, 480, 486, 487, 603]) {
      const k = failureKey(code)
      expect(k).not.toBeNull()
      expect(ru[k as keyof typeof ru]).toMatch(/\p{Script=Cyrillic}/u)
      expect(en[k as keyof typeof en]).toBeTruthy()
    }
  })
  it('an unknown code or none keeps the server’s phrase', () => {
    expect(failureKey(599)).toBeNull()
    expect(failureKey(null)).toBeNull()
  })
})
