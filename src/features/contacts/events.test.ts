import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import type { EmployeeView } from '../../../contract/api.ts'
import type { ServerEvent } from '../../../contract/events.ts'
import { type FrontlineDb, openDb } from '../../lib/store/db.ts'
import { getMeta } from '../../lib/store/index.ts'
import { createDispatcher } from '../../lib/sync/index.ts'
import { contactEvents } from './events.ts'

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

describe('contacts events (K1, S1)', () => {
  it('a colleague’s status change is written to the employee with the seq, in one transaction', async () => {
    db = openDb(`c-${Math.random()}`)
    const events = createDispatcher()
    events.register(contactEvents)
    await db.employees.put(emp)
    expect(await events.dispatch(db, status(5, 'available', true))).toBe(true)
    expect(await db.employees.get('e1')).toMatchObject({ status: 'available', online: true })
    expect(await getMeta(db, 'lastSeq')).toBe(5)
  })

  it('ignores a repeated or older event (resume may resend the boundary)', async () => {
    db = openDb(`c-${Math.random()}`)
    const events = createDispatcher()
    events.register(contactEvents)
    await db.employees.put(emp)
    await events.dispatch(db, status(7, 'break', true))
    expect(await events.dispatch(db, status(7, 'available', true))).toBe(false)
    expect(await events.dispatch(db, status(6, 'off_work', false))).toBe(false)
    expect(await db.employees.get('e1')).toMatchObject({ status: 'break' })
    expect(await getMeta(db, 'lastSeq')).toBe(7)
  })
})
