import { describe, expect, it } from 'vitest'
import { companyEmpty } from './landing.ts'

describe('companyEmpty (probe 13 #13)', () => {
  it('an admin alone (or with deactivated accounts only) starts in Administration', () => {
    const me = { id: 'a' }
    expect(companyEmpty(me, [{ id: 'a', active: true }])).toBe(true)
    expect(
      companyEmpty(me, [
        { id: 'a', active: true },
        { id: 'b', active: false },
      ]),
    ).toBe(true)
    expect(
      companyEmpty(me, [
        { id: 'a', active: true },
        { id: 'b', active: true },
      ]),
    ).toBe(false)
  })
})
