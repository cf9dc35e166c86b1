import { describe, expect, it } from 'vitest'
import { newPasswordErrors } from './new-password.ts'

describe('newPasswordErrors (probe 13 #14)', () => {
  it('too short first, then a repeat that differs; alike and long enough is fine', () => {
    expect(newPasswordErrors('short', 'short')).toEqual({ next: 'password.tooShort' })
    expect(newPasswordErrors('long-enough-1', 'long-enough-2')).toEqual({ repeat: 'password.mismatch' })
    expect(newPasswordErrors('long-enough-1', '')).toEqual({ repeat: 'password.mismatch' })
    expect(newPasswordErrors('long-enough-1', 'long-enough-1')).toEqual({})
  })
})
