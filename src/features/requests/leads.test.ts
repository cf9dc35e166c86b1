/** Leads on the device (T11): the events and the list write the Dexie mirror the Leads section reads. */
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import type { LeadView } from '../../../contract/leads.ts'
import { type FrontlineDb, openDb } from '../../lib/store/db.ts'
import { createDispatcher } from '../../lib/sync/dispatch.ts'
import { requestsEvents } from './events.ts'
import { localLeads, newLeadCount, replaceLeads } from './leads.ts'

let db: FrontlineDb | null = null
let seq = 0
let n = 0
const dispatcher = createDispatcher()
dispatcher.register(requestsEvents)
const open = () => {
  db = openDb(`leads-test-${++n}`)
  return db
}
afterEach(async () => {
  db?.close()
  if (db) await db.delete()
  db = null
})

const lead = (id: string, over: Partial<LeadView> = {}): LeadView => ({
  id,
  state: 'new',
  name: `Клиент ${id}`,
  phone: '+79161234567',
  email: null,
  comment: '',
  visitorId: null,
  requestInfo: null,
  createdAt: `2026-11-29T10:0${id}:00.000Z`,
  takenBy: null,
  takenByName: null,
  takenAt: null,
  completedAt: null,
  ...over,
})
const event = (d: FrontlineDb, l: LeadView) =>
  dispatcher.dispatch(d, {
    kind: 'event',
    seq: ++seq,
    at: new Date().toISOString(),
    type: 'lead.updated',
    payload: { lead: l },
  })

describe('leads mirror', () => {
  it('lead.updated adds a lead and later moves it (taken by X, completed); new ones first, oldest first', async () => {
    const d = open()
    await event(d, lead('2'))
    await event(d, lead('1'))
    await event(d, lead('3'))
    expect((await localLeads(d)).map((l) => l.id)).toEqual(['1', '2', '3'])
    expect(await newLeadCount(d)).toBe(3)
    await event(d, lead('1', { state: 'taken', takenBy: 'e1', takenByName: 'Анна' }))
    const list = await localLeads(d)
    expect(list.map((l) => [l.id, l.state])).toEqual([
      ['2', 'new'],
      ['3', 'new'],
      ['1', 'taken'],
    ])
    expect(list[2]?.takenByName).toBe('Анна')
    expect(await newLeadCount(d)).toBe(2)
    await event(d, lead('2', { state: 'completed' }))
    expect((await localLeads(d)).map((l) => l.id)).toEqual(['3', '1', '2'])
  })

  it("the server's list replaces the mirror: leads it no longer lists leave", async () => {
    const d = open()
    await event(d, lead('1'))
    await event(d, lead('2'))
    await replaceLeads(d, [lead('2', { state: 'taken' })])
    expect((await localLeads(d)).map((l) => [l.id, l.state])).toEqual([['2', 'taken']])
  })
})
