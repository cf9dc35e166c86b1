import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import type { EmployeeView } from '../../../contract/api.ts'
import type { ServerEvent } from '../../../contract/events.ts'
import { type FrontlineDb, openDb } from '../store/db.ts'
import { getMeta } from '../store/index.ts'
import { applyEvent } from './apply.ts'

const emp: EmployeeView = {
  id: 'e1',
  name: 'Anna',
  login: 'op1@demo',
  role: 'operator',
  extension: '101',
  mobile: null,
  email: null,
  status: 'off_work',
  online: false,
  presence: { state: 'unavailable', labelKey: null },
}

const status = (seq: number, s: string, online: boolean): ServerEvent => ({
  kind: 'event',
  seq,
  type: 'status.changed',
  payload: { employeeId: 'e1', status: s, online, at: '2026-01-01T00:00:00Z' },
  at: '2026-01-01T00:00:00Z',
})

let db: FrontlineDb | null = null
afterEach(async () => {
  await db?.delete()
  db = null
})

describe('applyEvent', () => {
  it('applies a status change and records the seq in the same transaction', async () => {
    db = openDb(`t-${Math.random()}`)
    await db.employees.put(emp)
    expect(await applyEvent(db, status(5, 'available', true))).toBe(true)
    expect(await db.employees.get('e1')).toMatchObject({ status: 'available', online: true })
    expect(await getMeta(db, 'lastSeq')).toBe(5)
  })

  it('ignores a repeated or older event (resume may resend the boundary)', async () => {
    db = openDb(`t-${Math.random()}`)
    await db.employees.put(emp)
    await applyEvent(db, status(7, 'break', true))
    expect(await applyEvent(db, status(7, 'available', true))).toBe(false)
    expect(await applyEvent(db, status(6, 'off_work', false))).toBe(false)
    expect(await db.employees.get('e1')).toMatchObject({ status: 'break' })
    expect(await getMeta(db, 'lastSeq')).toBe(7)
  })

  it('stores a new status matrix', async () => {
    db = openDb(`t-${Math.random()}`)
    const matrix = [
      {
        id: 'lunch',
        name: { en: 'Lunch', ru: 'Обед' },
        color: '#123456',
        allows: {
          softphoneIn: false,
          mobileIn: false,
          outgoing: false,
          chats: false,
          workingTime: true,
          nonWorkingTime: false,
        },
      },
    ]
    await applyEvent(db, { kind: 'event', seq: 1, type: 'statuses.updated', payload: { matrix }, at: '' })
    expect(await getMeta(db, 'statuses')).toEqual(matrix)
  })
})
