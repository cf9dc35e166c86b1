/**
 * Probe 12 #3, #4: what a tenant admin may not set on a channel. A provider URL (`baseUrl`, a gateway's
 * `url`, a bot's `apiBase`) or the SMTP relay aimed at this server or a private network is refused
 * (E_PROVIDER_URL_PRIVATE) unless the operator allows private providers (PROVIDER_ALLOW_PRIVATE=1, on
 * in tests); an e-mail channel's address must be at the tenant's own domain, and an address another
 * connected channel has answers 409 E_CHANNEL_ADDRESS_TAKEN in the same words whoever has it (never 500).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { schema } from '../db/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

const VIBER = { kind: 'viber', name: 'Viber', config: { authToken: 'viber-auth-token-1234' } }

describe.each(targets)('channel settings a tenant admin may not choose, on $name', (target) => {
  let f: Fixture
  let demo: string
  let other: string
  beforeAll(async () => {
    f = await makeFixture(target)
    demo = (await f.login('admin@demo')).token
    other = (await f.login('op1@other')).token
  })
  afterAll(() => f.close())
  const was = process.env.PROVIDER_ALLOW_PRIVATE
  afterEach(() => {
    process.env.PROVIDER_ALLOW_PRIVATE = was
  })

  const send = (token: string, method: 'POST' | 'PATCH', url: string, payload: object) =>
    f.app.inject({ method, url, headers: auth(token), payload })

  it('a provider URL or SMTP relay on loopback / private / link-local is refused at connect and at change', async () => {
    process.env.PROVIDER_ALLOW_PRIVATE = ''
    const bad: [string, Record<string, unknown>][] = [
      ['viber', { ...VIBER.config, baseUrl: 'http://127.0.0.1:4719' }],
      ['viber', { ...VIBER.config, baseUrl: 'http://169.254.169.254/latest' }],
      ['viber', { ...VIBER.config, baseUrl: 'http://[::ffff:7f00:1]/' }],
      ['viber', { ...VIBER.config, baseUrl: 'http://localhost:8080' }],
      ['viber', { ...VIBER.config, baseUrl: 'http://metadata.google.internal' }],
      [
        'whatsapp',
        { phoneNumberId: '1', accessToken: 'tok-1234', appSecret: 'sec-1234', baseUrl: 'http://10.0.0.5' },
      ],
      ['messenger', { pageAccessToken: 'tok-1234', appSecret: 'sec-1234', baseUrl: 'http://192.168.1.1' }],
      ['vk', { accessToken: 'tok-1234', confirmation: 'abc', baseUrl: 'http://[fd00::1]/' }],
      ['avito', { userId: '1', accessToken: 'tok-1234', baseUrl: 'http://100.64.0.1' }],
      ['sms', { url: 'http://127.0.0.1:9/sms' }],
      ['telegram', { url: 'http://0.0.0.0:9' }],
      ['telegram_bot', { token: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ', apiBase: 'http://172.16.0.1' }],
      ['email', { relayHost: '127.0.0.1', relayPort: 25 }],
      ['email', { relayHost: 'localhost' }],
    ]
    for (const [kind, config] of bad) {
      const r = await send(demo, 'POST', '/api/admin/channels', { kind, name: 'X', config })
      expect([kind, r.statusCode, r.json().error?.code]).toEqual([kind, 400, 'E_PROVIDER_URL_PRIVATE'])
    }
    // A channel connected with a public address cannot be re-aimed inside either.
    const ok = await send(demo, 'POST', '/api/admin/channels', {
      ...VIBER,
      config: { ...VIBER.config, baseUrl: 'https://chatapi.viber.com' },
    })
    expect(ok.statusCode).toBe(201)
    const id = ok.json().channel.id as string
    const patch = await send(demo, 'PATCH', `/api/admin/channels/${id}`, {
      config: { baseUrl: 'http://127.0.0.1:4719' },
    })
    expect(patch.statusCode).toBe(400)
    expect(patch.json().error.code).toBe('E_PROVIDER_URL_PRIVATE')
    expect(patch.json().error.details).toEqual(['config.baseUrl: not a public host'])
  })

  it('the operator switch PROVIDER_ALLOW_PRIVATE=1 lets a local stand-in be configured', async () => {
    process.env.PROVIDER_ALLOW_PRIVATE = '1'
    const r = await send(demo, 'POST', '/api/admin/channels', {
      ...VIBER,
      config: { ...VIBER.config, baseUrl: 'http://127.0.0.1:4719' },
    })
    expect(r.statusCode).toBe(201)
  })

  it("an e-mail address at another tenant's domain, or any other domain, is refused, naming the allowed one", async () => {
    for (const address of [
      'sales@demo.frontline.local',
      'support@demo.frontline.local',
      'SUPPORT@Demo.Frontline.Local.',
      'ceo@romashka.ru',
      'x@other.frontline.local.evil.com',
      '@other.frontline.local',
    ]) {
      const r = await send(other, 'POST', '/api/admin/channels', {
        kind: 'email',
        name: 'Mail',
        address,
        config: {},
      })
      expect([address, r.statusCode, r.json().error?.code]).toEqual([
        address,
        400,
        'E_CHANNEL_ADDRESS_DOMAIN',
      ])
      expect(r.json().error.details).toEqual(['address: must be <name>@other.frontline.local'])
    }
  })

  it('an address already connected answers 409 in the same words for this tenant and another (never 500)', async () => {
    const mine = await send(other, 'POST', '/api/admin/channels', {
      kind: 'email',
      name: 'Mail',
      address: 'Sales@Other.Frontline.Local',
      config: {},
    })
    expect(mine.statusCode).toBe(201)
    expect(mine.json().channel.address).toBe('sales@other.frontline.local')
    // Again by the same tenant (another spelling): 409.
    const again = await send(other, 'POST', '/api/admin/channels', {
      kind: 'email',
      name: 'Mail 2',
      address: 'SALES@other.frontline.local',
      config: {},
    })
    expect(again.statusCode).toBe(409)
    // demo's own address claimed by demo a second time: the same answer.
    const demoAgain = await send(demo, 'POST', '/api/admin/channels', {
      kind: 'email',
      name: 'Mail 2',
      address: 'support@demo.frontline.local',
      config: {},
    })
    expect(demoAgain.statusCode).toBe(409)
    expect(demoAgain.json()).toEqual(again.json())
    expect(again.json().error.code).toBe('E_CHANNEL_ADDRESS_TAKEN')
    // An address another tenant holds (claimed before the domain rule): the same 409, nothing more.
    await f.db.orm.insert(schema.channels).values({
      tenantId: f.otherTenantId,
      kind: 'email',
      name: 'Claimed before',
      address: 'billing@demo.frontline.local',
      config: {},
      connected: true,
    })
    const theirs = await send(demo, 'POST', '/api/admin/channels', {
      kind: 'email',
      name: 'Billing',
      address: 'billing@demo.frontline.local',
      config: {},
    })
    expect(theirs.statusCode).toBe(409)
    expect(theirs.json()).toEqual(again.json())
    // Renaming another of my channels onto a taken address: 409 too.
    const second = await send(other, 'POST', '/api/admin/channels', {
      kind: 'email',
      name: 'Mail 3',
      address: 'help@other.frontline.local',
      config: {},
    })
    expect(second.statusCode).toBe(201)
    const rename = await send(other, 'PATCH', `/api/admin/channels/${second.json().channel.id}`, {
      address: 'sales@other.frontline.local',
    })
    expect(rename.statusCode).toBe(409)
    expect(rename.json().error.code).toBe('E_CHANNEL_ADDRESS_TAKEN')
    // Its own address again (unchanged) is fine; another domain is not.
    const same = await send(other, 'PATCH', `/api/admin/channels/${second.json().channel.id}`, {
      address: 'help@other.frontline.local',
    })
    expect(same.statusCode).toBe(200)
    const away = await send(other, 'PATCH', `/api/admin/channels/${second.json().channel.id}`, {
      address: 'billing@demo.frontline.local',
    })
    expect(away.json().error.code).toBe('E_CHANNEL_ADDRESS_DOMAIN')
  })
})
