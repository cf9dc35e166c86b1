import { describe, expect, it } from 'vitest'
import { localInputValue } from './scheduled.ts'

describe('localInputValue (T12 "Send at": people pick a minute)', () => {
  it('is the local time to the minute, without seconds', () => {
    const d = new Date(2026, 10, 29, 9, 5, 42)
    expect(localInputValue(d)).toBe('2026-11-29T09:05')
  })
})
