/**
 * Probe 12 #12 (C10) and #15 (C1): the target of a blind transfer who never got it has it in My calls
 * ("Missed transfer from Anna"), declined or rung out; a colleague's call nobody answered (a
 * consultation) is the colleague's too; and a consultation names the client's call it is about — from
 * what the server knows (the caller's answered call), never from a header.
 */
import { and, desc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { CallPage, CallView } from '../../../contract/calls.ts'
import { schema } from '../../db/index.ts'
import { targets } from '../../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../../test/fixture.ts'
import { missedBy } from './dialog.ts'
import { aor, kamailio, SALES_VN } from './testkit.ts'

describe('missedBy', () => {
  it('a transfer leg or a colleague call: everyone it rang; a client call to a group: nobody (that is Missed)', () => {
    expect(missedBy({ transferOfId: 'o', direction: 'in', offeredIds: ['b'] })).toEqual(['b'])
    expect(missedBy({ transferOfId: null, direction: 'internal', offeredIds: ['b', 'c'] })).toEqual([
      'b',
      'c',
    ])
    expect(missedBy({ transferOfId: null, direction: 'in', offeredIds: ['b'] })).toEqual([])
  })
})

describe.each(targets)('missed transfers and consultations on $name', (target) => {
  let f: Fixture
  let k: Awaited<ReturnType<typeof kamailio>>
  let tenantId: string
  let emp: Map<string, { id: string; name: string }>
  beforeAll(async () => {
    f = await makeFixture(target)
    k = await kamailio(f)
    await f.db.orm.update(schema.employees).set({ mobile: null })
    const [t] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    tenantId = t!.id
    const rows = await f.db.orm
      .select({ id: schema.employees.id, name: schema.employees.name, extension: schema.employees.extension })
      .from(schema.employees)
      .where(eq(schema.employees.tenantId, tenantId))
    emp = new Map(rows.map((e) => [e.extension, e]))
  })
  afterAll(() => f.close())
  beforeEach(async () => {
    for (const i of [1, 2, 3, 4]) {
      await k.status(`op${i}@demo`, 'available')
      await k.register(`10${i}`)
    }
    await f.db.orm.update(schema.calls).set({ state: 'ended' }).where(eq(schema.calls.state, 'answered'))
    await f.db.orm.update(schema.calls).set({ state: 'failed' }).where(eq(schema.calls.state, 'ringing'))
  })

  const mine = async (login: string): Promise<CallView[]> => {
    const r = await f.app.inject({ url: '/api/calls?scope=mine', headers: auth(await k.token(login)) })
    expect(r.statusCode).toBe(200)
    return (r.json() as CallPage).items
  }
  const published = async (sipCallId: string): Promise<CallView> => {
    const evs = await f.db.orm
      .select()
      .from(schema.events)
      .where(and(eq(schema.events.tenantId, tenantId), eq(schema.events.type, 'call.updated')))
      .orderBy(desc(schema.events.seq))
    const ev = evs.find((e) => (e.payload as { call: CallView }).call.sipCallId === sipCallId)
    return (ev!.payload as { call: CallView }).call
  }

  /** A client on Sales (the phone network, +7 916 400-00-00) answered by op1, Anna. */
  async function annaWithClient() {
    const first = await k.route('gateway', SALES_VN, { fromName: '"+79164000000"', conn: 'c51' })
    expect(first.answer).toMatchObject({ action: 'relay' })
    await k.dialog('answer', first.callId, { answeredBy: aor('101') })
    return first
  }

  for (const [how, code] of [
    ['rings out', 408],
    ['is declined', 603],
  ] as const) {
    it(`a blind transfer the target ${how} is in his My calls, from the one who transferred it`, async () => {
      const first = await annaWithClient()
      expect(await k.refer(first.callId, `<${aor('104')}>`, { transferee: 'c51' })).toEqual({
        action: 'accept',
      })
      const leg = await k.route('gateway', '104', { conn: 'c51', fromName: '"+79164000000"' })
      expect(leg.answer).toMatchObject({ action: 'relay', targets: [aor('104')] })
      if (code === 603) {
        const r = await f.app.inject({
          method: 'POST',
          url: `/api/calls/declined/${encodeURIComponent(leg.callId)}`,
          headers: auth(await k.token('op4@demo')),
        })
        expect(r.statusCode).toBe(200)
      }
      await k.dialog('failed', leg.callId, { code })
      const bob = emp.get('104')!
      const anna = emp.get('101')!
      const row = (await mine('op4@demo')).find((c) => c.sipCallId === leg.callId)
      expect(row).toMatchObject({
        state: 'failed',
        missedByIds: [bob.id],
        transferredById: anna.id,
        transferredByName: anna.name,
        peerNumber: '+79164000000',
      })
      // The app mirrors it from the event too.
      expect(await published(leg.callId)).toMatchObject({ missedByIds: [bob.id] })
      // The client is still with Anna: no missed call for the team (no Missed row, no missed push).
      expect(row?.missed).toBe(false)
      const missedEvents = await f.db.orm
        .select()
        .from(schema.events)
        .where(and(eq(schema.events.tenantId, tenantId), eq(schema.events.type, 'missed.added')))
      expect(missedEvents.some((e) => (e.payload as { call: CallView }).call.sipCallId === leg.callId)).toBe(
        false,
      )
      // Nobody else's My calls gets it (op2 was not rung).
      expect((await mine('op2@demo')).some((c) => c.sipCallId === leg.callId)).toBe(false)
      await k.dialog('end', first.callId)
    })
  }

  it("a transfer leg that fails once the client's call is over is a missed call of the team", async () => {
    const first = await annaWithClient()
    await k.refer(first.callId, `<${aor('104')}>`, { transferee: 'c51' })
    const leg = await k.route('gateway', '104', { conn: 'c51', fromName: '"+79164000000"' })
    await k.dialog('end', first.callId)
    await k.dialog('failed', leg.callId, { code: 408 })
    expect((await mine('op4@demo')).find((c) => c.sipCallId === leg.callId)).toMatchObject({
      missed: true,
      missedByIds: [emp.get('104')!.id],
    })
  })

  it('a transfer to someone who cannot take it now is refused, and no missed call of the team', async () => {
    const first = await annaWithClient()
    await k.status('op4@demo', 'break')
    try {
      expect(await k.refer(first.callId, `<${aor('104')}>`, { transferee: 'c51' })).toEqual({
        action: 'accept',
      })
      const leg = await k.route('gateway', '104', { conn: 'c51', fromName: '"+79164000000"' })
      expect(leg.answer).toMatchObject({ action: 'reject' })
      const [row] = await f.db.orm.select().from(schema.calls).where(eq(schema.calls.sipCallId, leg.callId))
      expect(row).toMatchObject({ state: 'failed', missed: false })
    } finally {
      await k.status('op4@demo', 'available')
      await k.dialog('end', first.callId)
    }
  })

  it('a transfer the target answers is his as the one who answered, not a missed one', async () => {
    const first = await annaWithClient()
    await k.refer(first.callId, `<${aor('104')}>`, { transferee: 'c51' })
    const leg = await k.route('gateway', '104', { conn: 'c51' })
    await k.dialog('answer', leg.callId, { answeredBy: aor('104') })
    await k.dialog('end', leg.callId)
    expect((await mine('op4@demo')).find((c) => c.sipCallId === leg.callId)).toMatchObject({
      state: 'ended',
      missedByIds: [],
    })
  })

  it("a consultation names the client's call it is about; missed, it is the colleague's call too", async () => {
    const first = await annaWithClient()
    const original = (await mine('op1@demo')).find((c) => c.sipCallId === first.callId)!
    // Anna puts the client on hold and calls Bob from the transfer picker ("New call").
    const consult = await k.route('101', '104')
    expect(consult.answer).toMatchObject({ action: 'relay', targets: [aor('104')] })
    // What Bob's incoming screen reads: the client's number and the line he called.
    expect(await published(consult.callId)).toMatchObject({
      direction: 'internal',
      consultAbout: {
        callId: original.id,
        number: '+79164000000',
        virtualNumber: SALES_VN,
        virtualNumberName: 'Sales',
        virtualNumberSource: 'website',
      },
    })
    await k.dialog('failed', consult.callId, { code: 487 })
    const bob = emp.get('104')!
    expect((await mine('op4@demo')).find((c) => c.sipCallId === consult.callId)).toMatchObject({
      missedByIds: [bob.id],
      consultAbout: { number: '+79164000000' },
    })
    await k.dialog('end', first.callId)
  })

  it('a call to a colleague with no client call answered is no consultation', async () => {
    const plain = await k.route('101', '104')
    expect((await published(plain.callId)).consultAbout ?? null).toBeNull()
    // A client's call op2 answered makes op1's call no consultation either.
    const other = await k.route('gateway', SALES_VN, { fromName: '"+79160001111"' })
    await k.dialog('answer', other.callId, { answeredBy: aor('102') })
    await k.dialog('failed', plain.callId, { code: 487 })
    const again = await k.route('101', '104')
    expect((await published(again.callId)).consultAbout ?? null).toBeNull()
    await k.dialog('failed', again.callId, { code: 487 })
    await k.dialog('end', other.callId)
  })
})
