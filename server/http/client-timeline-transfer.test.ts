/**
 * Probe 11 finding 20 (K2, C5/C6): a transfer leg is part of the call it came from — the client's
 * timeline shows the call once, with where it was transferred and whether that colleague answered;
 * an unanswered leg is never a "missed call" the client never missed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TimelineResponse } from '../../contract/timeline.ts'
import { schema } from '../db/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

describe.each(targets)('K2 transfer legs in the client timeline on $name', (target) => {
  let f: Fixture
  let op = ''
  let tenantId = ''
  let ivan = { id: '', name: '' }
  let boris = { id: '', name: '' }
  beforeAll(async () => {
    f = await makeFixture(target)
    const o = await f.login('op1@demo')
    op = o.token
    tenantId = o.me.tenantId
    ivan = (await f.login('op2@demo')).me
    boris = (await f.login('op3@demo')).me
  })
  afterAll(() => f.close())

  it('an unanswered leg folds into its call as "transfer to Ivan — no answer"; an answered one with its talk time', async () => {
    const [client] = await f.db.orm
      .insert(schema.contacts)
      .values({ tenantId, name: 'Ирина Тестова', phones: ['+7 916 555-20-20'] })
      .returning()
    const peer = '+79165552020'
    const t = (m: number) => new Date(Date.UTC(2026, 10, 29, 21, m))
    const base = {
      tenantId,
      direction: 'in' as const,
      callerUser: peer,
      fromNumber: peer,
      toNumber: '+74951204560',
      peerNumber: peer,
      peerDigits: peer.replace(/\D/g, ''),
    }
    const [first] = await f.db.orm
      .insert(schema.calls)
      .values({
        ...base,
        sipCallId: 'tx-1',
        state: 'ended',
        startedAt: t(44),
        answeredAt: t(44),
        durationSec: 21,
      })
      .returning()
    // op1 tried to hand it to Ivan, who let it ring: the leg failed, flagged missed.
    await f.db.orm.insert(schema.calls).values({
      ...base,
      sipCallId: 'tx-1b',
      state: 'failed',
      missed: true,
      transferOfId: first!.id,
      offeredIds: [ivan.id],
      startedAt: t(45),
      failureCode: 408,
    })
    // A second call, transferred to Boris, who took it and talked 2:10.
    const [second] = await f.db.orm
      .insert(schema.calls)
      .values({
        ...base,
        sipCallId: 'tx-2',
        state: 'ended',
        startedAt: t(50),
        answeredAt: t(50),
        durationSec: 30,
      })
      .returning()
    await f.db.orm.insert(schema.calls).values({
      ...base,
      sipCallId: 'tx-2b',
      state: 'ended',
      transferOfId: second!.id,
      offeredIds: [boris.id],
      answeredById: boris.id,
      startedAt: t(51),
      answeredAt: t(51),
      durationSec: 130,
    })
    const r = await f.app.inject({
      method: 'GET',
      url: `/api/contacts/clients/${client!.id}/timeline`,
      headers: auth(op),
    })
    expect(r.statusCode).toBe(200)
    const { items } = r.json() as TimelineResponse
    expect(items.map((x) => x.id)).toEqual([second!.id, first!.id])
    expect(items.some((x) => x.kind === 'call' && x.missed)).toBe(false)
    expect(items[1]).toMatchObject({
      missed: false,
      durationSec: 21,
      transfers: [{ name: ivan.name, answered: false, durationSec: null }],
    })
    expect(items[0]).toMatchObject({ transfers: [{ name: boris.name, answered: true, durationSec: 130 }] })
  })
})
