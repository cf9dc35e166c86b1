/**
 * Leads (T11) over the app: the site form (validation, NUL and broken Unicode, rate limit, the
 * widget's visitor attached), every employee told, the open race (first opener wins, the other
 * sees "taken by X"), completing.
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LeadView } from '../../../contract/leads.ts'
import { schema } from '../../db/index.ts'
import { leads } from '../../db/schema-leads.ts'
import { targets } from '../../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../../test/fixture.ts'

describe.each(targets)('leads on $name', (target) => {
  let f: Fixture
  const tok: Record<string, string> = {}
  const names: Record<string, string> = {}

  beforeAll(async () => {
    f = await makeFixture(target)
    for (const login of ['admin', 'op1', 'op2']) {
      const r = await f.login(`${login}@demo`)
      tok[login] = r.token
      names[login] = r.me.name
    }
  }, 120_000)
  afterAll(() => f?.close())

  const form = (over: Record<string, unknown> = {}) => ({
    tenant: 'demo',
    name: 'Мария',
    phone: '+7 916 555-12-34',
    email: 'maria@example.com',
    comment: 'Перезвоните после обеда',
    ...over,
  })
  let ip = 1
  /** Each post from its own address, so the rate limit is tested on its own. */
  const post = (body: unknown, remote = `10.0.0.${ip++}`) =>
    f.app.inject({ method: 'POST', url: '/api/site/leads', payload: body as object, remoteAddress: remote })
  const call = (login: string, method: 'GET' | 'POST', url: string) =>
    f.app.inject({ method, url, headers: auth(tok[login] as string) })

  it('the site form creates a new lead every employee is told of (one event for everyone)', async () => {
    const r = await post(form())
    expect(r.statusCode).toBe(201)
    expect(r.headers['access-control-allow-origin']).toBe('*')
    const { id } = r.json() as { id: string }
    const evs = await f.db.orm.select().from(schema.events).where(eq(schema.events.type, 'lead.updated'))
    const ev = evs.find((e) => (e.payload as { lead: LeadView }).lead.id === id)
    expect(ev?.audience).toBeNull()
    const list = (await call('op2', 'GET', '/api/leads')).json() as { leads: LeadView[] }
    const lead = list.leads.find((l) => l.id === id)
    expect(lead).toMatchObject({ state: 'new', name: 'Мария', phone: '+7 916 555-12-34', takenBy: null })
    // Another tenant's employees never see it.
    const other = await f.login('op1@other')
    const theirs = (await f.app.inject({ url: '/api/leads', headers: auth(other.token) })).json() as {
      leads: LeadView[]
    }
    expect(theirs.leads.map((l) => l.id)).not.toContain(id)
  })

  it('refuses a form without a contact, with NUL or a lone surrogate, or oversize: coded 400', async () => {
    for (const bad of [
      form({ phone: undefined, email: undefined }),
      form({ name: '' }),
      form({ name: 'a\u0000b' }),
      form({ comment: 'x\ud800y' }),
      form({ comment: 'x'.repeat(2001) }),
      form({ email: 'not-an-address', phone: undefined }),
      form({ phone: '<script>' }),
      form({ extra: 1 }),
    ]) {
      const r = await post(bad)
      expect(r.statusCode, JSON.stringify(bad).slice(0, 80)).toBe(400)
      expect(r.json().error.code).toBe('E_VALIDATION')
    }
    expect((await post(form({ tenant: 'no-such-tenant' }))).statusCode).toBe(404)
  })

  it('attaches the widget visitor and his request info when the form carries his token', async () => {
    const s = await f.app.inject({
      method: 'POST',
      url: '/api/visitor/session',
      payload: { tenant: 'demo', page: { url: 'https://shop.example/?utm_source=google&utm_campaign=sofa' } },
    })
    const { token, visitorId } = s.json() as { token: string; visitorId: string }
    const { id } = (await post(form({ visitorToken: token }))).json() as { id: string }
    const lead = ((await call('op1', 'GET', '/api/leads')).json() as { leads: LeadView[] }).leads.find(
      (l) => l.id === id,
    )
    expect(lead?.visitorId).toBe(visitorId)
    expect(lead?.requestInfo?.utm).toEqual({ source: 'google', campaign: 'sofa' })
    // A forged token links nothing; the lead still comes in with the page it was sent from.
    const r = await post(
      form({ visitorToken: 'forged', page: { url: 'https://shop.example/?utm_source=ya' } }),
    )
    const forged = ((await call('op1', 'GET', '/api/leads')).json() as { leads: LeadView[] }).leads.find(
      (l) => l.id === (r.json() as { id: string }).id,
    )
    expect(forged?.visitorId).toBeNull()
    expect(forged?.requestInfo?.utm).toEqual({ source: 'ya' })
  })

  it('one address sending a burst is refused with 429 E_RATE_LIMITED; another address is not', async () => {
    const codes: number[] = []
    for (let i = 0; i < 12; i++) codes.push((await post(form(), '10.9.9.9')).statusCode)
    expect(codes.slice(0, 10).every((c) => c === 201)).toBe(true)
    expect(codes.slice(10)).toEqual([429, 429])
    expect((await post(form(), '10.9.9.10')).statusCode).toBe(201)
  })

  it('two operators open the same lead at once: exactly one takes it, the other sees "taken by" the winner', async () => {
    for (let round = 0; round < 5; round++) {
      const { id } = (await post(form({ name: `Гонка ${round}` }))).json() as { id: string }
      const [a, b] = await Promise.all([
        call('op1', 'POST', `/api/leads/${id}/open`),
        call('op2', 'POST', `/api/leads/${id}/open`),
      ])
      expect([a.statusCode, b.statusCode]).toEqual([200, 200])
      const la = (a.json() as { lead: LeadView }).lead
      const lb = (b.json() as { lead: LeadView }).lead
      expect(la.takenBy).toBe(lb.takenBy)
      expect(la.state).toBe('taken')
      expect([names.op1, names.op2]).toContain(la.takenByName)
      // One event for the take, not two.
      const evs = await f.db.orm.select().from(schema.events).where(eq(schema.events.type, 'lead.updated'))
      const taken = evs.filter((e) => {
        const l = (e.payload as { lead: LeadView }).lead
        return l.id === id && l.state === 'taken'
      })
      expect(taken).toHaveLength(1)
      // The loser may not complete it; the winner may.
      const loser = la.takenByName === names.op1 ? 'op2' : 'op1'
      const winner = loser === 'op1' ? 'op2' : 'op1'
      const refused = await call(loser, 'POST', `/api/leads/${id}/complete`)
      expect(refused.statusCode).toBe(409)
      expect(refused.json().error.code).toBe('E_LEAD_TAKEN')
      const done = await call(winner, 'POST', `/api/leads/${id}/complete`)
      expect((done.json() as { lead: LeadView }).lead.state).toBe('completed')
      // Opening a completed lead only reads it.
      const again = await call(loser, 'POST', `/api/leads/${id}/open`)
      expect((again.json() as { lead: LeadView }).lead).toMatchObject({
        state: 'completed',
        takenByName: names[winner],
      })
    }
  })

  it('A5: a tenant with the omnichannel option off refuses the site form with 403 E_OMNI_OFF and stores nothing; on again, it takes it', async () => {
    const features = (omni: boolean) =>
      f.app.inject({
        method: 'PATCH',
        url: '/api/admin/features',
        headers: auth(tok.admin as string),
        payload: { omni },
      })
    const before = (await f.db.orm.select().from(leads)).length
    expect((await features(false)).statusCode).toBe(200)
    try {
      const r = await post(form({ comment: 'omni off' }))
      expect([r.statusCode, r.json().error.code]).toEqual([403, 'E_OMNI_OFF'])
      expect(r.headers['access-control-allow-origin']).toBe('*')
      expect((await f.db.orm.select().from(leads)).length).toBe(before)
    } finally {
      expect((await features(true)).statusCode).toBe(200)
    }
    expect((await post(form({ comment: 'omni on' }))).statusCode).toBe(201)
  })

  it("another tenant's lead id is 404 for open and complete", async () => {
    const { id } = (await post(form())).json() as { id: string }
    const other = await f.login('op1@other')
    for (const path of ['open', 'complete']) {
      const r = await f.app.inject({
        method: 'POST',
        url: `/api/leads/${id}/${path}`,
        headers: auth(other.token),
      })
      expect(r.statusCode).toBe(404)
    }
  })
})
