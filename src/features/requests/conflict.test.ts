/** T9 on the device: messages a resume refused (the client has another active chat) are kept and re-sent there. */
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { type FrontlineDb, openDb } from '../../lib/store/db.ts'
import { localMessages, matchesSearch } from './mirror.ts'
import { compose, conflictTarget, outcomeOf, resendInto } from './send.ts'
import { msLeft } from './transfers.ts'

let db: FrontlineDb | null = null
afterEach(async () => {
  db?.close()
  if (db) await db.delete()
  db = null
})
const ME = { id: '00000000-0000-4000-8000-000000000001', name: 'Anna' }
const text = (chatId: string, t: string) =>
  ({ kind: 'message', payload: { chatId, text: t, replyToId: null } }) as const

describe('T9 conflict (!) and re-send', () => {
  it('the refusal names the active chat; one call re-sends the refused messages there in order, nothing lost', async () => {
    const d = openDb('conflict-test')
    db = d
    // The server's 409 keeps its code and the active chat's id (remote.ts) as a refusal.
    const out = outcomeOf({ status: 409, code: 'E_CHAT_CONFLICT|active-chat' })
    expect(out).toEqual({ kind: 'refused', error: 'E_CHAT_CONFLICT|active-chat' })
    expect(conflictTarget('E_CHAT_CONFLICT|active-chat')).toBe('active-chat')
    expect(conflictTarget('E_FILE_TYPE')).toBeNull()
    expect(conflictTarget(null)).toBeNull()
    const a = await compose(d, ME, text('old-chat', 'первое'))
    const b = await compose(d, ME, text('old-chat', 'второе'))
    await d.outbox
      .where('id')
      .anyOf([a, b])
      .modify({ state: 'refused', lastError: 'E_CHAT_CONFLICT|active-chat' })
    const items = await d.outbox.where('key').equals('old-chat').toArray()
    expect(await resendInto(d, ME, items.reverse(), 'active-chat')).toBe(2)
    const moved = await d.outbox
      .where('[key+seq]')
      .between(['active-chat', -Infinity], ['active-chat', Infinity])
      .toArray()
    expect(moved.map((i) => [(i.payload as { text: string }).text, i.state])).toEqual([
      ['первое', 'queued'],
      ['второе', 'queued'],
    ])
    expect(moved.every((i) => i.id !== a && i.id !== b)).toBe(true)
    expect(await d.outbox.where('key').equals('old-chat').count()).toBe(0)
    expect((await localMessages(d, 'old-chat', 50)).length).toBe(0)
    expect((await localMessages(d, 'active-chat', 50)).map((m) => m.text)).toEqual(['первое', 'второе'])
  })

  it('the Completed search matches the client’s name, e-mail or phone digits (what shows before the server answers)', () => {
    const c = { clientName: 'Олег Петров', clientPhone: '+79161234567', clientEmail: 'oleg@example.com' }
    expect(matchesSearch(c, 'петров')).toBe(true)
    expect(matchesSearch(c, ' OLEG@ ')).toBe(true)
    expect(matchesSearch(c, '+7 916 123')).toBe(true)
    expect(matchesSearch(c, '916-12')).toBe(true)
    expect(matchesSearch(c, 'Иван')).toBe(false)
    expect(matchesSearch(c, '555')).toBe(false)
    expect(matchesSearch({ clientName: null, clientPhone: null, clientEmail: null }, 'x')).toBe(false)
    expect(matchesSearch(c, '   ')).toBe(true)
  })

  it('T7 countdown reads the deadline as given (no skew known yet)', () => {
    const now = Date.parse('2026-11-29T10:00:00.000Z')
    expect(msLeft({ deadline: '2026-11-29T10:00:29.900Z' }, now)).toBe(29_900)
    expect(msLeft({ deadline: '2026-11-29T09:59:59.000Z' }, now)).toBe(0)
  })
})
