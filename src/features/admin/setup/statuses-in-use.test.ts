import { describe, expect, it } from 'vitest'
import { statusesInUse } from './statuses-in-use.ts'

describe('E_STATUS_IN_USE details read back (probe 13 UI #5)', () => {
  it('the refused ids, each with the employees holding it; names may hold colons', () => {
    const m = statusesInUse([
      'break',
      'training',
      'holder:training:Анна Петрова',
      'holder:training:Борис: старший',
    ])
    expect([...m]).toEqual([
      ['break', []],
      ['training', ['Анна Петрова', 'Борис: старший']],
    ])
  })
  it('an old server (ids only) still names the statuses', () => {
    expect([...statusesInUse(['break'])]).toEqual([['break', []]])
  })
})
