import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import type { StatusMatrix } from '../../../contract/status.ts'
import { type FrontlineDb, openDb } from '../../lib/store/db.ts'
import { getMeta } from '../../lib/store/index.ts'
import { createDispatcher } from '../../lib/sync/index.ts'
import { statusEvents } from './events.ts'
import { matrix } from './statuses.ts'

let db: FrontlineDb | null = null
afterEach(async () => {
  await db?.delete()
  db = null
})

const lunch: StatusMatrix = [
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

describe('status events (S1)', () => {
  it('a new status matrix is stored with the seq and shown after the commit; a reset drops it', async () => {
    db = openDb(`s-${Math.random()}`)
    const events = createDispatcher()
    events.register(statusEvents)
    await events.dispatch(db, {
      kind: 'event',
      seq: 1,
      type: 'statuses.updated',
      payload: { matrix: lunch },
      at: '',
    })
    expect(await getMeta(db, 'statuses')).toEqual(lunch)
    expect(await getMeta(db, 'lastSeq')).toBe(1)
    expect(matrix()).toEqual(lunch)
    await events.reset(db, 0)
    expect(await getMeta(db, 'statuses')).toBeUndefined()
  })
})
