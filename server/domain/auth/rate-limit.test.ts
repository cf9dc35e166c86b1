import { describe, expect, it } from 'vitest'
import { FailureLimiter } from './rate-limit.ts'

describe('FailureLimiter', () => {
  it('blocks after max failures within the window and frees the key after it', () => {
    let now = 0
    const l = new FailureLimiter(3, 1000, () => now)
    for (let i = 0; i < 3; i++) {
      expect(l.blocked('a')).toBe(false)
      l.fail('a')
    }
    expect(l.blocked('a')).toBe(true)
    expect(l.blocked('b')).toBe(false)
    now = 1001
    expect(l.blocked('a')).toBe(false)
  })

  it('a success resets the count', () => {
    const l = new FailureLimiter(2, 1000, () => 0)
    l.fail('a')
    l.reset('a')
    l.fail('a')
    expect(l.blocked('a')).toBe(false)
  })
})
