/**
 * Probe 11 finding 16 (I2): an On site row tells one visitor from another — where he came from (UTM),
 * how many visits, whether a chat is open now.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OnsiteView, TrackViewResponse } from '../../contract/tracking.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

describe.each(targets)('I2 On site rows on $name', (target) => {
  let f: Fixture
  let app: FastifyInstance
  let op = ''
  beforeAll(async () => {
    f = await makeFixture(target)
    app = await f.buildAnother({ trustProxy: ['127.0.0.1'] })
    await app.ready()
    op = (await f.login('op1@demo')).token
  }, 60_000)
  afterAll(async () => {
    await app?.close()
    await f?.close()
  })

  const view = async (body: Record<string, unknown>) => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/track/view',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ tenant: 'demo', ...body }),
    })
    expect(r.statusCode, r.body).toBe(200)
    return r.json() as TrackViewResponse
  }

  it('a row carries the UTM he came with, his visits and whether his chat is open', async () => {
    const v = await view({
      url: 'https://shop.example/?section=prices&utm_source=vk&utm_medium=social&utm_campaign=november',
      title: 'Demo',
    })
    const s = await app.inject({
      method: 'POST',
      url: '/api/visitor/session',
      payload: { tenant: 'demo', token: v.token, page: { url: 'https://shop.example/', referrer: null } },
    })
    const { token, visitorId } = s.json() as { token: string; visitorId: string }
    const w = await app.inject({
      method: 'POST',
      url: '/api/visitor/messages',
      headers: auth(token),
      payload: { clientMsgId: randomUUID(), text: 'Здравствуйте' },
    })
    expect(w.statusCode, w.body).toBe(200)
    await view({ token: v.token, url: 'https://shop.example/?section=prices', title: 'Demo' })
    const r = await app.inject({ url: '/api/onsite', headers: auth(op) })
    const row = (r.json() as { visitors: OnsiteView[] }).visitors.find((x) => x.visitorId === visitorId)
    expect(row).toMatchObject({
      url: 'https://shop.example/?section=prices',
      utm: { source: 'vk', medium: 'social', campaign: 'november' },
      visits: 1,
      chatOpen: true,
    })
  })
})
