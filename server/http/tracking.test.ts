/**
 * Issue 12 §1–3 on the server: the tracking snippet's API (I3) — visits, page views, UTM, device,
 * location behind the trusted proxy, one visitor identity with the chat widget — Insider (I1) of a
 * visitor and of his chat, the On site list (I2), and bad input: another tenant's site key, a huge
 * title, script in titles and URLs, NUL bytes, a flood from one visitor.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { InsiderView, OnsiteView, TrackViewResponse } from '../../contract/tracking.ts'
import { eventsSince, lastSeq, queryRows } from '../db/index.ts'
import { contactedCache, recordView, type ViewInput, writeViews } from '../domain/tracking/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

const CHROME_ANDROID =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36'
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'

describe.each(targets)('tracking, Insider, On site on $name', (target) => {
  let f: Fixture
  let app: FastifyInstance
  let op = ''
  let admin = ''
  beforeAll(async () => {
    f = await makeFixture(target)
    // Requests come from the trusted proxy (loopback here) with the client's address in X-Forwarded-For.
    app = await f.buildAnother({ trustProxy: ['127.0.0.1'], trackLimits: { perVisitor: 30 } })
    await app.ready()
    op = (await f.login('op1@demo')).token
    admin = (await f.login('admin@demo')).token
  }, 60_000)
  afterAll(async () => {
    await app?.close()
    await f?.close()
  })

  const track = (
    kind: 'view' | 'ping' | 'leave',
    body: Record<string, unknown>,
    o: { ip?: string; ua?: string; json?: boolean } = {},
  ) =>
    app.inject({
      method: 'POST',
      url: `/api/track/${kind}`,
      headers: {
        'content-type': o.json ? 'application/json' : 'text/plain',
        'user-agent': o.ua ?? CHROME_ANDROID,
        ...(o.ip ? { 'x-forwarded-for': o.ip } : {}),
      },
      payload: JSON.stringify(body),
    })
  const view = async (body: Record<string, unknown>, o: { ip?: string; ua?: string } = {}) => {
    const r = await track('view', { tenant: 'demo', ...body }, o)
    expect(r.statusCode, r.body).toBe(200)
    return r.json() as TrackViewResponse
  }
  const get = (url: string, token = op) => app.inject({ url, headers: auth(token) })
  const insider = async (visitorId: string, q = '') => {
    const r = await get(`/api/insider/visitors/${visitorId}${q}`)
    expect(r.statusCode, r.body).toBe(200)
    return (r.json() as { insider: InsiderView }).insider
  }
  const visitorIdOf = async (token: string) => {
    const s = await app.inject({
      method: 'POST',
      url: '/api/visitor/session',
      payload: { tenant: 'demo', token, page: { url: 'https://shop.example/', referrer: null } },
    })
    expect(s.statusCode, s.body).toBe(200)
    return s.json() as { token: string; visitorId: string }
  }
  /** The visitor writes in the website chat (he has contacted the company). */
  const write = async (token: string, text = 'Здравствуйте') => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/visitor/messages',
      headers: auth(token),
      payload: { clientMsgId: randomUUID(), text },
    })
    expect(r.statusCode, r.body).toBe(200)
    return (r.json() as { chat: { id: string } }).chat.id
  }

  it('I3: views, UTM, referrer, device and browser, a public location; one visit until 30 minutes pass', async () => {
    const first = await view(
      {
        url: 'https://shop.example/?utm_source=yandex&utm_medium=cpc&utm_campaign=winter',
        title: 'Главная',
        referrer: 'https://ya.ru/',
      },
      { ip: '77.88.8.8' },
    )
    expect(first.token.length).toBeGreaterThan(10)
    const { visitorId } = await visitorIdOf(first.token)
    await view({ token: first.token, url: 'https://shop.example/prices', title: 'Цены' })
    await view({ token: first.token, url: 'https://shop.example/prices?x=1', title: 'Цены' })
    const p = await track('ping', { token: first.token, viewId: first.viewId, ms: 12_000 })
    expect(p.statusCode, p.body).toBe(200)
    let i = await insider(visitorId)
    expect(i.visits).toBe(1)
    expect(i.utm).toEqual({ source: 'yandex', medium: 'cpc', campaign: 'winter' })
    expect(i.referrer).toBe('https://ya.ru/')
    expect(i.browser).toBe('Chrome 126')
    expect(i.os).toBe('Android 14')
    expect(i.device).toMatch(/^mobile/)
    expect(i.location).toEqual({ kind: 'public', country: 'RU' })
    expect(i.topPages[0]).toEqual({ page: 'https://shop.example/prices', title: 'Цены', views: 2 })
    expect(i.topPages).toHaveLength(2)
    expect(i.currentPage).toEqual({ url: 'https://shop.example/prices?x=1', title: 'Цены' })
    const [d] = await queryRows<{ duration_ms: number }>(
      f.db.orm,
      sql`SELECT duration_ms FROM site_page_views WHERE id = ${first.viewId}`,
    )
    expect(d?.duration_ms).toBe(12_000)

    // 31 minutes without a page view: the next view starts a second visit.
    await f.db.orm.execute(
      sql`UPDATE site_visits SET last_at = now() - interval '31 minutes' WHERE visitor_id = ${visitorId}`,
    )
    await view({ token: first.token, url: 'https://shop.example/', title: 'Главная' }, { ua: FIREFOX_LINUX })
    i = await insider(visitorId)
    expect(i.visits).toBe(2)
    expect(i.browser).toBe('Firefox 128')
    expect(i.device).toBe('desktop')
  })

  it('I1: UTM tags from a later page of the visit (it landed without them) still show', async () => {
    const v = await view({ url: 'https://shop.example/', title: 'Главная' })
    await view({ token: v.token, url: 'https://shop.example/sale?utm_source=vk&utm_campaign=autumn' })
    await view({ token: v.token, url: 'https://shop.example/cart' })
    const i = await insider((await visitorIdOf(v.token)).visitorId)
    expect(i.visits).toBe(1)
    expect(i.utm).toEqual({ source: 'vk', campaign: 'autumn' })
  })

  it('ingest under load: concurrent views are written together; a bad one fails alone', async () => {
    const v = await view({ url: 'https://shop.example/' })
    const { visitorId } = await visitorIdOf(v.token)
    const tenantId = await tenantOf()
    const input = (k: number, who = visitorId) => ({
      tenantId,
      visitorId: who,
      url: `https://shop.example/burst/${k}`,
      title: `B${k}`,
      referrer: null,
      userAgent: CHROME_ANDROID,
      ip: '127.0.0.1',
    })
    // A visitor that does not exist (a foreign key the database refuses) among 30 good views.
    const results = await Promise.allSettled([
      ...Array.from({ length: 15 }, (_, k) => recordView(f.db, input(k))),
      recordView(f.db, input(99, randomUUID())),
      ...Array.from({ length: 15 }, (_, k) => recordView(f.db, input(15 + k))),
    ])
    expect(results.map((r) => r.status)).toEqual([
      ...Array(15).fill('fulfilled'),
      'rejected',
      ...Array(15).fill('fulfilled'),
    ])
    // Concurrent requests have no order of their own (on PostgreSQL the pool answers as it likes);
    // every good view is stored, and the next view is the current page.
    const [n] = await queryRows<{ n: number }>(
      f.db.orm,
      sql`SELECT count(*)::int AS n FROM site_page_views WHERE visitor_id = ${visitorId} AND page LIKE '%/burst/%'`,
    )
    expect(Number(n?.n)).toBe(30)
    await view({ token: v.token, url: 'https://shop.example/after', title: 'После' })
    const i = await insider(visitorId)
    expect(i.topPages).toHaveLength(5)
    expect(i.visits).toBe(1)
    expect(i.currentPage?.url).toBe('https://shop.example/after')
  })

  it('ingest batch: one visitor’s views in one batch are one visit in their order; a closed visit is not continued', async () => {
    const a = await view({ url: 'https://shop.example/a0', title: 'A0' })
    const b = await view({ url: 'https://shop.example/b0', title: 'B0' })
    const [va, vb] = [(await visitorIdOf(a.token)).visitorId, (await visitorIdOf(b.token)).visitorId]
    // A's visit is over (31 minutes without a page view); B's goes on.
    await f.db.orm.execute(
      sql`UPDATE site_visits SET last_at = now() - interval '31 minutes' WHERE visitor_id = ${va}`,
    )
    const tenantId = await tenantOf()
    const input = (visitorId: string, page: string, referrer: string | null = null): ViewInput => ({
      tenantId,
      visitorId,
      url: `https://shop.example/${page}?utm_source=${page}`,
      title: page.toUpperCase(),
      referrer,
      userAgent: FIREFOX_LINUX,
      ip: '77.88.8.8',
    })
    const out = await f.db.orm.transaction((tx) =>
      writeViews(
        tx,
        [input(va, 'a1', 'https://ya.ru/'), input(vb, 'b1'), input(va, 'a2'), input(va, 'a3')],
        contactedCache,
      ),
    )
    expect(out.every((o) => 'viewId' in o)).toBe(true)
    const visits = await queryRows<{ views: number; page: string; title: string; referrer: string | null }>(
      f.db.orm,
      sql`SELECT views, page, title, referrer FROM site_visits WHERE visitor_id = ${va} ORDER BY started_at`,
    )
    expect(visits).toEqual([
      { views: 1, page: 'https://shop.example/a0', title: 'A0', referrer: null },
      { views: 3, page: 'https://shop.example/a3', title: 'A3', referrer: 'https://ya.ru/' },
    ])
    const pages = await queryRows<{ page: string }>(
      f.db.orm,
      sql`SELECT v.page FROM site_page_views v JOIN site_visits s ON s.id = v.visit_id
          WHERE v.visitor_id = ${va} ORDER BY v.at`,
    )
    expect(pages.map((p) => p.page.replace('https://shop.example/', ''))).toEqual(['a0', 'a1', 'a2', 'a3'])
    const ia = await insider(va)
    expect(ia.visits).toBe(2)
    expect(ia.currentPage?.url).toBe('https://shop.example/a3?utm_source=a3')
    expect(ia.utm).toEqual({ source: 'a3' })
    expect(ia.browser).toBe('Firefox 128')
    const ib = await insider(vb)
    expect(ib.visits).toBe(1)
    expect(ib.currentPage?.url).toBe('https://shop.example/b1?utm_source=b1')
    expect(ib.browser).toBe('Chrome 126')
  })

  it('ingest batch: views that arrive in the same turn of the event loop share one transaction', async () => {
    const v = await view({ url: 'https://shop.example/' })
    const { visitorId } = await visitorIdOf(v.token)
    const tenantId = await tenantOf()
    const spy = vi.spyOn(f.db.orm, 'transaction')
    try {
      // Three requests handled one after another in one I/O poll: the first must not go alone.
      const done = await Promise.all(
        [1, 2, 3].map((k) =>
          recordView(f.db, {
            tenantId,
            visitorId,
            url: `https://shop.example/turn/${k}`,
            title: `T${k}`,
            referrer: null,
            userAgent: CHROME_ANDROID,
            ip: '127.0.0.1',
          }),
        ),
      )
      expect(new Set(done.map((d) => d.viewId)).size).toBe(3)
      expect(spy).toHaveBeenCalledTimes(1)
    } finally {
      spy.mockRestore()
    }
    expect((await insider(visitorId)).currentPage?.url).toBe('https://shop.example/turn/3')
  })

  it('ingest: a tenant suspended after its slug was remembered gets no more views (checked in the batch)', async () => {
    const v = await view({ url: 'https://shop.example/s0' })
    const { visitorId } = await visitorIdOf(v.token)
    const tenantId = await tenantOf()
    const count = async () =>
      Number(
        (
          await queryRows<{ n: number }>(
            f.db.orm,
            sql`SELECT count(*)::int AS n FROM site_page_views WHERE visitor_id = ${visitorId}`,
          )
        )[0]?.n,
      )
    const before = await count()
    await f.db.orm.execute(sql`UPDATE tenants SET suspended_at = now() WHERE id = ${tenantId}`)
    try {
      for (const body of [{ token: v.token }, {}]) {
        const r = await track('view', { tenant: 'demo', url: 'https://shop.example/s1', ...body })
        expect([r.statusCode, r.json().error.code]).toEqual([403, 'E_TENANT_SUSPENDED'])
      }
    } finally {
      await f.db.orm.execute(sql`UPDATE tenants SET suspended_at = NULL WHERE id = ${tenantId}`)
    }
    expect(await count()).toBe(before)
    await view({ token: v.token, url: 'https://shop.example/s2' })
    expect(await count()).toBe(before + 1)
  })

  it("ingest: a suspended tenant's pings and leaves are refused and write nothing (probe 14 attack #1)", async () => {
    const v = await view({ url: 'https://shop.example/p0' })
    const tenantId = await tenantOf()
    const duration = async () =>
      (
        await queryRows<{ d: number | null }>(
          f.db.orm,
          sql`SELECT duration_ms AS d FROM site_page_views WHERE id = ${v.viewId}`,
        )
      )[0]?.d ?? null
    const before = await duration()
    await f.db.orm.execute(sql`UPDATE tenants SET suspended_at = now() WHERE id = ${tenantId}`)
    try {
      for (const kind of ['ping', 'leave'] as const) {
        const r = await track(kind, { token: v.token, viewId: v.viewId, ms: 5000 })
        expect([r.statusCode, r.json().error.code]).toEqual([403, 'E_TENANT_SUSPENDED'])
      }
      expect(await duration()).toBe(before)
    } finally {
      await f.db.orm.execute(sql`UPDATE tenants SET suspended_at = NULL WHERE id = ${tenantId}`)
    }
    const r = await track('ping', { token: v.token, viewId: v.viewId, ms: 5000 })
    expect(r.statusCode, r.body).toBe(200)
    expect(await duration()).toBe(5000)
  })

  it('I3: loopback and private addresses are said to be such, not located', async () => {
    const lo = await view({ url: 'https://shop.example/' })
    expect((await insider((await visitorIdOf(lo.token)).visitorId)).location).toEqual({ kind: 'loopback' })
    const lan = await view({ url: 'https://shop.example/' }, { ip: '192.168.1.20' })
    expect((await insider((await visitorIdOf(lan.token)).visitorId)).location).toEqual({ kind: 'private' })
  })

  it('one identity: the chat widget session with the snippet token is the same visitor, and Insider of his chat shows his pages', async () => {
    const v = await view({ url: 'https://shop.example/delivery', title: 'Доставка' }, { ip: '8.8.8.8' })
    const s = await visitorIdOf(v.token)
    const chatId = await write(s.token)
    const r = await get(`/api/insider/chats/${chatId}`)
    expect(r.statusCode, r.body).toBe(200)
    const i = (r.json() as { insider: InsiderView }).insider
    expect(i.visitorId).toBe(s.visitorId)
    expect(i.topPages.map((t) => t.page)).toEqual(['https://shop.example/delivery'])
    expect(i.location.kind).toBe('public')
  })

  it('I1 live / I2: a contacted visitor’s page change is an event; he is on the On site list until he leaves', async () => {
    const v = await view({ url: 'https://shop.example/', title: 'Главная' })
    const { visitorId } = await visitorIdOf(v.token)
    const onsite = async () =>
      ((await get('/api/onsite')).json() as { visitors: OnsiteView[] }).visitors.map((x) => x.visitorId)
    // Not contacted yet: not listed, and his browsing makes no event.
    expect(await onsite()).not.toContain(visitorId)
    await write(v.token)
    const before = await lastSeq(f.db.orm, await tenantOf())
    const next = await view({ token: v.token, url: 'https://shop.example/contacts', title: 'Контакты' })
    const evs = (await eventsSince(f.db.orm, await tenantOf(), before, 100)).filter(
      (e) => e.type === 'visitor.activity',
    )
    expect(evs.map((e) => e.payload)).toEqual([
      { visitorId, onSite: true, page: 'https://shop.example/contacts', title: 'Контакты' },
    ])
    const list = ((await get('/api/onsite')).json() as { visitors: OnsiteView[] }).visitors
    expect(list.find((x) => x.visitorId === visitorId)).toMatchObject({
      page: 'https://shop.example/contacts',
    })
    expect((await track('leave', { token: v.token, viewId: next.viewId, ms: 5000 })).statusCode).toBe(200)
    expect(await onsite()).not.toContain(visitorId)
    const after = (await eventsSince(f.db.orm, await tenantOf(), before, 100)).filter(
      (e) => e.type === 'visitor.activity',
    )
    expect(after.at(-1)?.payload).toMatchObject({ visitorId, onSite: false })
  })

  it('ingest caches: a "no, not contacted" is asked again — the first view after the first message is live; a seen token is still checked', async () => {
    const v = await view({ url: 'https://shop.example/', title: 'Главная' })
    const { visitorId } = await visitorIdOf(v.token)
    const activity = async (since: number) =>
      (await eventsSince(f.db.orm, await tenantOf(), since, 1000)).filter(
        (e) => e.type === 'visitor.activity' && (e.payload as { visitorId: string }).visitorId === visitorId,
      )
    const before = await lastSeq(f.db.orm, await tenantOf())
    // Not contacted: several views (one batch or more) with his token, the visitor now known to the process.
    await Promise.all(
      ['a', 'b', 'c'].map((p) => view({ token: v.token, url: `https://shop.example/${p}`, title: p })),
    )
    expect(await activity(before)).toEqual([])
    // His token on another tenant's site: refused though the process has seen him.
    const forged = await track('view', { tenant: 'other', token: v.token, url: 'https://other.example/' })
    expect(forged.statusCode).toBe(401)
    // He writes; the very next view is an event (the "no" was not remembered).
    await write(v.token)
    const mid = await lastSeq(f.db.orm, await tenantOf())
    await view({ token: v.token, url: 'https://shop.example/after', title: 'После' })
    expect((await activity(mid)).map((e) => (e.payload as { page: string }).page)).toEqual([
      'https://shop.example/after',
    ])
  })

  it('I1 in the client card: Insider of the client’s website visitor, by his chat', async () => {
    const v = await view({ url: 'https://shop.example/prices', title: 'Цены' })
    const s = await visitorIdOf(v.token)
    const chatId = await write(s.token)
    const tenantId = await tenantOf()
    const [a, b] = await queryRows<{ id: string }>(
      f.db.orm,
      sql`SELECT id FROM contacts WHERE tenant_id = ${tenantId} ORDER BY id LIMIT 2`,
    )
    if (!a || !b) throw new Error('the demo tenant has no two contacts')
    await f.db.orm.execute(sql`UPDATE chats SET contact_id = ${a.id} WHERE id = ${chatId}`)
    const r = await get(`/api/insider/clients/${a.id}`)
    expect(r.statusCode, r.body).toBe(200)
    const i = (r.json() as { insider: InsiderView | null }).insider
    expect(i?.visitorId).toBe(s.visitorId)
    expect(i?.topPages.map((t) => t.page)).toContain('https://shop.example/prices')
    // A client with no visitor known: no Insider; no such client: 404.
    const other = await get(`/api/insider/clients/${b.id}`)
    expect(other.statusCode).toBe(200)
    expect((other.json() as { insider: unknown }).insider).toBeNull()
    expect((await get(`/api/insider/clients/${randomUUID()}`)).statusCode).toBe(404)
  })

  it('I1 CRM buttons: the admin’s templates filled for the client', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/api/admin/crm-cards',
      headers: auth(admin),
      payload: {
        templates: [
          { name: 'Лид', url: 'https://crm.example.com/leads?phone={phone}&name={name}' },
          { name: 'Контакт', url: 'https://crm.example.com/contacts/{clientId}' },
        ],
      },
    })
    expect(put.statusCode, put.body).toBe(200)
    const v = await view({ url: 'https://shop.example/' })
    const { visitorId } = await visitorIdOf(v.token)
    const i = await insider(visitorId)
    expect(i.crm).toEqual([
      { name: 'Лид', url: 'https://crm.example.com/leads?phone=&name=' },
      { name: 'Контакт', url: `https://crm.example.com/contacts/${visitorId}` },
    ])
    await app.inject({
      method: 'PUT',
      url: '/api/admin/crm-cards',
      headers: auth(admin),
      payload: { templates: [] },
    })
  })

  it('calls in the period: the adjustable period is validated', async () => {
    const v = await view({ url: 'https://shop.example/' })
    const { visitorId } = await visitorIdOf(v.token)
    expect((await insider(visitorId, '?days=30')).periodDays).toBe(30)
    expect((await get(`/api/insider/visitors/${visitorId}?days=0`)).statusCode).toBe(400)
    expect((await get(`/api/insider/visitors/${visitorId}?days=9999`)).statusCode).toBe(400)
    expect((await get(`/api/insider/visitors/${randomUUID()}`)).statusCode).toBe(404)
  })

  it('bad input: another tenant’s site key, huge and scripted titles and URLs, NUL, a flood', async () => {
    const mine = await view({ url: 'https://shop.example/' })
    // The demo visitor's token on the other tenant's site: refused, nothing recorded there.
    const forged = await track('view', { tenant: 'other', token: mine.token, url: 'https://other.example/' })
    expect(forged.statusCode).toBe(401)
    expect(forged.json()).toMatchObject({ error: { code: 'E_VISITOR_TOKEN' } })
    const [n] = await queryRows<{ n: number }>(
      f.db.orm,
      sql`SELECT count(*)::int AS n FROM site_page_views WHERE tenant_id = ${f.otherTenantId}`,
    )
    expect(Number(n?.n)).toBe(0)
    expect((await track('view', { tenant: 'no-such', url: 'https://x.example/' })).statusCode).toBe(404)

    // A huge title is cut to the limit; past 20,000 characters the request is refused.
    const script = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    const big = await view({
      token: mine.token,
      url: `https://shop.example/?q=${script}`,
      title: script + 'я'.repeat(10_000),
    })
    const [row] = await queryRows<{ title: string; url: string }>(
      f.db.orm,
      sql`SELECT title, url FROM site_page_views WHERE id = ${big.viewId}`,
    )
    expect(row?.title.length).toBe(300)
    expect(row?.title.startsWith(script)).toBe(true)
    expect(row?.url).toBe(`https://shop.example/?q=${script}`)
    expect(
      (await track('view', { tenant: 'demo', url: 'https://x.example/', title: 'x'.repeat(20_001) }))
        .statusCode,
    ).toBe(400)
    expect(
      (await track('view', { tenant: 'demo', url: 'https://x.example/', title: 'a\u0000b' })).statusCode,
    ).toBe(400)
    expect(
      (await track('view', { tenant: 'demo', url: 'https://x.example/', title: 'a\uD800b' })).statusCode,
    ).toBe(400)
    const garbage = await app.inject({
      method: 'POST',
      url: '/api/track/view',
      headers: { 'content-type': 'text/plain' },
      payload: '{not json',
    })
    expect(garbage.statusCode).toBe(400)
    // Somebody else's view id with my token: not found, nothing changed.
    const other = await view({ url: 'https://shop.example/' })
    expect((await track('ping', { token: mine.token, viewId: other.viewId, ms: 1 })).statusCode).toBe(404)

    // A flood from one visitor: refused for him past the per-minute limit (30 in this app).
    const flood = await view({ url: 'https://shop.example/' })
    const codes: number[] = []
    for (let k = 0; k < 40; k++)
      codes.push(
        (await track('view', { tenant: 'demo', token: flood.token, url: `https://shop.example/${k}` }))
          .statusCode,
      )
    expect(codes.filter((c) => c === 429).length).toBeGreaterThan(0)
    expect(codes.filter((c) => c === 200).length).toBeLessThanOrEqual(30)
    // …and only for him.
    expect(
      (await track('view', { tenant: 'demo', token: mine.token, url: 'https://shop.example/' })).statusCode,
    ).toBe(200)
  })

  it('CORS: the snippet’s requests from another origin; /track.js may be loaded cross-origin', async () => {
    const pre = await app.inject({
      method: 'OPTIONS',
      url: '/api/track/view',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    })
    expect(pre.statusCode).toBe(204)
    expect(pre.headers['access-control-allow-origin']).toBe('*')
    const r = await track('view', { tenant: 'demo', url: 'https://shop.example/' })
    expect(r.headers['access-control-allow-origin']).toBe('*')
  })

  it('ingest: a page view continues its visit by a heap-only update (no index touched: migration 0250); a deleted visitor’s page views go with his visits', async () => {
    const first = await view({ url: 'https://shop.example/hot0' })
    const { visitorId } = await visitorIdOf(first.token)
    const tenantId = await tenantOf()
    // This transaction's own counts, before and after (PGlite keeps adding them up across its
    // transactions: the difference is the page view's).
    const counts = await f.db.orm.transaction(async (tx) => {
      const count = async () =>
        (
          await queryRows<{ updated: number; hot: number }>(
            tx,
            sql`SELECT pg_stat_get_xact_tuples_updated('site_visits'::regclass)::int AS updated,
                  pg_stat_get_xact_tuples_hot_updated('site_visits'::regclass)::int AS hot`,
          )
        )[0] ?? { updated: 0, hot: 0 }
      const before = await count()
      const out = await writeViews(
        tx,
        [
          {
            tenantId,
            visitorId,
            url: 'https://shop.example/hot1',
            title: 'H1',
            referrer: null,
            userAgent: FIREFOX_LINUX,
            ip: '77.88.8.8',
          },
        ],
        contactedCache,
      )
      expect(out.every((o) => 'viewId' in o)).toBe(true)
      const after = await count()
      return { updated: after.updated - before.updated, hot: after.hot - before.hot }
    })
    expect(counts).toEqual({ updated: 1, hot: 1 })
    await f.db.orm.execute(sql`DELETE FROM visitors WHERE id = ${visitorId}`)
    const [left] = await queryRows<{ n: number }>(
      f.db.orm,
      sql`SELECT count(*)::int AS n FROM site_page_views WHERE visitor_id = ${visitorId}`,
    )
    expect(left?.n).toBe(0)
  })

  async function tenantOf(): Promise<string> {
    const [t] = await queryRows<{ id: string }>(f.db.orm, sql`SELECT id FROM tenants WHERE slug = 'demo'`)
    return t?.id ?? ''
  }
})
