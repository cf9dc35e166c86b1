/**
 * A5/T1 connecting channels: admin only, the secret shown once (later reads mask it), rotation and
 * disconnection (a disconnected channel's webhook key finds nothing), per-kind config validation,
 * tenant isolation, bad strings; and the omnichannel option: off → every chat/template route answers
 * E_OMNI_OFF, the softphone's routes do not.
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONNECT_HOOKS, channelByWebhookKey } from '../channels/index.ts'
import { eventsSince, schema } from '../db/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

const WA = {
  kind: 'whatsapp',
  name: 'WhatsApp продажи',
  address: '+74951234567',
  config: {
    phoneNumberId: '1234567890',
    accessToken: 'EAAG-secret-token-1234',
    appSecret: 'meta-app-secret-5678',
    baseUrl: 'http://127.0.0.1:9/wa',
  },
}

describe.each(targets)('admin channel routes on $name', (target) => {
  let f: Fixture
  let admin: string
  beforeAll(async () => {
    f = await makeFixture(target)
    admin = (await f.login('admin@demo')).token
  })
  afterAll(() => f.close())

  const post = (token: string, url: string, payload?: unknown) =>
    f.app.inject({
      method: 'POST',
      url,
      headers: auth(token),
      ...(payload === undefined ? {} : { payload: payload as object }),
    })
  const list = async (token: string) =>
    (await f.app.inject({ url: '/api/admin/channels', headers: auth(token) })).json().channels as {
      id: string
      secretHint: string | null
      config: Record<string, unknown>
      connected: boolean
    }[]

  it('connect answers the key, secret and webhook URL once; reads show only a masked hint', async () => {
    const r = await post(admin, '/api/admin/channels', WA)
    expect(r.statusCode).toBe(201)
    expect(r.headers['cache-control']).toBe('no-store')
    const s = r.json()
    expect(s.secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(s.webhookKey).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(s.webhookUrl).toMatch(new RegExp(`^http://[^/]+/api/hooks/whatsapp/${s.webhookKey}$`))
    expect(s.channel).toMatchObject({ kind: 'whatsapp', name: WA.name, address: WA.address, connected: true })
    // The provider finds it by the key.
    expect((await channelByWebhookKey(f.db.orm, 'whatsapp', s.webhookKey)).secret).toBe(s.secret)
    const again = (await f.app.inject({ url: '/api/admin/channels', headers: auth(admin) })).body
    expect(again).not.toContain(s.secret)
    expect(again).not.toContain(WA.config.accessToken)
    const mine = (await list(admin)).find((c) => c.id === s.channel.id)
    expect(mine?.secretHint).toBe(`••••${s.secret.slice(-4)}`)
    expect(mine?.config.accessToken).toBe('••••1234')
    expect(mine?.config.phoneNumberId).toBe('1234567890')
  })

  it('two connections get different keys and secrets', async () => {
    const a = (await post(admin, '/api/admin/channels', { ...WA, name: 'A' })).json()
    const b = (await post(admin, '/api/admin/channels', { ...WA, name: 'B' })).json()
    expect(a.secret).not.toBe(b.secret)
    expect(a.webhookKey).not.toBe(b.webhookKey)
  })

  it('rotating gives a new secret and key; the old key finds nothing', async () => {
    const first = (await post(admin, '/api/admin/channels', WA)).json()
    const r = await post(admin, `/api/admin/channels/${first.channel.id}/secret`)
    expect(r.statusCode).toBe(200)
    const next = r.json()
    expect(next.secret).not.toBe(first.secret)
    expect(next.webhookKey).not.toBe(first.webhookKey)
    await expect(channelByWebhookKey(f.db.orm, 'whatsapp', first.webhookKey)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    })
    expect((await channelByWebhookKey(f.db.orm, 'whatsapp', next.webhookKey)).id).toBe(first.channel.id)
  })

  it('disconnecting refuses inbound: the webhook key finds nothing any more', async () => {
    const s = (await post(admin, '/api/admin/channels', WA)).json()
    const r = await post(admin, `/api/admin/channels/${s.channel.id}/disconnect`)
    expect(r.statusCode).toBe(200)
    expect(r.json().channel.connected).toBe(false)
    await expect(channelByWebhookKey(f.db.orm, 'whatsapp', s.webhookKey)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    })
    expect((await list(admin)).find((c) => c.id === s.channel.id)?.connected).toBe(false)
  })

  it('config is checked per kind: missing, unknown, wrong-typed fields and non-http URLs are E_VALIDATION', async () => {
    const bad = [
      { ...WA, config: { accessToken: 'x' } },
      { ...WA, config: { ...WA.config, extra: 1 } },
      { ...WA, config: { ...WA.config, phoneNumberId: 'abc' } },
      { ...WA, config: { ...WA.config, baseUrl: 'javascript:alert(1)' } },
      { ...WA, config: { ...WA.config, baseUrl: 'file:///etc/passwd' } },
      { kind: 'telegram_bot', name: 'Bot', config: { token: 'not-a-token' } },
      { kind: 'telegram_bot', name: 'Bot', config: { botToken: '123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345' } },
      { kind: 'sms', name: 'SMS', config: {} },
      { kind: 'webchat', name: 'Site' },
      { kind: 'pigeon', name: 'X' },
      { ...WA, name: 'a\u0000b' },
      { ...WA, name: '\ud800' },
      { ...WA, address: 'x'.repeat(321) },
      { ...WA, config: { ...WA.config, accessToken: 'tok\u0000en' } },
      { ...WA, config: { ...WA.config, groupIds: ['00000000-0000-4000-8000-000000000000'] } },
    ]
    for (const body of bad) {
      const r = await post(admin, '/api/admin/channels', body)
      expect(r.statusCode, JSON.stringify(body)).toBe(400)
      expect(r.json().error.code).toBe('E_VALIDATION')
    }
    const ok = await post(admin, '/api/admin/channels', {
      kind: 'viber',
      name: 'Viber',
      config: { authToken: '4453b6ac12345678-e02c5f12174805f9-daec9cbb5448c51f' },
    })
    expect(ok.statusCode).toBe(201)
    // The admin typed the provider's token: no answer echoes it, this one included.
    expect(ok.body).not.toContain('daec9cbb5448c51f')
    expect(ok.json().channel.config.authToken).toBe('••••c51f')
  })

  it('only admins: operators and supervisors E_FORBIDDEN, no session E_AUTH_REQUIRED', async () => {
    for (const login of ['op1@demo', 'supervisor@demo']) {
      const t = (await f.login(login)).token
      for (const r of [
        await post(t, '/api/admin/channels', WA),
        await f.app.inject({ url: '/api/admin/channels', headers: auth(t) }),
        await f.app.inject({
          method: 'PATCH',
          url: '/api/admin/features',
          headers: auth(t),
          payload: { omni: false },
        }),
      ]) {
        expect(r.statusCode).toBe(403)
        expect(r.json().error.code).toBe('E_FORBIDDEN')
      }
    }
    expect((await f.app.inject({ url: '/api/admin/channels' })).statusCode).toBe(401)
  })

  it("another tenant's admin neither sees nor rotates nor disconnects my channels", async () => {
    const s = (await post(admin, '/api/admin/channels', WA)).json()
    const other = (await f.login('op1@other')).token
    const theirs = await f.app.inject({ url: '/api/admin/channels', headers: auth(other) })
    expect(theirs.statusCode).toBe(200)
    expect(theirs.body).not.toContain(s.channel.id)
    for (const url of [
      `/api/admin/channels/${s.channel.id}/secret`,
      `/api/admin/channels/${s.channel.id}/disconnect`,
    ]) {
      const r = await post(other, url)
      expect(r.statusCode).toBe(404)
      expect(r.body).not.toContain(s.secret)
    }
    expect((await channelByWebhookKey(f.db.orm, 'whatsapp', s.webhookKey)).connected).toBe(true)
  })

  it('GET features tells what omni off would touch: active employees and open chats of this tenant (probe 13 UI #8)', async () => {
    const [t] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    const tenantId = t!.id
    const people = (
      await f.db.orm.select().from(schema.employees).where(eq(schema.employees.tenantId, tenantId))
    ).filter((e) => !e.deactivatedAt).length
    const open = (
      await f.db.orm.select().from(schema.chats).where(eq(schema.chats.tenantId, tenantId))
    ).filter((c) => c.state !== 'completed').length
    const r = await f.app.inject({ url: '/api/admin/features', headers: auth(admin) })
    expect(r.statusCode).toBe(200)
    expect(r.json().omniImpact).toEqual({ employees: people, openChats: open })
    expect(people).toBeGreaterThan(1)
  })

  it('omnichannel off: chat and template routes answer E_OMNI_OFF, calls and me do not; on again: they work', async () => {
    const op = (await f.login('op1@demo')).token
    const patch = (omni: unknown) =>
      f.app.inject({ method: 'PATCH', url: '/api/admin/features', headers: auth(admin), payload: { omni } })
    expect((await patch('no')).statusCode).toBe(400)
    const off = await patch(false)
    expect(off.statusCode).toBe(200)
    expect(off.json().features).toEqual({ softphone: true, omni: false })
    // Every open app of the tenant is told (its tab bar follows without a reload).
    const [demo] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    const told = (await eventsSince(f.db.orm, demo?.id ?? '', 0, 100_000)).filter(
      (e) => e.type === 'tenant.features',
    )
    expect(told.at(-1)?.payload).toEqual({ features: { softphone: true, omni: false } })
    try {
      for (const url of [
        '/api/chats?tab=new',
        '/api/templates',
        '/api/chats/write-first?address=%2B79123456789',
      ]) {
        const r = await f.app.inject({ url, headers: auth(op) })
        expect(r.statusCode, url).toBe(403)
        expect(r.json().error.code).toBe('E_OMNI_OFF')
      }
      const send = await post(op, '/api/chats/00000000-0000-4000-8000-000000000000/messages', {
        clientMsgId: '00000000-0000-4000-8000-000000000001',
        text: 'x',
      })
      expect(send.json().error.code).toBe('E_OMNI_OFF')
      const shared = await post(admin, '/api/admin/templates', { name: 'x', text: 'y' })
      expect(shared.json().error.code).toBe('E_OMNI_OFF')
      // The website chat is off to its visitors (nobody would see their chats).
      const visit = await f.app.inject({
        method: 'POST',
        url: '/api/visitor/session',
        payload: { tenant: 'demo', page: { url: 'https://demo.example/', referrer: null } },
      })
      expect(visit.statusCode).toBe(409)
      expect(visit.json().error.code).toBe('E_CHANNEL_OFF')
      // The widget asks at start and shows no launcher.
      const open = await f.app.inject({ url: '/api/visitor/open?tenant=demo' })
      expect(open.statusCode).toBe(200)
      expect(open.json()).toEqual({ open: false })
      // The softphone stays; the session says the option is off.
      expect((await f.app.inject({ url: '/api/calls', headers: auth(op) })).statusCode).toBe(200)
      const me = await f.app.inject({ url: '/api/me', headers: auth(op) })
      expect(me.json().me.features).toEqual({ softphone: true, omni: false })
      // Without a session it is still E_AUTH_REQUIRED first (nothing said about the tenant).
      expect((await f.app.inject({ url: '/api/chats?tab=new' })).json().error.code).toBe('E_AUTH_REQUIRED')
    } finally {
      expect((await patch(true)).json().features).toEqual({ softphone: true, omni: true })
    }
    expect((await f.app.inject({ url: '/api/chats?tab=new', headers: auth(op) })).statusCode).toBe(200)
    expect((await f.app.inject({ url: '/api/visitor/open?tenant=demo' })).json()).toEqual({ open: true })
    expect((await f.app.inject({ url: '/api/visitor/open?tenant=no-such-tenant' })).statusCode).toBe(404)
    expect((await f.app.inject({ url: '/api/visitor/open?tenant=%00' })).statusCode).toBe(400)
  })
})

describe.each(targets)("a kind's connect hook (Telegram's setWebhook) on $name", (target) => {
  let f: Fixture
  let admin: string
  beforeAll(async () => {
    f = await makeFixture(target)
    admin = (await f.login('admin@demo')).token
  })
  afterAll(() => {
    delete CONNECT_HOOKS.viber
    return f.close()
  })
  const connect = () =>
    f.app.inject({
      method: 'POST',
      url: '/api/admin/channels',
      headers: auth(admin),
      payload: { kind: 'viber', name: 'Viber', config: { authToken: 'viber-token' } },
    })

  it('gets the stored channel and the webhook URL at connection and at rotation', async () => {
    const seen: { key: string | null; secret: string | null; url: string; token: unknown }[] = []
    CONNECT_HOOKS.viber = async ({ channel, webhookUrl }) => {
      seen.push({
        key: channel.webhookKey,
        secret: channel.secret,
        url: webhookUrl,
        token: channel.config.authToken,
      })
    }
    const s = (await connect()).json()
    expect(seen).toEqual([{ key: s.webhookKey, secret: s.secret, url: s.webhookUrl, token: 'viber-token' }])
    const r = (
      await f.app.inject({
        method: 'POST',
        url: `/api/admin/channels/${s.channel.id}/secret`,
        headers: auth(admin),
      })
    ).json()
    expect(seen[1]).toMatchObject({ key: r.webhookKey, secret: r.secret, url: r.webhookUrl })
  })

  it('a provider that refuses a new channel: E_PROVIDER, and nothing is left behind (probe 13 #16: one dead row per retry)', async () => {
    CONNECT_HOOKS.viber = async () => {
      throw new Error('401 from the provider')
    }
    const vibers = async () =>
      (
        (await f.app.inject({ url: '/api/admin/channels', headers: auth(admin) })).json().channels as {
          kind: string
        }[]
      ).filter((c) => c.kind === 'viber').length
    const before = await vibers()
    for (let i = 0; i < 2; i++) {
      const r = await connect()
      expect(r.statusCode).toBe(502)
      expect(r.json().error.code).toBe('E_PROVIDER')
      expect(r.body).not.toContain('viber-token')
    }
    expect(await vibers()).toBe(before)
    const log = (await f.app.inject({ url: '/api/admin/audit?limit=4', headers: auth(admin) })).json()
      .entries as { action: string }[]
    expect(log.map((e) => e.action).slice(0, 2)).toEqual(['channel.remove', 'channel.connect'])
  })

  it('a provider that refuses a new secret: E_PROVIDER, and the channel stays, disconnected', async () => {
    delete CONNECT_HOOKS.viber
    const s = (await connect()).json()
    CONNECT_HOOKS.viber = async () => {
      throw new Error('401 from the provider')
    }
    const r = await f.app.inject({
      method: 'POST',
      url: `/api/admin/channels/${s.channel.id}/secret`,
      headers: auth(admin),
    })
    expect(r.json().error.code).toBe('E_PROVIDER')
    const list = (await f.app.inject({ url: '/api/admin/channels', headers: auth(admin) })).json()
      .channels as { id: string; connected: boolean }[]
    expect(list.find((c) => c.id === s.channel.id)?.connected).toBe(false)
  })
})

describe.each(targets)('changing a channel on $name', (target) => {
  let f: Fixture
  let admin: string
  beforeAll(async () => {
    f = await makeFixture(target)
    admin = (await f.login('admin@demo')).token
  })
  afterAll(() => f.close())
  const patch = (token: string, id: string, payload: unknown) =>
    f.app.inject({
      method: 'PATCH',
      url: `/api/admin/channels/${id}`,
      headers: auth(token),
      payload: payload as object,
    })

  it('name, address, auto-complete minutes; provider settings merge (a secret left out keeps its value)', async () => {
    const s = (
      await f.app.inject({ method: 'POST', url: '/api/admin/channels', headers: auth(admin), payload: WA })
    ).json()
    const r = await patch(admin, s.channel.id, {
      name: 'WhatsApp поддержка',
      autoCompleteMinutes: 45,
      config: { phoneNumberId: '999' },
    })
    expect(r.statusCode).toBe(200)
    expect(r.json().channel).toMatchObject({
      name: 'WhatsApp поддержка',
      autoCompleteMinutes: 45,
      config: { phoneNumberId: '999', accessToken: '••••1234' },
    })
    const row = await channelByWebhookKey(f.db.orm, 'whatsapp', s.webhookKey)
    expect(row.config).toMatchObject({ phoneNumberId: '999', accessToken: WA.config.accessToken })
    expect(
      (await patch(admin, s.channel.id, { autoCompleteMinutes: null })).json().channel.autoCompleteMinutes,
    ).toBeNull()
    for (const bad of [
      { autoCompleteMinutes: 0 },
      { config: { phoneNumberId: 'x' } },
      { config: { nope: 1 } },
      { name: '' },
      { kind: 'sms' },
    ]) {
      const b = await patch(admin, s.channel.id, bad)
      expect(b.statusCode, JSON.stringify(bad)).toBe(400)
    }
    // A setting stored before the table knew it (the demo seed's) does not block a change.
    await f.db.orm
      .update(schema.channels)
      .set({ config: { ...row.config, gateway: true } })
      .where(eq(schema.channels.id, s.channel.id))
    const legacy = await patch(admin, s.channel.id, { config: { phoneNumberId: '777' } })
    expect(legacy.statusCode, legacy.body).toBe(200)
    expect(legacy.json().channel.config).toMatchObject({ phoneNumberId: '777', gateway: true })
    // Website chat: its auto-complete here, its settings at its own route.
    const web = (await f.app.inject({ url: '/api/admin/channels', headers: auth(admin) }))
      .json()
      .channels.find((c: { kind: string }) => c.kind === 'webchat')
    expect((await patch(admin, web.id, { autoCompleteMinutes: 20 })).json().channel.autoCompleteMinutes).toBe(
      20,
    )
    expect((await patch(admin, web.id, { config: { groupIds: [] } })).statusCode).toBe(400)
    const op = (await f.login('op1@demo')).token
    expect((await patch(op, s.channel.id, { name: 'x' })).statusCode).toBe(403)
    const other = (await f.login('op1@other')).token
    expect((await patch(other, s.channel.id, { name: 'x' })).statusCode).toBe(404)
  })
})
