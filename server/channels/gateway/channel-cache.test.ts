/**
 * The webhook key's channel remembered for a second (issue 8 ingest budget): one lookup serves the
 * webhooks of that second, yet an admin's disconnection or secret rotation in this process stops the
 * old key before the admin has the answer.
 */
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { targets } from '../../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../../test/fixture.ts'
import { cachedChannel, forgetWebhookChannels } from './channel-cache.ts'

describe('cachedChannel', () => {
  it('one lookup for many webhooks of a key; a key not found is asked again; forgetting asks again', async () => {
    let loads = 0
    const load = async () => ({ id: `c${++loads}` })
    const key = `k${Math.random()}`
    const got = await Promise.all([1, 2, 3].map(() => cachedChannel('whatsapp', key, load)))
    expect(got.map((c) => c.id)).toEqual(['c1', 'c1', 'c1'])
    expect(loads).toBe(1)
    forgetWebhookChannels()
    expect((await cachedChannel('whatsapp', key, load)).id).toBe('c2')
    const missing = `m${Math.random()}`
    const notFound = () => Promise.reject(new Error('E_NOT_FOUND'))
    await expect(cachedChannel('whatsapp', missing, notFound)).rejects.toThrow()
    expect((await cachedChannel('whatsapp', missing, load)).id).toBe('c3')
  })

  it('a lookup that began before a forget is not served after it', async () => {
    const key = `k${Math.random()}`
    let release!: (v: { id: string }) => void
    const first = cachedChannel('vk', key, () => new Promise<{ id: string }>((r) => (release = r)))
    forgetWebhookChannels()
    release({ id: 'old' })
    await first
    expect((await cachedChannel('vk', key, async () => ({ id: 'new' }))).id).toBe('new')
  })
})

describe.each(targets)('webhook channel cache through the admin routes on $name', (target) => {
  let f: Fixture
  let admin: string
  beforeAll(async () => {
    f = await makeFixture(target)
    admin = (await f.login('admin@demo')).token
  })
  afterAll(() => f?.close())

  const appSecret = 'meta-app-secret-cache'
  const post = (url: string, payload?: object) =>
    f.app.inject({ method: 'POST', url, headers: auth(admin), ...(payload ? { payload } : {}) })
  const webhook = (key: string) => {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] })
    return f.app.inject({
      method: 'POST',
      url: `/api/hooks/whatsapp/${key}`,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`,
      },
      payload: body,
    })
  }

  it('rotating the secret and disconnecting stop the old key at once (the lookup was remembered)', async () => {
    const s = (
      await post('/api/admin/channels', {
        kind: 'whatsapp',
        name: 'WA cache',
        config: { phoneNumberId: '55501', accessToken: 'tok-1234567890', appSecret },
      })
    ).json()
    expect((await webhook(s.webhookKey)).statusCode).toBe(200)
    const rotated = (await post(`/api/admin/channels/${s.channel.id}/secret`)).json()
    expect((await webhook(s.webhookKey)).statusCode).toBe(404)
    expect((await webhook(rotated.webhookKey)).statusCode).toBe(200)
    expect((await post(`/api/admin/channels/${s.channel.id}/disconnect`)).statusCode).toBe(200)
    expect((await webhook(rotated.webhookKey)).statusCode).toBe(404)
  })
})
