import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChatView } from '../../../contract/chats.ts'
import { type FrontlineDb, openDb } from '../../lib/store/db.ts'
import { chatListsSource, countsOf, readChatLists } from './lists.ts'
import { putChats, tabCounts } from './mirror.ts'

const ME = '00000000-0000-4000-8000-000000000001'
let db: FrontlineDb | null = null
afterEach(async () => {
  db?.close()
  await db?.delete()
  db = null
})

const chat = (id: string, over: Partial<ChatView> = {}): ChatView => ({
  id,
  channel: 'webchat',
  state: 'new',
  clientName: null,
  clientPhone: null,
  clientEmail: null,
  contactId: null,
  visitorId: null,
  groupIds: [],
  assigneeId: null,
  assigneeName: null,
  createdAt: '2026-11-29T10:00:00.000Z',
  waitingSince: `2026-11-29T10:00:0${id.slice(-1)}.000Z`,
  acceptedAt: null,
  completedAt: null,
  completedById: null,
  lastMessage: null,
  messageCount: 1,
  operatorReadN: 0,
  clientReadN: 0,
  requestInfo: null,
  ...over,
})

/** Resolves with the next value a subscriber gets that satisfies `ok`. */
const next = <T>(arr: T[], ok: (v: T) => boolean) =>
  new Promise<T>((resolve) => {
    const t = setInterval(() => {
      const v = arr.find(ok)
      if (v) {
        clearInterval(t)
        resolve(v)
      }
    }, 5)
  })

describe('one shared read of the New chats (issue 10)', () => {
  it('the counts from the shared lists are the ones tabCounts reads', async () => {
    db = openDb(`lists-${Math.random()}`)
    await putChats(db, [
      chat('n1'),
      chat('n2'),
      chat('a1', { state: 'active', assigneeId: ME }),
      chat('a2', { state: 'active', assigneeId: 'someone-else' }),
      chat('c1', { state: 'completed' }),
    ])
    const lists = await readChatLists(db, ME)
    expect(lists.new.map((c) => c.id)).toEqual(['n1', 'n2'])
    expect(lists.active.map((c) => c.id)).toEqual(['a1'])
    expect(countsOf(lists)).toEqual(await tabCounts(db, ME))
  })

  it('every follower of the same database and operator shares one query (not a read each)', async () => {
    db = openDb(`lists-${Math.random()}`)
    await putChats(db, [chat('n1')])
    const d = db
    // Count the mirror's reads of the New range: wrap the table's `where` for this database.
    let reads = 0
    const where = d.chats.where.bind(d.chats)
    d.chats.where = ((index: string) => {
      if (index === '[state+waitingOrd]') reads++
      return where(index)
    }) as typeof d.chats.where
    const source = chatListsSource(d, ME)
    expect(chatListsSource(d, ME)).toBe(source)
    const seen: string[][][] = [[], [], []]
    const stops = seen.map((s) => source.subscribe((l) => s.push(l.new.map((c) => c.id))))
    await Promise.all(seen.map((s) => next(s, (v) => v.length === 1)))
    expect(reads).toBe(1)
    await putChats(d, [chat('n2')])
    await Promise.all(seen.map((s) => next(s, (v) => v.length === 2)))
    // Dexie may re-run a live query for one write; three followers of their own would read 3 times or more.
    expect(reads - 1).toBeGreaterThan(0)
    expect(reads - 1).toBeLessThan(seen.length)
    for (const stop of stops) stop()
  })
})
