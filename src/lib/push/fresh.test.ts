/** N2: a tapped notification's screen waits until the mirror has applied events up to the push's seq. */
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { type FrontlineDb, openDb, setMeta } from '../store/db.ts'
import { waitForSeq } from './fresh.ts'

describe('waitForSeq', () => {
  let db: FrontlineDb
  afterEach(async () => {
    await db?.delete()
  })

  it('resolves only once lastSeq reaches the seq', async () => {
    db = openDb(`k-${Math.random()}`)
    await setMeta(db, 'lastSeq', 3)
    let done: boolean | null = null
    const p = waitForSeq(db, 5, 10_000).then((v) => {
      done = v
    })
    await setMeta(db, 'lastSeq', 4)
    // The change at 4 has been seen (a read after it resolves) and it is still waiting.
    await waitForSeq(db, 4, 10_000)
    expect(done).toBeNull()
    await setMeta(db, 'lastSeq', 5)
    await p
    expect(done).toBe(true)
  })

  it('is immediate when already there, and gives up (false) after the wait', async () => {
    db = openDb(`k-${Math.random()}`)
    await setMeta(db, 'lastSeq', 9)
    expect(await waitForSeq(db, 7, 10_000)).toBe(true)
    expect(await waitForSeq(db, 10, 20)).toBe(false)
  })
})
