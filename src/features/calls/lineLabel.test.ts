import { describe, expect, it } from 'vitest'
import { lineLabel } from './lineLabel.ts'

describe('probe 11 finding 11: a row names the line, not its number', () => {
  it('the virtual number’s name when it has one; its digits formatted when not; nothing without one', () => {
    expect(lineLabel({ virtualNumber: '+74951204560', virtualNumberName: 'Sales' })).toBe('Sales')
    expect(lineLabel({ virtualNumber: '+74951204560', virtualNumberName: '  ' })).toMatch(
      /^\+7 495 120[ -]45[ -]60$/,
    )
    expect(lineLabel({ virtualNumber: '+74951204560' })).toMatch(/^\+7 495 120[ -]45[ -]60$/)
    expect(lineLabel({ virtualNumber: null, virtualNumberName: null })).toBeNull()
  })
})
