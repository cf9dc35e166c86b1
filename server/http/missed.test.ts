/**
 * C9, issue 11 §4–5: Undo of "Mark handled", and a site visitor's call-back request — its number read
 * by libphonenumber-js, its name kept as inert text, a flood refused per address, visitor and number.
 */
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CallPage, CallView } from '../../contract/calls.ts'
import { schema } from '../db/index.ts'
import { CALLBACK_LIMITS, OPEN_PER_NUMBER } from '../domain/calls/index.ts'
import { kamailio, SALES_VN, SUPPORT_VN } from '../domain/calls/testkit.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

const SCRIPT = '<img src=x onerror="alert(1)"><script>alert(2)</script>'

describe.each(targets)('missed calls a team can work on $name', (target) => {
  let f: Fixture
  let op1: string
  let op2: string
  let ip = 0
  beforeAll(async () => {
    f = await makeFixture(target)
    op1 = (await f.login('op1@demo')).token
    op2 = (await f.login('op2@demo')).token
  })
  afterAll(() => f.close())

  /** Each test's requests come from an address of their own, so the address limit is its own too. */
  const from = () => `198.51.100.${++ip}`
  const callback = (payload: Record<string, unknown>, remoteAddress: string) =>
    f.app.inject({
      method: 'POST',
      url: '/api/site/callback',
      payload: { tenant: 'demo', ...payload },
      remoteAddress,
    })
  const missed = async (token: string) =>
    ((await f.app.inject({ url: '/api/calls/missed', headers: auth(token) })).json() as CallPage).items
  const post = (url: string, token: string) => f.app.inject({ method: 'POST', url, headers: auth(token) })

  it('a call-back request lands in the shared list: E.164, the group of the number tried, the visitor, the name as text', async () => {
    const s = await f.app.inject({
      method: 'POST',
      url: '/api/visitor/session',
      payload: { tenant: 'demo', page: { url: 'https://shop.example/' } },
    })
    const { token, visitorId } = s.json() as { token: string; visitorId: string }
    const r = await callback(
      { phone: '8 (916) 123-45-67', name: SCRIPT, number: SALES_VN, visitorToken: token },
      from(),
    )
    expect(r.statusCode, r.body).toBe(201)
    const { id } = r.json() as { id: string }
    const row = (await missed(op1)).find((c) => c.id === id)
    expect(row).toMatchObject({
      callbackRequest: true,
      callbackName: SCRIPT,
      peerNumber: '+79161234567',
      peerGiven: true,
      contactId: null,
      groupName: 'Sales',
      virtualNumber: SALES_VN,
      visitorId,
      missed: true,
      handledAt: null,
    } satisfies Partial<CallView>)
    const added = await f.db.orm
      .select()
      .from(schema.events)
      .where(and(eq(schema.events.type, 'missed.added')))
    expect(added.some((e) => (e.payload as { call: CallView }).call.id === id)).toBe(true)
  })

  it('a bad number is E_NUMBER_INVALID and nothing is stored; NUL and oversize are E_VALIDATION', async () => {
    const before = (await missed(op1)).length
    for (const phone of ['12', 'call me', '+7 916 123', '+1 000 000 0000', '<script>1</script>']) {
      const r = await callback({ phone }, from())
      expect(r.statusCode, phone).toBe(400)
      expect(r.json().error.code, phone).toBe('E_NUMBER_INVALID')
    }
    for (const body of [
      { phone: '+79161234567', name: 'a\u0000b' },
      { phone: '+79161234567', name: 'x'.repeat(101) },
      { phone: '\ud800' },
    ]) {
      const r = await callback(body, from())
      expect(r.statusCode).toBe(400)
      expect(r.json().error.code).toBe('E_VALIDATION')
    }
    expect(await missed(op1)).toHaveLength(before)
  })

  it('a flood is refused per visitor and per address (E_RATE_LIMITED, 429); a number is never refused: past OPEN_PER_NUMBER waiting requests one more joins the newest (probe 11 #5)', async () => {
    const sameNumber: { status: number; id: string }[] = []
    for (let i = 0; i < OPEN_PER_NUMBER + 2; i++) {
      const r = await callback({ phone: '+79161110000' }, from())
      sameNumber.push({ status: r.statusCode, id: (r.json() as { id: string }).id })
    }
    expect(sameNumber.map((r) => r.status)).toEqual(Array(OPEN_PER_NUMBER + 2).fill(201))
    const ids = sameNumber.map((r) => r.id)
    expect(new Set(ids.slice(0, OPEN_PER_NUMBER)).size).toBe(OPEN_PER_NUMBER)
    expect(ids.slice(OPEN_PER_NUMBER)).toEqual([ids[OPEN_PER_NUMBER - 1], ids[OPEN_PER_NUMBER - 1]])
    const waiting = (await missed(op1)).filter((c) => c.peerNumber === '+79161110000')
    expect(waiting).toHaveLength(OPEN_PER_NUMBER)
    // Once some are handled, the number has room again: a new request is a new row.
    for (const id of ids.slice(0, 2))
      expect((await post(`/api/calls/missed/${id}/handle`, op1)).statusCode).toBe(200)
    const again = (await callback({ phone: '+79161110000' }, from())).json() as { id: string }
    expect(ids).not.toContain(again.id)
    // Two at once when one place is left: one new row, the other joins it.
    const both = await Promise.all([
      callback({ phone: '+79161110000' }, from()),
      callback({ phone: '+79161110000' }, from()),
    ])
    expect(both.map((r) => r.statusCode)).toEqual([201, 201])
    expect(new Set(both.map((r) => (r.json() as { id: string }).id)).size).toBe(1)
    expect((await missed(op1)).filter((c) => c.peerNumber === '+79161110000')).toHaveLength(OPEN_PER_NUMBER)

    const { token } = (
      await f.app.inject({
        method: 'POST',
        url: '/api/visitor/session',
        payload: { tenant: 'demo', page: { url: 'x' } },
      })
    ).json() as { token: string }
    const sameVisitor = []
    for (let i = 0; i < CALLBACK_LIMITS.perVisitor.max + 1; i++)
      sameVisitor.push((await callback({ phone: `+7916222000${i}`, visitorToken: token }, from())).statusCode)
    expect(sameVisitor).toEqual([...Array(CALLBACK_LIMITS.perVisitor.max).fill(201), 429])

    const addr = from()
    const sameAddress = []
    for (let i = 0; i < CALLBACK_LIMITS.perAddress.max + 1; i++)
      sameAddress.push(
        (await callback({ phone: `+791633300${String(i).padStart(2, '0')}` }, addr)).statusCode,
      )
    expect(sameAddress).toEqual([...Array(CALLBACK_LIMITS.perAddress.max).fill(201), 429])
    const refused = await callback({ phone: '+79164440000' }, addr)
    expect(refused.json().error.code).toBe('E_RATE_LIMITED')
  })

  it("probe 12 #1: a stranger's requests never swallow the customer's own — another group is a row of its own (and told), the same group's newest row takes his name and moves up", async () => {
    const spam: string[] = []
    for (let i = 0; i < OPEN_PER_NUMBER; i++)
      spam.push(
        (
          (
            await callback({ phone: '+79167770001', name: 'SPAM - ignore', number: SALES_VN }, from())
          ).json() as {
            id: string
          }
        ).id,
      )
    const support = (
      await callback({ phone: '8 916 777-00-01', name: 'Иван', number: SUPPORT_VN }, from())
    ).json() as { id: string }
    expect(spam).not.toContain(support.id)
    const list = await missed(op1)
    expect(list.find((c) => c.id === support.id)).toMatchObject({
      groupName: 'Support',
      callbackName: 'Иван',
    })
    const added = await f.db.orm.select().from(schema.events).where(eq(schema.events.type, 'missed.added'))
    expect(added.some((e) => (e.payload as { call: CallView }).call.id === support.id)).toBe(true)
    // The same group: his words replace the stranger's on the newest row, which moves to the top.
    const sales = (
      await callback({ phone: '+7 916 777 00 01', name: 'Пётр', number: SALES_VN }, from())
    ).json() as { id: string }
    expect(sales.id).toBe(spam.at(-1))
    const rows = (await missed(op1)).filter((c) => c.peerNumber === '+79167770001')
    expect(rows).toHaveLength(OPEN_PER_NUMBER + 1)
    expect(rows.find((c) => c.id === sales.id)?.callbackName).toBe('Пётр')
  })

  it("Undo: only who marked it; the call is back in everyone's list with call.updated; another tenant gets 404", async () => {
    const { id } = (await callback({ phone: '+79165550000' }, from())).json() as { id: string }
    expect((await post(`/api/calls/missed/${id}/handle`, op1)).json()).toMatchObject({ handledHow: 'mark' })
    expect((await missed(op2)).map((c) => c.id)).not.toContain(id)
    const theirs = await post(`/api/calls/missed/${id}/undo`, op2)
    expect(theirs.statusCode).toBe(403)
    expect(theirs.json().error.code).toBe('E_FORBIDDEN')
    const stranger = (await f.login('op1@other')).token
    expect((await post(`/api/calls/missed/${id}/undo`, stranger)).statusCode).toBe(404)
    const undone = await post(`/api/calls/missed/${id}/undo`, op1)
    expect(undone.statusCode, undone.body).toBe(200)
    expect(undone.json()).toMatchObject({ handledAt: null, handledById: null, handledHow: null })
    expect((await missed(op2)).map((c) => c.id)).toContain(id)
    const ev = await f.db.orm
      .select()
      .from(schema.events)
      .where(eq(schema.events.type, 'call.updated'))
      .orderBy(schema.events.seq)
    const last = ev.filter((e) => (e.payload as { call: CallView }).call.id === id).at(-1)
    expect((last?.payload as { call: CallView } | undefined)?.call.handledAt).toBeNull()
    // Idempotent: undoing an open call answers it as it is.
    expect((await post(`/api/calls/missed/${id}/undo`, op1)).statusCode).toBe(200)
  })

  it('a call handled by a successful call back stays handled: Undo is E_FORBIDDEN', async () => {
    const { id } = (await callback({ phone: '+79166660000' }, from())).json() as { id: string }
    const me = (await f.login('op1@demo')).me
    await f.db.orm
      .update(schema.calls)
      .set({ handledAt: new Date(), handledById: me.id, handledHow: 'callback' })
      .where(eq(schema.calls.id, id))
    expect((await post(`/api/calls/missed/${id}/undo`, op1)).statusCode).toBe(403)
  })

  it('the guest line he called on: its missed call without a number gets his, and folds with the request; a forged password changes nothing', async () => {
    const k = await kamailio(f)
    const line = async () => {
      const r = await f.app.inject({
        method: 'POST',
        url: '/api/site/call-credentials',
        payload: { tenant: 'demo' },
        remoteAddress: from(),
      })
      const { sip } = r.json() as { sip: { aor: string; username: string; password: string } }
      const user = sip.aor.replace(/^sip:|@.*$/g, '')
      const call = await k.route(user, SALES_VN)
      await k.dialog('failed', call.callId, { code: 487 })
      return { sip, user }
    }
    const rowOf = async (user: string) =>
      (await f.db.orm.select().from(schema.calls).where(eq(schema.calls.callerUser, user)))[0]

    const forged = await line()
    expect((await rowOf(forged.user))?.peerNumber).toBe(forged.user)
    const bad = { username: forged.sip.username, password: `${forged.sip.password.slice(0, -2)}x=` }
    expect((await callback({ phone: '+79167770001', line: bad }, from())).statusCode).toBe(201)
    expect((await rowOf(forged.user))?.peerNumber).toBe(forged.user)

    const real = await line()
    const creds = { username: real.sip.username, password: real.sip.password }
    expect(
      (await callback({ phone: '+79167770002', number: SALES_VN, line: creds }, from())).statusCode,
    ).toBe(201)
    expect(await rowOf(real.user)).toMatchObject({ peerNumber: '+79167770002', peerGiven: true })
    const both = (await missed(op1)).filter((c) => c.peerNumber === '+79167770002')
    expect(both.map((c) => !!c.callbackRequest).sort()).toEqual([false, true])
  })
})
