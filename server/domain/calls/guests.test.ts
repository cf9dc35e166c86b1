/**
 * Issue 6 §4: a public guest line can neither flood the company with calls nor pass for a client.
 * Drives /internal/sip/route as Kamailio does (testkit); the limits are counted in the database.
 */
import { and, eq, like } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CallView } from '../../../contract/calls.ts'
import { schema } from '../../db/index.ts'
import { targets } from '../../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../../test/fixture.ts'
import { GUEST_TTL_S } from './callers.ts'
import { GUEST_LIMITS } from './guest-limits.ts'
import { kamailio, SALES_VN } from './testkit.ts'

describe.each(targets)('guest lines on $name', (target) => {
  let f: Fixture
  let k: Awaited<ReturnType<typeof kamailio>>
  beforeAll(async () => {
    f = await makeFixture(target)
    k = await kamailio(f)
    // Nobody takes Sales: every call that is routed becomes a missed call at once.
    for (const i of [1, 2, 3]) await k.status(`op${i}@demo`, 'off_work')
  })
  afterAll(() => f.close())

  const recordsOf = (user: string) =>
    f.db.orm.select().from(schema.calls).where(eq(schema.calls.callerUser, user))

  it('a burst of 100 INVITEs on one guest line: only the line limit is routed, the rest refused with 403 and not recorded', async () => {
    const guest = await k.guest()
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        k.route(guest, SALES_VN, { source: `198.51.100.${i}:5060` }).then((r) => r.answer),
      ),
    )
    const refused = answers.filter(
      (a) => a.action === 'reject' && a.code === 403 && a.reason === 'Too many calls',
    )
    const routed = answers.filter((a) => !(a.action === 'reject' && a.code === 403))
    expect(routed).toHaveLength(GUEST_LIMITS.callsPerLine.max)
    expect(refused).toHaveLength(100 - GUEST_LIMITS.callsPerLine.max)
    const rows = await recordsOf(guest)
    expect(rows).toHaveLength(GUEST_LIMITS.callsPerLine.max)
    expect(rows.every((r) => r.missed)).toBe(true)
  })

  it('many guest lines from one address: at most the address limit is routed', async () => {
    const lines = await Promise.all(Array.from({ length: 40 }, () => k.guest()))
    const answers = await Promise.all(
      lines.map((g) => k.route(g, SALES_VN, { source: '203.0.113.7:41234' }).then((r) => r.answer)),
    )
    const routed = answers.filter((a) => !(a.action === 'reject' && a.code === 403))
    expect(routed).toHaveLength(GUEST_LIMITS.callsPerAddress.max)
    const [{ n } = { n: 0 }] = await f.db.orm
      .select({ n: schema.calls.id })
      .from(schema.calls)
      .where(and(like(schema.calls.callerUser, 'guest-%'), eq(schema.calls.missed, true)))
      .then((r) => [{ n: r.length }])
    expect(n).toBe(GUEST_LIMITS.callsPerLine.max + GUEST_LIMITS.callsPerAddress.max)
  })

  it('a line that used up its calls may still be transferred by the operator who has it (a granted REFER)', async () => {
    await k.status('op1@demo', 'available')
    await k.register('101')
    try {
      const guest = await k.guest()
      const first = await k.route(guest, SALES_VN, { source: '192.0.2.9:5060', conn: 'c3' })
      expect(first.answer).toMatchObject({ action: 'relay' })
      await k.dialog('answer', first.callId, { answeredBy: 'sip:101@demo.frontline.local' })
      for (let i = 1; i < GUEST_LIMITS.callsPerLine.max; i++) await k.route(guest, SALES_VN)
      expect((await k.route(guest, SALES_VN)).answer).toMatchObject({ code: 403, reason: 'Too many calls' })
      // Blind transfer (RFC 5589 §6): op1 refers the guest to 102; Kamailio reported the REFER.
      await k.refer(first.callId, '<sip:102@demo.frontline.local>', { transferee: 'c3' })
      const leg = await k.route(guest, '102', { conn: 'c3' })
      expect(leg.answer).not.toMatchObject({ reason: 'Too many calls' })
      // Forged: a Referred-By with no REFER behind it counts like any other call.
      const forged = await k.route(guest, SALES_VN, {
        referredBy: '<sip:103@demo.frontline.local>',
        conn: 'c3',
      })
      expect(forged.answer).toMatchObject({ code: 403, reason: 'Too many calls' })
    } finally {
      await k.status('op1@demo', 'off_work')
    }
  })

  it('the number a visitor types is recorded as given by them, never linked to the contact who has it', async () => {
    const [client] = await f.db.orm.select().from(schema.contacts).limit(1)
    const phone = client?.phones[0]
    if (!phone) throw new Error('the demo has clients with phones')
    const { callId } = await k.route(await k.guest(), SALES_VN, { fromName: `"${phone}"` })
    const page = (
      await f.app.inject({
        url: '/api/calls?scope=all&limit=200',
        headers: auth(await k.token('admin@demo')),
      })
    ).json() as { items: CallView[] }
    const rec = page.items.find((c) => c.sipCallId === callId)
    expect(rec).toMatchObject({ peerGiven: true, contactId: null, contactName: null, direction: 'in' })
    expect(rec?.fromNumber.replace(/\D/g, '')).toBe(phone.replace(/\D/g, '').replace(/^8/, '7'))
    // The phone network's caller ID is not the visitor's word: it links the contact.
    const net = await k.route('gateway', SALES_VN, { fromName: phone })
    const page2 = (
      await f.app.inject({
        url: '/api/calls?scope=all&limit=200',
        headers: auth(await k.token('admin@demo')),
      })
    ).json() as { items: CallView[] }
    expect(page2.items.find((c) => c.sipCallId === net.callId)).toMatchObject({
      peerGiven: false,
      contactId: client?.id,
    })
  })

  it('guest lines: one per visitor, living minutes; the endpoint is limited per address (429)', async () => {
    const at = '192.0.2.44'
    const take = () =>
      f.app.inject({
        method: 'POST',
        url: '/api/site/call-credentials',
        payload: { tenant: 'demo' },
        remoteAddress: at,
      })
    const first = await take()
    const body = first.json() as { sip: { aor: string; expiresAt: string } }
    expect(first.statusCode).toBe(200)
    const lifeS = (Date.parse(body.sip.expiresAt) - Date.now()) / 1000
    expect(lifeS).toBeLessThanOrEqual(GUEST_TTL_S)
    expect(GUEST_TTL_S).toBeLessThanOrEqual(15 * 60)
    const second = (await take()).json() as { sip: { aor: string } }
    expect(second.sip.aor).not.toBe(body.sip.aor)
    const rest = await Promise.all(Array.from({ length: GUEST_LIMITS.linesPerAddress.max }, take))
    expect(rest.filter((r) => r.statusCode === 200)).toHaveLength(GUEST_LIMITS.linesPerAddress.max - 2)
    const limited = rest.filter((r) => r.statusCode === 429)
    expect(limited).toHaveLength(2)
    expect(limited[0]?.json()).toMatchObject({ error: { code: 'E_RATE_LIMITED' } })
  })
})
