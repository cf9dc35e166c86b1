/**
 * C5 blind transfer authorised on the server (issue 11 §1): Kamailio reports the REFER, the server
 * grants the party referred that target on its own connection, once, for the transfer timeout. Drives
 * /internal/sip/refer and /internal/sip/route as Kamailio does (testkit).
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { schema } from '../../db/index.ts'
import { callTransferGrants } from '../../db/schema-transfers.ts'
import { pushSubscriptions } from '../../push/index.ts'
import { targets } from '../../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../../test/fixture.ts'
import { aor, DOMAIN, kamailio, SALES_VN } from './testkit.ts'
import { CALL_WAKE_JOB, type CallWakeJob } from './wake.ts'

describe.each(targets)('transfer grants on $name', (target) => {
  let f: Fixture
  let k: Awaited<ReturnType<typeof kamailio>>
  beforeAll(async () => {
    f = await makeFixture(target)
    k = await kamailio(f)
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

  const record = async (callId: string) => {
    const [row] = await f.db.orm.select().from(schema.calls).where(eq(schema.calls.sipCallId, callId))
    return row
  }

  /** A site customer on a call op1 answered (the customer's connection is c41). */
  async function answered() {
    const guest = await k.guest()
    const first = await k.route(guest, SALES_VN, { conn: 'c41' })
    expect(first.answer).toMatchObject({ action: 'relay' })
    await k.dialog('answer', first.callId, { answeredBy: aor('101') })
    return { guest, first }
  }

  it('a phone that sends no Referred-By: the REFER grants its leg, linked to the original call', async () => {
    const { guest, first } = await answered()
    expect(await k.refer(first.callId, `<${aor('104')}>`, { transferee: 'c41' })).toEqual({
      action: 'accept',
    })
    const leg = await k.route(guest, '104', { conn: 'c41' })
    expect(leg.answer).toMatchObject({ action: 'relay', targets: [aor('104')] })
    const original = await record(first.callId)
    expect(await record(leg.callId)).toMatchObject({ direction: 'in', transferOfId: original?.id })
    // "transferred by": the leg's view names op1 through the chain.
    const op4 = await k.token('op4@demo')
    const r = await f.app.inject({ url: `/api/calls/${(await record(leg.callId))?.id}`, headers: auth(op4) })
    expect(r.statusCode).toBe(200)
    expect(r.json()).toMatchObject({ transferOfId: original?.id })
  })

  it('a used grant admits its Call-ID again only while that leg rings: once answered or over it is spent (probe 11 finding 1)', async () => {
    for (const end of ['answered', 'failed'] as const) {
      const { guest, first } = await answered()
      expect(await k.refer(first.callId, `<${aor('104')}>`, { transferee: 'c41' })).toEqual({
        action: 'accept',
      })
      const leg = await k.route(guest, '104', { conn: 'c41' })
      expect(leg.answer).toMatchObject({ action: 'relay', targets: [aor('104')] })
      // A re-sent INVITE of the ringing leg is still the same leg.
      const again = await k.route(guest, '104', { conn: 'c41', callId: leg.callId })
      expect(again.answer).toMatchObject({ action: 'relay', targets: [aor('104')] })
      if (end === 'answered') {
        await k.dialog('answer', leg.callId, { answeredBy: aor('104') })
        await k.dialog('end', leg.callId)
      } else {
        await k.dialog('failed', leg.callId, { code: 486 })
      }
      const before = await record(leg.callId)
      for (let i = 0; i < 3; i++) {
        const repeat = await k.route(guest, '104', { conn: 'c41', callId: leg.callId })
        expect(repeat.answer).toMatchObject({ action: 'reject', code: 403 })
      }
      expect(await record(leg.callId)).toEqual(before)
      await k.dialog('end', first.callId)
    }
  })

  it('a customer (guest or phone network) is granted only company targets: a REFER elsewhere is refused and grants nothing (probe 11 finding 7)', async () => {
    const { first } = await answered()
    const before = (await f.db.orm.select().from(callTransferGrants)).length
    for (const t of ['+79990001122', 'gateway', '*1', 'guest-nobody']) {
      expect(await k.refer(first.callId, `<sip:${t}@${DOMAIN}>`, { transferee: 'c41' }), t).toMatchObject({
        action: 'reject',
        code: 403,
      })
    }
    expect(await f.db.orm.select().from(callTransferGrants)).toHaveLength(before)
    for (const t of ['104', '200', SALES_VN]) {
      expect(await k.refer(first.callId, `<sip:${t}@${DOMAIN}>`, { transferee: 'c41' }), t).toEqual({
        action: 'accept',
      })
    }
  })

  it('live grants per call are capped and expired grants are deleted (probe 11 finding 6)', async () => {
    const { first } = await answered()
    await f.db.orm.update(callTransferGrants).set({ expiresAt: new Date(Date.now() - 1000) })
    for (let i = 0; i < 10; i++) {
      expect(await k.refer(first.callId, `<${aor('104')}>`, { transferee: 'c41' })).toEqual({
        action: 'accept',
      })
    }
    expect(await k.refer(first.callId, `<${aor('104')}>`, { transferee: 'c41' })).toMatchObject({
      action: 'reject',
      code: 403,
    })
    // Only this call's ten live grants are left: every expired one is gone.
    const rows = await f.db.orm.select().from(callTransferGrants)
    expect(rows).toHaveLength(10)
    expect(rows.every((r) => r.expiresAt.getTime() > Date.now())).toBe(true)
  })

  it('the leg rings no longer than its grant: Kamailio cancels it when the transferor gives up (probe 11 items 4, 24)', async () => {
    const { guest, first } = await answered()
    await k.refer(first.callId, `<${aor('104')}>`, { transferee: 'c41' })
    const leg = await k.route(guest, '104', { conn: 'c41' })
    // The grant lasts the tenant's 30 s: the leg's ring timeout ends with it (not tm's 60 s default).
    expect(leg.answer).toMatchObject({ action: 'relay' })
    const sec = (leg.answer as { timeoutSec: number }).timeoutSec
    expect(sec).toBeGreaterThan(0)
    expect(sec).toBeLessThanOrEqual(30)
    const row = await record(leg.callId)
    expect(row?.plan?.deadline).toBeTruthy()
    // A set asked for once the grant is over (a hunt's next set) rings nobody: the leg fails.
    await f.db.orm
      .update(schema.calls)
      .set({
        plan: {
          ...row?.plan,
          sets: [['x'], ['y']],
          used: 1,
          timeoutSec: 0,
          deadline: new Date(Date.now() - 1000).toISOString(),
        },
      })
      .where(eq(schema.calls.sipCallId, leg.callId))
    const next = await k.route(guest, '104', { conn: 'c41', callId: leg.callId, attempt: 2, lastCode: 408 })
    expect(next.answer).toMatchObject({ action: 'reject', code: 480 })
  })

  it('a transfer leg to a closed app: the wake push lives no longer than the grant (a late push must never ring)', async () => {
    const admin = await k.token('admin@demo')
    const setTimeout = (transferTimeoutSec: number) =>
      f.app.inject({
        method: 'PUT',
        url: '/api/admin/call-settings',
        headers: auth(admin),
        payload: { transferTimeoutSec },
      })
    expect((await setTimeout(5)).statusCode).toBe(200)
    try {
      const [op4] = await f.db.orm
        .select()
        .from(schema.employees)
        .where(eq(schema.employees.login, 'op4@demo'))
      await f.db.orm.insert(pushSubscriptions).values({
        tenantId: op4!.tenantId,
        employeeId: op4!.id,
        endpoint: `https://push.example.test/wake-${Date.now()}`,
        p256dh: 'B'.repeat(87),
        auth: 'A'.repeat(22),
      })
      await k.register('104', 0)
      const { guest, first } = await answered()
      await k.refer(first.callId, `<${aor('104')}>`, { transferee: 'c41' })
      const leg = await k.route(guest, '104', { conn: 'c41' })
      expect(leg.answer).toMatchObject({ action: 'relay' })
      expect((leg.answer as { wakeSec?: number }).wakeSec).toBeLessThanOrEqual(5)
      const row = await record(leg.callId)
      const wakes = await f.db.orm.select().from(schema.jobs).where(eq(schema.jobs.kind, CALL_WAKE_JOB))
      const mine = wakes.filter((j) => (j.payload as unknown as CallWakeJob).callId === row?.id)
      expect(mine).toHaveLength(1)
      const ttl = (mine[0]!.payload as unknown as CallWakeJob).ttlSec
      expect(ttl).toBeGreaterThan(0)
      expect(ttl).toBeLessThanOrEqual(5)
    } finally {
      await setTimeout(30)
      await f.db.orm.delete(pushSubscriptions)
    }
  })

  it('Referred-By alone (no REFER seen) links nothing: a guest dialling an extension is refused', async () => {
    const { guest } = await answered()
    const leg = await k.route(guest, '104', { conn: 'c41', referredBy: `<${aor('101')}>` })
    expect(leg.answer).toMatchObject({ action: 'reject', code: 403 })
  })

  it("a REFER to another tenant's domain is refused and grants nothing", async () => {
    const { guest, first } = await answered()
    const before = await f.db.orm.select().from(callTransferGrants)
    expect(
      await k.refer(first.callId, '<sip:104@other.frontline.local>', { transferee: 'c41' }),
    ).toMatchObject({
      action: 'reject',
      code: 403,
    })
    expect(await f.db.orm.select().from(callTransferGrants)).toHaveLength(before.length)
    expect((await k.route(guest, '104', { conn: 'c41' })).answer).toMatchObject({ code: 403 })
    // Nothing lost: the call goes on, and a proper REFER still works.
    expect((await record(first.callId))?.state).toBe('answered')
    expect(await k.refer(first.callId, `<${aor('104')}>`, { transferee: 'c41' })).toEqual({
      action: 'accept',
    })
    expect((await k.route(guest, '104', { conn: 'c41' })).answer).toMatchObject({ action: 'relay' })
  })

  it("a REFER to the phone network or another company's number: the guest's leg is refused (toll fraud)", async () => {
    const { guest, first } = await answered()
    await k.refer(first.callId, `<sip:+79161234567@${DOMAIN}>`, { transferee: 'c41' })
    expect((await k.route(guest, '+79161234567', { conn: 'c41' })).answer).toMatchObject({
      action: 'reject',
      code: 403,
    })
  })

  it('a replayed grant is refused: one leg per REFER (a repeated INVITE of that leg is still the same use)', async () => {
    const { guest, first } = await answered()
    await k.refer(first.callId, `<${aor('104')}>`, { transferee: 'c41' })
    const leg = await k.route(guest, '104', { conn: 'c41' })
    expect(leg.answer).toMatchObject({ action: 'relay' })
    const again = await k.route(guest, '104', { conn: 'c41', callId: leg.callId })
    expect(again.answer).toMatchObject({ action: 'relay' })
    expect((await record(leg.callId))?.transferOfId).toBe((await record(first.callId))?.id)
    const replay = await k.route(guest, '104', { conn: 'c41' })
    expect(replay.answer).toMatchObject({ action: 'reject', code: 403 })
  })

  it('a grant used by another party (another line, or the same line from another connection) is refused; the rightful one still works', async () => {
    const { guest, first } = await answered()
    await k.refer(first.callId, `<${aor('104')}>`, { transferee: 'c41' })
    const stranger = await k.guest()
    expect((await k.route(stranger, '104', { conn: 'c41' })).answer).toMatchObject({ code: 403 })
    expect((await k.route(guest, '104', { conn: 'c99' })).answer).toMatchObject({ code: 403 })
    // A colleague on the referrer's side cannot borrow it either: it links nothing for them.
    const colleague = await k.route('102', '104', { conn: 'c41' })
    expect(colleague.answer).toMatchObject({ action: 'relay' })
    expect((await record(colleague.callId))?.transferOfId).toBeNull()
    await k.dialog('failed', colleague.callId, { code: 487 })
    const leg = await k.route(guest, '104', { conn: 'c41' })
    expect(leg.answer).toMatchObject({ action: 'relay' })
    expect((await record(leg.callId))?.transferOfId).toBe((await record(first.callId))?.id)
  })

  it('a grant for another target, an expired grant, a REFER in a call that is over: refused', async () => {
    const { guest, first } = await answered()
    await k.refer(first.callId, `<${aor('104')}>`, { transferee: 'c41' })
    expect((await k.route(guest, '103', { conn: 'c41' })).answer).toMatchObject({ code: 403 })
    await f.db.orm.update(callTransferGrants).set({ expiresAt: new Date(Date.now() - 1000) })
    expect((await k.route(guest, '104', { conn: 'c41' })).answer).toMatchObject({ code: 403 })
    await k.dialog('end', first.callId)
    expect(await k.refer(first.callId, `<${aor('104')}>`, { transferee: 'c41' })).toMatchObject({
      action: 'reject',
      code: 481,
    })
  })

  it('the grant lasts the tenant transfer timeout, which an admin sets', async () => {
    const admin = await k.token('admin@demo')
    const put = await f.app.inject({
      method: 'PUT',
      url: '/api/admin/call-settings',
      headers: auth(admin),
      payload: { transferTimeoutSec: 5 },
    })
    expect(put.statusCode).toBe(200)
    const op1 = await k.token('op1@demo')
    const got = await f.app.inject({ url: '/api/calls/transfer-settings', headers: auth(op1) })
    expect(got.json()).toEqual({ transferTimeoutSec: 5 })
    const refused = await f.app.inject({
      method: 'PUT',
      url: '/api/admin/call-settings',
      headers: auth(op1),
      payload: { transferTimeoutSec: 5 },
    })
    expect(refused.statusCode).toBe(403)
    for (const bad of [0, 601, 'x', 1.5]) {
      const r = await f.app.inject({
        method: 'PUT',
        url: '/api/admin/call-settings',
        headers: auth(admin),
        payload: { transferTimeoutSec: bad },
      })
      expect(r.statusCode, String(bad)).toBe(400)
    }
    const { first } = await answered()
    await k.refer(first.callId, `<${aor('104')}>`, { transferee: 'c41' })
    const all = await f.db.orm.select().from(callTransferGrants)
    const last = all.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0]
    expect((last?.expiresAt.getTime() ?? 0) - (last?.createdAt.getTime() ?? 0)).toBe(5000)
    await f.app.inject({
      method: 'PUT',
      url: '/api/admin/call-settings',
      headers: auth(admin),
      payload: { transferTimeoutSec: 30 },
    })
  })
})
