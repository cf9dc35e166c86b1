import { describe, expect, it } from 'vitest'
import { missLabel } from './missedBy.ts'

const leg = {
  missedByIds: ['bob'],
  declinedIds: [],
  transferOfId: 'o',
  transferredByName: 'Анна Смирнова',
  answeredById: null,
}

describe('missLabel (probe 12 #12)', () => {
  it('a transfer that rang me out: "Missed transfer from" the one who transferred it', () => {
    expect(missLabel(leg, 'bob')).toEqual({ key: 'calls.missedTransfer', name: 'Анна Смирнова' })
  })
  it('a transfer I declined says so', () => {
    expect(missLabel({ ...leg, declinedIds: ['bob'] }, 'bob')).toEqual({
      key: 'calls.declinedTransfer',
      name: 'Анна Смирнова',
    })
  })
  it("a colleague's call (a consultation) I never got is a missed one", () => {
    expect(missLabel({ ...leg, transferOfId: null, transferredByName: null }, 'bob')).toEqual({
      key: 'calls.dir.missed',
    })
  })
  it('nothing for someone it did not ring, nor for an older mirror row without the field', () => {
    expect(missLabel(leg, 'carol')).toBeNull()
    expect(missLabel({ ...leg, missedByIds: undefined }, 'bob')).toBeNull()
    expect(missLabel(leg, null)).toBeNull()
  })
})
