import { describe, expect, it } from 'vitest'
import { detailPaths, employeeFieldsOfError } from './field-errors.ts'

describe('field errors (probe 13 UI #1)', () => {
  it('reads the path of each detail, a list index dropped, the first text kept', () => {
    expect([
      ...detailPaths(['mobile: a mobile number', 'config.groupIds.0: Invalid UUID', 'mobile: again']),
    ]).toEqual([
      ['mobile', 'a mobile number'],
      ['config.groupIds', 'Invalid UUID'],
    ])
    expect(detailPaths(['no colon here']).size).toBe(0)
  })

  it('the employee form: the mobile field of E_VALIDATION, the login and extension of their codes', () => {
    expect([
      ...employeeFieldsOfError('E_VALIDATION', ['mobile: a mobile number such as +7 916 123-45-67']),
    ]).toEqual([['mobile', 'E_VALIDATION']])
    expect([...employeeFieldsOfError('E_LOGIN_TAKEN', [])]).toEqual([['login', 'E_LOGIN_TAKEN']])
    expect([...employeeFieldsOfError('E_EXTENSION_TAKEN', [])]).toEqual([['extension', 'E_EXTENSION_TAKEN']])
    expect(employeeFieldsOfError('E_SEAT_LIMIT', []).size).toBe(0)
    expect(employeeFieldsOfError('E_VALIDATION', ['acceptButton: Invalid type']).size).toBe(0)
  })
})
