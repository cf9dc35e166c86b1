import { describe, expect, it } from 'vitest'
import { recentKeys } from './recent-keys.ts'

describe('recentKeys', () => {
  it('remembers what was added and forgets the oldest past its bound', () => {
    const r = recentKeys(2)
    r.add('a')
    r.add('b')
    expect(r.has('a') && r.has('b')).toBe(true)
    r.add('c')
    expect(r.has('a')).toBe(false)
    expect(r.has('b') && r.has('c')).toBe(true)
    expect(r.has('d')).toBe(false)
  })
})
