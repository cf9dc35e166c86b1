import { describe, expect, it } from 'vitest'
import type { ClientView } from '../../../contract/api.ts'
import { clientMatches } from './data.ts'

const c: ClientView = {
  id: '1',
  name: 'Анна Петрова',
  phones: ['+7 (912) 345-67-89'],
  emails: ['Anna@Example.com'],
  channels: [],
  groupId: null,
  groupName: null,
  managerId: null,
  managerName: null,
}

describe('clientMatches', () => {
  it('matches name case-insensitively, e-mail and phone digits in any format', () => {
    expect(clientMatches(c, 'анна')).toBe(true)
    expect(clientMatches(c, 'anna@example')).toBe(true)
    expect(clientMatches(c, '912345')).toBe(true)
    expect(clientMatches(c, '912-345')).toBe(true)
    expect(clientMatches(c, '')).toBe(true)
  })
  it('does not match unrelated text, nor punctuation-only queries against phones', () => {
    expect(clientMatches(c, 'boris')).toBe(false)
    expect(clientMatches(c, '()-')).toBe(false)
    expect(clientMatches(c, '000')).toBe(false)
  })
})
