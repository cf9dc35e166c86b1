/**
 * C1: the call record the app gets says what the dialled virtual number is for ("Sales · website")
 * and, on a transfer leg, who transferred it — blind (the leg links the call the referrer answered)
 * and attended (linked to the consultation call, whose callee takes over).
 */
import { and, desc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CallView } from '../../../contract/calls.ts'
import { schema } from '../../db/index.ts'
import { targets } from '../../test/dbs.ts'
import { type Fixture, makeFixture } from '../../test/fixture.ts'
import { transferrerOf } from './context.ts'
import { aor, kamailio, SALES_VN } from './testkit.ts'
import { toViews } from './views.ts'

describe('transferrerOf', () => {
  const anna = 'anna'
  const bob = 'bob'
  it('blind: the one who had the call', () => {
    expect(
      transferrerOf(
        { offeredIds: [bob], answeredById: null },
        { id: 'o', answeredById: anna, callerEmployeeId: null },
      ),
    ).toBe(anna)
  })
  it('attended, linked to the consultation: the one who called the new callee', () => {
    expect(
      transferrerOf(
        { offeredIds: [bob], answeredById: bob },
        { id: 'o', answeredById: bob, callerEmployeeId: anna },
      ),
    ).toBe(anna)
  })
})

describe.each(targets)('call context on $name', (target) => {
  let f: Fixture
  let k: Awaited<ReturnType<typeof kamailio>>
  let tenantId: string
  let emp: Map<string, { id: string; name: string }>
  beforeAll(async () => {
    f = await makeFixture(target)
    k = await kamailio(f)
    await f.db.orm.update(schema.employees).set({ mobile: null })
    for (const i of [1, 2, 3, 4]) {
      await k.status(`op${i}@demo`, 'available')
      await k.register(`10${i}`)
    }
    const [t] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    tenantId = t!.id
    const rows = await f.db.orm
      .select({ id: schema.employees.id, name: schema.employees.name, extension: schema.employees.extension })
      .from(schema.employees)
      .where(eq(schema.employees.tenantId, tenantId))
    emp = new Map(rows.map((e) => [e.extension, e]))
  })
  afterAll(() => f.close())

  const row = async (sipCallId: string) => {
    const [r] = await f.db.orm
      .select()
      .from(schema.calls)
      .where(and(eq(schema.calls.tenantId, tenantId), eq(schema.calls.sipCallId, sipCallId)))
    return r!
  }
  /** The last `call.updated` the app got for this call (what the incoming screen reads). */
  const published = async (sipCallId: string): Promise<CallView> => {
    const evs = await f.db.orm
      .select()
      .from(schema.events)
      .where(and(eq(schema.events.tenantId, tenantId), eq(schema.events.type, 'call.updated')))
      .orderBy(desc(schema.events.seq))
    const ev = evs.find((e) => (e.payload as { call: CallView }).call.sipCallId === sipCallId)
    return (ev!.payload as { call: CallView }).call
  }

  it('a client dialling Sales: the ringing record the app gets names the number "Sales · website"', async () => {
    const a = await k.route('gateway', SALES_VN, { fromName: '"+7 916 400-00-00"' })
    expect(a.answer).toMatchObject({ action: 'relay' })
    expect(await published(a.callId)).toMatchObject({
      state: 'ringing',
      virtualNumber: SALES_VN,
      virtualNumberName: 'Sales',
      virtualNumberSource: 'website',
      transferredByName: null,
    })
    await k.dialog('failed', a.callId, { code: 487 })
  })

  it('transfer legs say who transferred: blind and attended', async () => {
    const anna = emp.get('101')!
    const bob = emp.get('104')!
    const guest = await k.guest()
    const first = await k.route(guest, SALES_VN)
    await k.dialog('answer', first.callId, { answeredBy: aor('101') })
    const original = await row(first.callId)
    expect(original.answeredById).toBe(anna.id)
    // Blind: the client's new call to Bob links the call Anna answered.
    const [blind] = await f.db.orm
      .insert(schema.calls)
      .values({
        ...original,
        id: undefined,
        sipCallId: 'blind-leg',
        state: 'ringing',
        answeredById: null,
        answeredAt: null,
        transferOfId: original.id,
        offeredIds: [bob.id],
      })
      .returning()
    // Attended (RFC 3891): Anna consults Bob; the client's Replaces INVITE takes Bob's call over.
    const consult = await k.route('101', '104')
    await k.dialog('answer', consult.callId, { answeredBy: aor('104') })
    const replaced = await k.route(guest, '', {
      to: aor('104'),
      ruri: 'sip:k3j2h1@df7jal23ls0d.invalid;transport=ws;alias=127.0.0.1~40000~5',
      domain: 'df7jal23ls0d.invalid',
      replaces: `${consult.callId};to-tag=a;from-tag=b`,
      referredBy: `<${aor('101')}>`,
    })
    const [bv] = await toViews(f.db.orm, tenantId, [blind!])
    expect(bv).toMatchObject({
      transferredById: anna.id,
      transferredByName: anna.name,
      virtualNumberName: 'Sales',
    })
    expect(replaced.answer).toEqual({ action: 'direct' })
    expect(await published(replaced.callId)).toMatchObject({ transferredByName: anna.name })
    const [cv] = await toViews(f.db.orm, tenantId, [{ ...(await row(consult.callId)), transferOfId: null }])
    expect(cv).toMatchObject({ transferredByName: null, virtualNumberName: null })
  })
})
