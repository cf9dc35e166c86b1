import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import type { CallView } from '../../../contract/calls.ts'
import { type FrontlineDb, openDb } from '../../lib/store/db.ts'
import { createDispatcher } from '../../lib/sync/index.ts'
import { callEvents } from './events.ts'

let db: FrontlineDb | null = null
afterEach(async () => {
  await db?.delete()
  db = null
})

const call = (id: string) => ({ id, sipCallId: id, startedAt: '2026-01-01T00:00:00Z' }) as CallView

describe('calls events (C8/C9)', () => {
  it('mirrors calls and marks missed ones handled; a reset drops the history', async () => {
    db = openDb(`k-${Math.random()}`)
    const events = createDispatcher()
    events.register(callEvents)
    await events.dispatch(db, {
      kind: 'event',
      seq: 1,
      type: 'missed.added',
      payload: { call: call('a') },
      at: '',
    })
    await events.dispatch(db, {
      kind: 'event',
      seq: 2,
      type: 'call.updated',
      payload: { call: call('b') },
      at: '',
    })
    await events.dispatch(db, {
      kind: 'event',
      seq: 3,
      type: 'missed.handled',
      payload: {
        callIds: ['a'],
        number: '+1',
        handledById: 'e2',
        handledByName: 'Bob',
        handledAt: '2026-01-01T00:01:00Z',
        how: 'mark',
      },
      at: '',
    })
    expect(await db.calls.get('a')).toMatchObject({ handledById: 'e2', handledByName: 'Bob' })
    expect((await db.calls.toArray()).map((c) => c.id).sort()).toEqual(['a', 'b'])
    await events.reset(db, 0)
    expect(await db.calls.count()).toBe(0)
  })
})
