import { describe, expect, it } from 'vitest'
import { olderAdded } from './paging.ts'

const ids = (...xs: string[]) => xs.map((id) => ({ id }))

describe('olderAdded (T4 paging keeps the reader’s place)', () => {
  it('counts the messages prepended in front of the old first one', () => {
    expect(olderAdded('m51', ids('m1', 'm2', 'm51', 'm52'))).toBe(2)
  })
  it('is 0 when only newer messages arrived or nothing changed', () => {
    expect(olderAdded('m1', ids('m1', 'm2', 'm3'))).toBe(0)
    expect(olderAdded('gone', ids('m1'))).toBe(0)
  })
})
