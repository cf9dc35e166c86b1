/**
 * The gateway protocol's batched replay check (issue 8 ingest budget): signatures gathered in one
 * statement are each answered fresh or replayed exactly as one INSERT per webhook answered them.
 */
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { schema } from '../../db/index.ts'
import { connectTestChannel, type TestChannel } from '../../test/channels.ts'
import { targets } from '../../test/dbs.ts'
import { type Fixture, makeFixture } from '../../test/fixture.ts'
import { createReplayBatch } from './replay-batch.ts'

describe.each(targets)('gateway replay batch on $name', (target) => {
  let f: Fixture
  let a: TestChannel
  let b: TestChannel

  beforeAll(async () => {
    f = await makeFixture(target)
    const [t] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    a = await connectTestChannel(f.db.orm, t!.id, 'sms', { url: 'http://127.0.0.1:9/unused' })
    b = await connectTestChannel(f.db.orm, f.otherTenantId, 'sms', { url: 'http://127.0.0.1:9/unused' })
  }, 60_000)
  afterAll(async () => {
    await f?.close()
  })

  it('one group: two copies of a signature — the first is fresh, the second a replay', async () => {
    const r = createReplayBatch(() => f.db.orm, { maxWaitMs: 20 })
    const sig = randomUUID()
    const other = randomUUID()
    const got = await Promise.all([
      r.fresh(a.id, sig),
      r.fresh(a.id, other),
      r.fresh(a.id, sig),
      r.fresh(b.id, sig),
    ])
    // The same signature on another channel is another webhook.
    expect(got).toEqual([true, true, false, true])
    // Seen before (the table remembers it): a replay in a later group.
    expect(await r.fresh(a.id, sig)).toBe(false)
  })

  it('groups beyond maxRows go in turn; each answer is its own', async () => {
    const r = createReplayBatch(() => f.db.orm, { maxWaitMs: 5, maxRows: 3 })
    const sigs = Array.from({ length: 8 }, () => randomUUID())
    const first = await Promise.all(sigs.map((s) => r.fresh(a.id, s)))
    expect(first.every(Boolean)).toBe(true)
    const again = await Promise.all(sigs.map((s) => r.fresh(a.id, s)))
    expect(again.some(Boolean)).toBe(false)
  })

  it('a failed statement fails every webhook it carried, and the next group still goes', async () => {
    let fail = true
    const r = createReplayBatch(() => (fail ? (null as never) : f.db.orm), { maxWaitMs: 5 })
    const results = await Promise.allSettled([r.fresh(a.id, randomUUID()), r.fresh(a.id, randomUUID())])
    expect(results.map((x) => x.status)).toEqual(['rejected', 'rejected'])
    fail = false
    expect(await r.fresh(a.id, randomUUID())).toBe(true)
  })
})
