import crypto from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { schema } from '../db/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

const URL = '/api/admin/sip/gateway-credentials'

describe.each(targets)('admin SIP routes on $name', (target) => {
  let f: Fixture
  beforeAll(async () => {
    f = await makeFixture(target)
  })
  afterAll(() => f.close())

  const post = (token: string | null, payload?: unknown) =>
    f.app.inject({
      method: 'POST',
      url: URL,
      headers: token ? auth(token) : {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    })

  it('an admin gets a line for gateway@<own domain> that auth_ephemeral accepts', async () => {
    const admin = (await f.login('admin@demo')).token
    for (const payload of [{}, undefined]) {
      const r = await post(admin, payload)
      expect(r.statusCode).toBe(200)
      const s = r.json()
      expect(s).toMatchObject({
        aor: 'sip:gateway@demo.frontline.local',
        domain: 'demo.frontline.local',
        wsUrl: 'ws://127.0.0.1:8088',
      })
      const [expiry, user] = s.username.split(':')
      expect(user).toBe('gateway@demo.frontline.local')
      expect(Number(expiry) * 1000).toBe(Date.parse(s.expiresAt))
      expect(Date.parse(s.expiresAt)).toBeGreaterThan(Date.now() + 3600_000)
      const { sipSecret } = f.secrets
      expect(s.password).toBe(crypto.createHmac('sha1', sipSecret).update(s.username).digest('base64'))
    }
  })

  it('operators and supervisors get E_FORBIDDEN; no session E_AUTH_REQUIRED', async () => {
    for (const login of ['op1@demo', 'supervisor@demo']) {
      const r = await post((await f.login(login)).token, {})
      expect(r.statusCode).toBe(403)
      expect(r.json().error.code).toBe('E_FORBIDDEN')
    }
    const anon = await post(null, {})
    expect(anon.statusCode).toBe(401)
    expect(anon.json().error.code).toBe('E_AUTH_REQUIRED')
  })

  it('an unknown field is E_VALIDATION', async () => {
    const admin = (await f.login('admin@demo')).token
    const r = await post(admin, { user: '101' })
    expect(r.statusCode).toBe(400)
    expect(r.json().error.code).toBe('E_VALIDATION')
  })

  it("tenant isolation: another tenant's admin gets only their own domain (or E_NO_SOFTPHONE)", async () => {
    const other = (await f.login('op1@other')).token
    const none = await post(other, {})
    expect(none.statusCode).toBe(409)
    expect(none.json().error.code).toBe('E_NO_SOFTPHONE')
    await f.db.orm
      .update(schema.tenants)
      .set({ features: { softphone: true, omni: false } })
      .where(eq(schema.tenants.id, f.otherTenantId))
    const r = await post(other, {})
    expect(r.statusCode).toBe(200)
    expect(r.json().aor).toBe('sip:gateway@other.frontline.local')
    expect(r.json().username).toMatch(/:gateway@other\.frontline\.local$/)
  })
})
