/** Guest limits count in a window that starts at a key's first hit (issue 6 review), not at a clock edge. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestDb, targets } from '../../test/dbs.ts'
import { GUEST_LIMITS, guestHit } from './guest-limits.ts'

describe.each(targets)('guest limit windows on $name', (target) => {
  let t: TestDb
  beforeAll(async () => {
    t = await target.open()
  })
  afterAll(() => t.dispose())

  const { max, windowS } = GUEST_LIMITS.callsPerAddress
  /** A clock edge of the old fixed windows (a multiple of the window since the epoch). */
  const edge = Math.ceil(Date.parse('2026-03-01T12:00:00Z') / (windowS * 1000)) * windowS * 1000
  const admitted = async (key: string, n: number, at: number) => {
    const ok = await Promise.all(
      Array.from({ length: n }, () => guestHit(t.db.orm, 'callsPerAddress', key, new Date(at))),
    )
    return ok.filter(Boolean).length
  }

  it('a burst across the old clock edge gets the limit once, not twice', async () => {
    const before = await admitted('198.51.100.1', max, edge - 1000)
    const after = await admitted('198.51.100.1', max, edge + 1000)
    expect(before).toBe(max)
    expect(after).toBe(0)
  })

  it('the window runs from the first hit: still closed just before its end, open again after it', async () => {
    const first = edge + 7_000
    expect(await admitted('198.51.100.2', max + 1, first)).toBe(max)
    expect(await admitted('198.51.100.2', 1, first + windowS * 1000 - 1000)).toBe(0)
    expect(await admitted('198.51.100.2', max + 1, first + windowS * 1000 + 1000)).toBe(max)
  })

  it('keys and limits are counted apart', async () => {
    expect(await admitted('198.51.100.3', max, edge)).toBe(max)
    expect(await admitted('198.51.100.4', 1, edge)).toBe(1)
    expect(await guestHit(t.db.orm, 'callsPerLine', '198.51.100.3', new Date(edge))).toBe(true)
  })
})
