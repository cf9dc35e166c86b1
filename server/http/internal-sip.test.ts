import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { CallPage, CallView } from '../../contract/calls.ts'
import { eventsSince, lastSeq, schema } from '../db/index.ts'
import { aor, DOMAIN, kamailio, SALES_VN, SUPPORT_VN } from '../domain/calls/testkit.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

describe.each(targets)('/internal/sip on $name', (target) => {
  let f: Fixture
  let k: Awaited<ReturnType<typeof kamailio>>
  beforeAll(async () => {
    f = await makeFixture(target)
    k = await kamailio(f)
  })
  afterAll(() => f.close())

  // Every scenario starts from: op1–op3 Available and registered, no calls in progress.
  beforeEach(async () => {
    for (const i of [1, 2, 3, 4, 5, 6]) {
      await k.status(`op${i}@demo`, 'available')
      await k.register(`10${i}`)
    }
    await k.register('gateway', 0)
    // Every scenario's guest INVITEs come from one address (127.0.0.1): each starts with a clean count
    // (issue 6 §4 limits, tested in guest-limits.test.ts), so the order of scenarios does not matter.
    await f.db.orm.execute(sql`DELETE FROM guest_rate_hits`)
    // Mobiles only where a scenario sets one (S1: Available also rings the mobile through the gateway).
    await f.db.orm.update(schema.employees).set({ mobile: null })
    await f.db.orm.update(schema.calls).set({ state: 'ended' }).where(eq(schema.calls.state, 'answered'))
    await f.db.orm.update(schema.calls).set({ state: 'failed' }).where(eq(schema.calls.state, 'ringing'))
    await f.db.orm
      .update(schema.groups)
      .set({ strategy: 'parallel', rrCursor: null })
      .where(eq(schema.groups.extension, '200'))
  })

  const demoTenantId = async () => {
    const [t] = await f.db.orm
      .select({ id: schema.tenants.id })
      .from(schema.tenants)
      .where(eq(schema.tenants.slug, 'demo'))
    if (!t) throw new Error('no demo tenant')
    return t.id
  }

  const call = async (callId: string): Promise<CallView> => {
    const page = (
      await f.app.inject({ url: '/api/calls?scope=all&limit=200', headers: auth(await k.token('op1@demo')) })
    ).json() as CallPage
    const c = page.items.find((x) => x.sipCallId === callId)
    if (!c) throw new Error(`no record of ${callId}`)
    return c
  }

  describe('the door', () => {
    it('is not there for a non-loopback address (404) and refuses a wrong or missing secret (403)', async () => {
      const body = { callId: 'x', from: aor('101'), to: aor('102'), ruri: aor('102'), domain: DOMAIN }
      const far = await f.app.inject({
        method: 'POST',
        url: '/internal/sip/route',
        remoteAddress: '10.1.2.3',
        headers: { 'x-internal-secret': k.internalSecret },
        payload: body,
      })
      expect(far.statusCode).toBe(404)
      for (const headers of [{ 'x-internal-secret': 'guess-guess-guess' }, {}]) {
        const r = await f.app.inject({ method: 'POST', url: '/internal/sip/route', headers, payload: body })
        expect(r.statusCode).toBe(403)
        expect(r.json().error.code).toBe('E_FORBIDDEN')
      }
    })

    it('malformed route requests from Kamailio get a clean coded 400 (the cfg answers SIP 400)', async () => {
      for (const payload of [
        {},
        { callId: 'x', from: 'not a uri', to: aor('1'), ruri: aor('1'), domain: DOMAIN },
        { callId: 'x', from: aor('101'), to: aor('1'), ruri: aor('1'), domain: 'bad domain!' },
        { callId: '', from: aor('101'), to: aor('1'), ruri: aor('1'), domain: DOMAIN },
        { callId: 'x', from: aor('101'), to: aor('1'), ruri: aor('1'), domain: DOMAIN, attempt: -1 },
      ]) {
        const r = await k.post('/internal/sip/route', payload)
        expect(r.statusCode, JSON.stringify(payload)).toBe(400)
        expect(r.json().error.code).toBe('E_VALIDATION')
      }
      const junk = await f.app.inject({
        method: 'POST',
        url: '/internal/sip/route',
        headers: { 'x-internal-secret': k.internalSecret, 'content-type': 'application/json' },
        payload: '{"callId":',
      })
      expect(junk.statusCode).toBe(400)
      const dlg = await k.post('/internal/sip/dialog', { event: 'explode', callId: 'x', ts: 1 })
      expect(dlg.statusCode).toBe(400)
    })

    it('unknown domain and unknown number get 404; a caller from another domain 403', async () => {
      const unknownDomain = await k.post('/internal/sip/route', {
        callId: 'u1',
        from: 'sip:101@nowhere.example',
        to: 'sip:102@nowhere.example',
        ruri: 'sip:102@nowhere.example',
        domain: 'nowhere.example',
      })
      expect(unknownDomain.json()).toEqual({ action: 'reject', code: 404, reason: 'Unknown domain' })
      expect((await k.route('101', '177')).answer).toMatchObject({ action: 'reject', code: 404 })
      const foreign = await k.post('/internal/sip/route', {
        callId: 'u2',
        from: 'sip:101@other.frontline.local',
        to: aor('102'),
        ruri: aor('102'),
        domain: DOMAIN,
      })
      expect(foreign.json()).toMatchObject({ action: 'reject', code: 403 })
    })
  })

  describe('S1 / C2 routing', () => {
    it('S1 Break not offered: a client calling Sales rings only the Available members', async () => {
      await k.status('op2@demo', 'break')
      const guest = await k.guest()
      const { callId, answer } = await k.route(guest, SALES_VN, { fromName: '+7 916 400-00-00' })
      expect(answer).toEqual({
        action: 'relay',
        targets: [aor('101'), aor('103')],
        timeoutSec: 20,
        next: false,
        dial: '',
      })
      const rec = await call(callId)
      expect(rec).toMatchObject({
        direction: 'in',
        state: 'ringing',
        virtualNumber: SALES_VN,
        groupName: 'Sales',
      })
      expect(rec.fromNumber).toBe('+79164000000')
    })

    it('the call.updated a route request publishes is the view the history shows (names from the snapshot)', async () => {
      const before = await lastSeq(f.db.orm, await demoTenantId())
      // The phone network's caller ID links the contact (a site guest's typed number never does).
      const { callId } = await k.route('gateway', SALES_VN, { fromName: '+7 916 400-00-00' })
      const events = await eventsSince(f.db.orm, await demoTenantId(), before, 50)
      const published = events.filter((e) => e.type === 'call.updated').at(-1)?.payload as
        | { call: CallView }
        | undefined
      const shown = await call(callId)
      expect(shown.contactName).toEqual(expect.any(String))
      expect(shown.groupName).toBe('Sales')
      expect(published?.call).toEqual(shown)
    })

    it('S1 Away → gateway: a direct call rings the gateway account with the mobile number', async () => {
      await k.register('gateway')
      await f.db.orm
        .update(schema.employees)
        .set({ mobile: '8 916 123-01-01' })
        .where(eq(schema.employees.extension, '101'))
      await k.status('op1@demo', 'away')
      const { answer } = await k.route('102', '101')
      expect(answer).toEqual({
        action: 'relay',
        targets: [aor('gateway')],
        timeoutSec: 0,
        next: false,
        dial: '+79161230101',
      })
    })

    it('S1 Available rings the softphone and the mobile together (gateway rung once for all numbers)', async () => {
      await k.register('gateway')
      for (const ext of ['101', '103']) {
        await f.db.orm
          .update(schema.employees)
          .set({ mobile: `+7916000${ext}0` })
          .where(eq(schema.employees.extension, ext))
      }
      const guest = await k.guest()
      expect((await k.route(guest, SALES_VN)).answer).toMatchObject({
        targets: [aor('101'), aor('gateway'), aor('102'), aor('103')],
        dial: '+79160001010,+79160001030',
      })
    })

    it('C2 busy skipped by the group, and a direct call to them gets 486', async () => {
      const first = await k.route('102', '101')
      await k.dialog('answer', first.callId, { answeredBy: aor('101') })
      const guest = await k.guest()
      // Both ends of the answered call are busy: 101 answered it, 102 placed it.
      expect((await k.route(guest, SALES_VN)).answer).toMatchObject({ targets: [aor('103')] })
      expect((await k.route('103', '101')).answer).toEqual({
        action: 'reject',
        code: 486,
        reason: 'Busy Here',
      })
      await k.dialog('end', first.callId)
      expect((await k.route('103', '101')).answer).toMatchObject({ action: 'relay', targets: [aor('101')] })
    })

    it('an unregistered softphone does not ring; an employee whose status forbids outgoing cannot call (403)', async () => {
      await k.register('103', 0)
      const guest = await k.guest()
      expect((await k.route(guest, SALES_VN)).answer).toMatchObject({ targets: [aor('101'), aor('102')] })
      await k.status('op1@demo', 'break')
      expect((await k.route('101', '102')).answer).toMatchObject({ action: 'reject', code: 403 })
    })
  })

  describe('group strategies', () => {
    it('sequential: the failure_route gets the next set after the ring timeout, then 480 and a missed call of the group', async () => {
      await f.db.orm
        .update(schema.groups)
        .set({ strategy: 'sequential' })
        .where(eq(schema.groups.extension, '200'))
      const guest = await k.guest()
      const { callId, answer } = await k.route(guest, SALES_VN)
      expect(answer).toMatchObject({ targets: [aor('101')], timeoutSec: 20, next: true })
      // Meanwhile op2 went on a break: the hunt skips them.
      await k.status('op2@demo', 'break')
      expect(await k.next(callId, 1)).toMatchObject({ targets: [aor('103')], next: false })
      expect(await k.next(callId, 2)).toEqual({ action: 'reject', code: 480, reason: 'No answer' })
      await k.dialog('failed', callId, { code: 0 })
      expect(await call(callId)).toMatchObject({
        state: 'failed',
        failureCode: 408,
        failureReason: 'No answer',
        missed: true,
        groupName: 'Sales',
      })
    })

    it('S1 ringing, parallel: a second call skips whom the first is ringing; a call repeated under its Call-ID still rings its own set', async () => {
      const first = await k.route('104', '101')
      expect(first.answer).toMatchObject({ action: 'relay', targets: [aor('101')] })
      const guest = await k.guest()
      const second = await k.route(guest, SALES_VN)
      expect(second.answer).toMatchObject({ targets: [aor('102'), aor('103')] })
      // A repeated INVITE (same Call-ID) is decided as if its own phones were quiet.
      expect((await k.route(guest, SALES_VN, { callId: second.callId })).answer).toMatchObject({
        targets: [aor('102'), aor('103')],
      })
      expect((await k.route('104', '101', { callId: first.callId })).answer).toMatchObject({
        targets: [aor('101')],
      })
      // Ringing counts as busy for anyone else (C2): a direct call gets 486, the group has nobody left.
      expect((await k.route('105', '102')).answer).toMatchObject({ action: 'reject', code: 486 })
      expect((await k.route(await k.guest(), SALES_VN)).answer).toMatchObject({ action: 'reject', code: 480 })
      // 102 answers: 103 stops ringing and can take the next call; the first call fails: 101 too.
      await k.dialog('answer', second.callId, { answeredBy: aor('102') })
      expect((await k.route(await k.guest(), SALES_VN)).answer).toMatchObject({ targets: [aor('103')] })
      await k.dialog('failed', first.callId, { code: 486 })
      expect((await k.route('105', '101')).answer).toMatchObject({ action: 'relay', targets: [aor('101')] })
    })

    it("an initial INVITE reusing the Call-ID of a colleague's or a customer's call is refused and changes nothing (probe 11 finding 2)", async () => {
      const guest = await k.guest()
      // Its own source address: guest INVITEs count against their address (issue 6 §4).
      const src = { source: '10.77.0.1:5060' }
      const ringing = await k.route(guest, SALES_VN, src)
      expect(ringing.answer).toMatchObject({ action: 'relay' })
      const before = await call(ringing.callId)
      // 106 takes the ringing customer call's Call-ID: refused, the record is still the customer's.
      expect((await k.route('106', '+79990001199', { callId: ringing.callId })).answer).toMatchObject({
        action: 'reject',
        code: 403,
      })
      expect(await call(ringing.callId)).toEqual(before)
      // An answered (then ended) call of 104 and 101: 106 cannot rewrite it either, nor can 104 re-open it.
      const done = await k.route('104', '101')
      await k.dialog('answer', done.callId, { answeredBy: aor('101') })
      await k.dialog('end', done.callId)
      const ended = await call(done.callId)
      for (const [who, to] of [
        ['106', '+79990001123'],
        ['104', '101'],
      ] as const) {
        expect((await k.route(who, to, { callId: done.callId })).answer).toMatchObject({
          action: 'reject',
          code: 403,
        })
      }
      expect(await call(done.callId)).toEqual(ended)
      // The same caller's repeated INVITE of a call still ringing is routed as before.
      expect((await k.route(guest, SALES_VN, { ...src, callId: ringing.callId })).answer).toMatchObject({
        action: 'relay',
      })
      await k.dialog('failed', ringing.callId, { code: 487 })
    })

    it('S1 ringing, sequential: each hunt skips whom the other is ringing, its own set never counts against it, and a member it moved on from is free', async () => {
      await f.db.orm
        .update(schema.groups)
        .set({ strategy: 'sequential' })
        .where(eq(schema.groups.extension, '200'))
      const g1 = await k.guest()
      const x = await k.route(g1, SALES_VN)
      expect(x.answer).toMatchObject({ targets: [aor('101')], next: true })
      expect((await k.route(g1, SALES_VN, { callId: x.callId })).answer).toMatchObject({
        targets: [aor('101')],
      })
      const y = await k.route(await k.guest(), SALES_VN)
      expect(y.answer).toMatchObject({ targets: [aor('102')], next: true })
      // X's next set is 102, rung by Y: X moves on to 103; 101 rings no more and may be called.
      expect(await k.next(x.callId, 1)).toMatchObject({ targets: [aor('103')], next: false })
      expect((await k.route('104', '101')).answer).toMatchObject({ action: 'relay', targets: [aor('101')] })
      // Y's next set is 103, rung by X now: Y's hunt is over.
      expect(await k.next(y.callId, 1)).toEqual({ action: 'reject', code: 480, reason: 'No answer' })
      // X's 103 times out: the hunt ends, and 103 is free again even before Kamailio's failed report.
      expect(await k.next(x.callId, 2)).toEqual({ action: 'reject', code: 480, reason: 'No answer' })
      expect((await k.route('105', '103')).answer).toMatchObject({ action: 'relay', targets: [aor('103')] })
    })

    it('round robin rotates: three calls to Support start at three different members', async () => {
      const firsts: string[] = []
      for (let i = 0; i < 3; i++) {
        const guest = await k.guest()
        const { answer } = await k.route(guest, SUPPORT_VN)
        if (answer.action !== 'relay') throw new Error(JSON.stringify(answer))
        firsts.push(answer.targets[0] ?? '')
      }
      expect(firsts).toEqual([aor('104'), aor('105'), aor('106')])
    })
    it('round robin under concurrent calls: three at once still start at three different members', async () => {
      const guests = [await k.guest(), await k.guest(), await k.guest()]
      const answers = await Promise.all(guests.map((g) => k.route(g, SUPPORT_VN)))
      const firsts = answers.map(({ answer }) => (answer.action === 'relay' ? answer.targets[0] : answer))
      expect([...firsts].sort()).toEqual([aor('104'), aor('105'), aor('106')])
    })

    it('longest idle: who finished a call most recently rings last', async () => {
      await f.db.orm
        .update(schema.groups)
        .set({ strategy: 'longest_idle' })
        .where(eq(schema.groups.extension, '200'))
      for (const ext of ['103', '101']) {
        const c = await k.route('104', ext)
        await k.dialog('answer', c.callId, { answeredBy: aor(ext) })
        await new Promise((r) => setTimeout(r, 20))
        await k.dialog('end', c.callId)
      }
      const { callId, answer } = await k.route(await k.guest(), SALES_VN)
      expect(answer).toMatchObject({ targets: [aor('102')], next: true })
      expect(await k.next(callId, 1)).toMatchObject({ targets: [aor('103')] })
      expect(await k.next(callId, 2)).toMatchObject({ targets: [aor('101')] })
    })
  })

  describe('guests', () => {
    it('a guest may only dial virtual numbers (403 otherwise); an unissued guest is refused', async () => {
      const guest = await k.guest()
      for (const to of ['101', '200', '89161234567']) {
        expect((await k.route(guest, to)).answer).toMatchObject({ action: 'reject', code: 403 })
      }
      expect((await k.route('guest-000000000000', SALES_VN)).answer).toMatchObject({ code: 403 })
    })
  })

  describe('call records from dialog reports', () => {
    it('answered then ended: answering employee and duration', async () => {
      const guest = await k.guest()
      const { callId } = await k.route(guest, SALES_VN)
      await k.dialog('start', callId)
      await k.dialog('answer', callId, { answeredBy: aor('103') })
      await new Promise((r) => setTimeout(r, 1100))
      await k.dialog('end', callId)
      const c = await call(callId)
      expect(c).toMatchObject({ state: 'ended', answeredByName: expect.any(String), missed: false })
      expect(c.durationSec).toBeGreaterThanOrEqual(1)
      // Late or repeated reports change nothing.
      expect((await k.dialog('failed', callId, { code: 487 })).outcome).toBe('ignored')
    })

    it('failed with the SIP reason; a declined internal call is not a missed call', async () => {
      const { callId } = await k.route('102', '101')
      await k.dialog('failed', callId, { code: 603 })
      expect(await call(callId)).toMatchObject({
        direction: 'internal',
        state: 'failed',
        failureCode: 603,
        failureReason: 'Declined',
        missed: false,
      })
    })

    it('a transfer leg: the client’s new INVITE after REFER follows C7 rules and links the original call', async () => {
      const guest = await k.guest()
      const first = await k.route(guest, SALES_VN, { conn: 'c8' })
      await k.dialog('answer', first.callId, { answeredBy: aor('101') })
      await k.status('op5@demo', 'break')
      await k.refer(first.callId, `<${aor('105')}>`, { transferee: 'c8' })
      const refused = await k.route(guest, '105', { conn: 'c8' })
      expect(refused.answer).toMatchObject({ action: 'reject', code: 480 })
      await k.refer(first.callId, `<${aor('104')}>`, { transferee: 'c8' })
      const leg = await k.route(guest, '104', { conn: 'c8' })
      expect(leg.answer).toMatchObject({ action: 'relay', targets: [aor('104')] })
      const original = await call(first.callId)
      expect(await call(leg.callId)).toMatchObject({
        direction: 'in',
        transferOfId: original.id,
        groupName: 'Sales',
      })
      // Without a grant of its own it is just a guest dialling an extension (Referred-By proves nothing).
      const stranger = await k.guest()
      expect(
        (await k.route(stranger, '104', { referredBy: `<${aor('101')}>`, conn: 'c8' })).answer,
      ).toMatchObject({
        code: 403,
      })
    })

    it('forged transfer: Referred-By never takes a guest or the gateway to the phone network (toll fraud)', async () => {
      const guest = await k.guest()
      const first = await k.route(guest, SALES_VN, { conn: 'c9' })
      await k.dialog('answer', first.callId, { answeredBy: aor('101') })
      const referredBy = `<${aor('101')}>`
      // During the answered call: a transfer leg may reach a colleague, never an external number —
      // not even when the operator's REFER named one.
      for (const to of ['+79161234567', '89161234567']) {
        await k.refer(first.callId, `<sip:${to}@${DOMAIN}>`, { transferee: 'c9' })
        const leg = await k.route(guest, to, { referredBy, conn: 'c9' })
        expect(leg.answer, to).toMatchObject({ action: 'reject', code: 403 })
      }
      const gw = await k.route('gateway', '+79161234567', { referredBy, conn: 'c9' })
      expect(gw.answer).toMatchObject({ action: 'reject', code: 403 })
      // The operator hangs up: the guest's forged "transfer leg" is just a guest dialling.
      await k.dialog('end', first.callId)
      const after = await k.route(guest, '+79161234567', { referredBy })
      expect(after.answer).toMatchObject({ action: 'reject', code: 403 })
      expect((await k.route(guest, '104', { referredBy })).answer).toMatchObject({
        action: 'reject',
        code: 403,
      })
    })

    it('attended transfer (RFC 3891): a Replaces INVITE to a contact goes direct only if it replaces a live call', async () => {
      const guest = await k.guest()
      const first = await k.route(guest, SALES_VN)
      await k.dialog('answer', first.callId, { answeredBy: aor('101') })
      const consult = await k.route('101', '104')
      await k.dialog('answer', consult.callId, { answeredBy: aor('104') })
      const contact = 'sip:k3j2h1@df7jal23ls0d.invalid;transport=ws;alias=127.0.0.1~40000~5'
      const replaced = await k.route(guest, '', {
        to: aor('104'),
        ruri: contact,
        domain: 'df7jal23ls0d.invalid',
        replaces: `${consult.callId};to-tag=a;from-tag=b`,
        referredBy: `<${aor('101')}>`,
      })
      expect(replaced.answer).toEqual({ action: 'direct' })
      const original = await call(first.callId)
      expect(await call(replaced.callId)).toMatchObject({ direction: 'in', transferOfId: original.id })
      const bogus = await k.route(guest, '', {
        ruri: contact,
        domain: 'df7jal23ls0d.invalid',
        replaces: 'no-such-call;to-tag=a;from-tag=b',
      })
      expect(bogus.answer).toMatchObject({ action: 'reject', code: 481 })
      // Without Replaces a guest may not ring an operator's device directly.
      expect(
        (await k.route(guest, '', { ruri: contact, domain: 'df7jal23ls0d.invalid' })).answer,
      ).toMatchObject({
        code: 403,
      })
    })

    it('an INVITE to a registered contact: without Replaces it is routed like its To AOR (S1, C2, this tenant); with Replaces only to the registered colleague of the replaced call', async () => {
      const contact = 'sip:k3j2h1@df7jal23ls0d.invalid;transport=ws;alias=127.0.0.1~40000~5'
      const toContact = (from: string, to: string, extra: Record<string, unknown> = {}) =>
        k.route(from, '', { to, ruri: contact, domain: 'df7jal23ls0d.invalid', ...extra })
      // S1: a colleague on Break is not reached by dialling their device.
      await k.status('op4@demo', 'break')
      expect((await toContact('102', aor('104'))).answer).toMatchObject({ action: 'reject', code: 480 })
      await k.status('op4@demo', 'available')
      // C2: busy in a call → 486, not a second call on top.
      const busy = await k.route('103', '104')
      await k.dialog('answer', busy.callId, { answeredBy: aor('104') })
      expect((await toContact('102', aor('104'))).answer).toMatchObject({ action: 'reject', code: 486 })
      await k.dialog('end', busy.callId)
      // Another tenant's line behind a contact: refused.
      expect((await toContact('102', 'sip:101@other.frontline.local')).answer).toMatchObject({
        action: 'reject',
        code: 404,
      })
      // Allowed: rung as the AOR (Kamailio looks up its contacts), never "direct".
      expect((await toContact('102', aor('104'))).answer).toMatchObject({
        action: 'relay',
        targets: [aor('104')],
      })
      // Replaces of a call whose far end is the phone network: no direct path to a contact.
      await k.register('gateway')
      const out = await k.route('102', '89161234567')
      await k.dialog('answer', out.callId, { answeredBy: aor('gateway') })
      const hijack = await toContact('103', aor('104'), { replaces: `${out.callId};to-tag=a;from-tag=b` })
      expect(hijack.answer).toMatchObject({ action: 'reject', code: 403 })
      // Replaces of a consultation whose callee is no longer registered: refused too.
      const consult = await k.route('101', '105')
      await k.dialog('answer', consult.callId, { answeredBy: aor('105') })
      await k.register('105', 0)
      const gone = await toContact('103', aor('105'), { replaces: `${consult.callId};to-tag=a;from-tag=b` })
      expect(gone.answer).toMatchObject({ action: 'reject', code: 403 })
      await k.register('105')
      const ok = await toContact('103', aor('105'), { replaces: `${consult.callId};to-tag=a;from-tag=b` })
      expect(ok.answer).toEqual({ action: 'direct' })
    })

    it('C9 missed → handled by a successful call back to that number', async () => {
      await k.register('gateway')
      await k.status('op1@demo', 'off_work')
      await k.status('op2@demo', 'off_work')
      await k.status('op3@demo', 'off_work')
      const guest = await k.guest()
      const missed = await k.route(guest, SALES_VN, { fromName: '+7 (916) 555-12-12' })
      expect(missed.answer).toMatchObject({ action: 'reject', code: 480 })
      const token = await k.token('op4@demo')
      const list = (await f.app.inject({ url: '/api/calls/missed', headers: auth(token) })).json() as CallPage
      expect(list.items.map((c) => c.sipCallId)).toContain(missed.callId)
      const back = await k.route('104', '89165551212')
      expect(back.answer).toMatchObject({ targets: [aor('gateway')], dial: '+79165551212' })
      await k.dialog('answer', back.callId, { answeredBy: aor('gateway') })
      const after = (
        await f.app.inject({ url: '/api/calls/missed', headers: auth(token) })
      ).json() as CallPage
      expect(after.items.map((c) => c.sipCallId)).not.toContain(missed.callId)
      expect(await call(missed.callId)).toMatchObject({
        handledHow: 'callback',
        handledByName: expect.any(String),
      })
      const ev = await f.db.orm
        .select()
        .from(schema.events)
        .where(eq(schema.events.type, 'missed.handled'))
        .orderBy(schema.events.seq)
      expect(ev.at(-1)?.payload).toMatchObject({ number: '+79165551212', how: 'callback' })
    })
  })
})
