/** A caller's display name over 256 characters is cut, not refused (issue 6 §8). */
import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SipRouteBody } from '../../contract/calls.ts'
import { DOMAIN, kamailio, SALES_VN } from '../domain/calls/testkit.ts'
import { targets } from '../test/dbs.ts'
import { type Fixture, makeFixture } from '../test/fixture.ts'

describe('/internal/sip/route with a long display name', () => {
  let f: Fixture
  let k: Awaited<ReturnType<typeof kamailio>>
  beforeAll(async () => {
    f = await makeFixture(targets[0]!)
    k = await kamailio(f)
  })
  afterAll(() => f?.close())

  it('is routed, not answered 400', async () => {
    const r = await k.post('/internal/sip/route', {
      callId: 'long-name@test',
      from: `sip:guest-0a1b2c3d4e5f@${DOMAIN}`,
      fromName: 'Очень длинное имя '.repeat(40),
      to: `sip:${SALES_VN}@${DOMAIN}`,
      ruri: `sip:${SALES_VN}@${DOMAIN}`,
      domain: DOMAIN,
    })
    expect(r.statusCode).not.toBe(400)
    expect(r.statusCode).toBeLessThan(500)
  })

  it('the schema cuts it to 256 characters without splitting a character', () => {
    const base = { callId: 'x', from: 'sip:a@b', to: 'sip:c@d', ruri: 'sip:c@d', domain: 'd' }
    const name = `${'a'.repeat(255)}😀😀tail`
    const parsed = v.parse(SipRouteBody, { ...base, fromName: name })
    expect(Array.from(parsed.fromName)).toHaveLength(256)
    expect(parsed.fromName).toBe(`${'a'.repeat(255)}😀`)
    expect(v.parse(SipRouteBody, { ...base, fromName: 'Иван' }).fromName).toBe('Иван')
  })
})
