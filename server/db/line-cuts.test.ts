/**
 * Probe 13 #1: a line's cut moves its "not before" past every credential already minted — even in the
 * same second, and even for two cuts in one second — and credentials minted afterwards start there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { credentialExpiry, SIP_CREDENTIAL_TTL_S } from '../sip/credentials.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'
import { cutLines, lineCutsSince, lineNotBefore, TENANT_LINE } from './line-cuts.ts'

describe.each(targets)('SIP line cuts on $name', (target) => {
  let f: Fixture
  let tenantId = ''
  let otherId = ''
  beforeAll(async () => {
    f = await makeFixture(target)
    tenantId = (await f.login('op1@demo')).me.tenantId
    otherId = (await f.login('op1@other')).me.tenantId
  })
  afterAll(() => f.close())

  it('a cut refuses what was minted before it, in the same second too; what is minted after passes', async () => {
    const now = 1_800_000_000_400
    const before = credentialExpiry(now, await lineNotBefore(f.db.orm, otherId, '101'))
    await cutLines(f.db.orm, otherId, ['101'], now + 100)
    const nb = await lineNotBefore(f.db.orm, otherId, '101')
    // route[AUTH]: refused when expiry < not before + TTL.
    expect(before).toBeLessThan(nb + SIP_CREDENTIAL_TTL_S)
    const after = credentialExpiry(now + 200, nb)
    expect(after).toBeGreaterThanOrEqual(nb + SIP_CREDENTIAL_TTL_S)
    // A second cut within the same second still refuses what the first one let through.
    await cutLines(f.db.orm, otherId, ['101'], now + 300)
    expect(after).toBeLessThan((await lineNotBefore(f.db.orm, otherId, '101')) + SIP_CREDENTIAL_TTL_S)
    // Another line is not cut; a cut of the whole tenant cuts it.
    expect(await lineNotBefore(f.db.orm, otherId, '102')).toBe(0)
    await cutLines(f.db.orm, otherId, [TENANT_LINE], now)
    // … past line 101's not-before too, which the two cuts above moved a second ahead of the clock.
    expect(await lineNotBefore(f.db.orm, otherId, '102')).toBe(Math.floor(now / 1000) + 3)
    expect((await lineCutsSince(f.db.orm, otherId, 0)).map((c) => c.line).sort()).toEqual([
      TENANT_LINE,
      '101',
    ])
  })

  it("a cut passes a line's or the tenant's not-before that several cuts in a row moved seconds ahead", async () => {
    const now = 1_810_000_000_000
    // Three quick cuts of one line move its not-before three seconds ahead of the clock.
    for (let i = 0; i < 3; i++) await cutLines(f.db.orm, otherId, ['104'], now)
    const minted = credentialExpiry(now + 500, await lineNotBefore(f.db.orm, otherId, '104'))
    // The tenant's suspension within that second refuses the credential minted from that future second.
    await cutLines(f.db.orm, otherId, [TENANT_LINE], now + 600)
    expect(minted).toBeLessThan((await lineNotBefore(f.db.orm, otherId, '104')) + SIP_CREDENTIAL_TTL_S)
    // And a line's cut passes the tenant's not-before the same way.
    const fromTenant = credentialExpiry(now + 700, await lineNotBefore(f.db.orm, otherId, '105'))
    await cutLines(f.db.orm, otherId, ['105'], now + 800)
    expect(fromTenant).toBeLessThan((await lineNotBefore(f.db.orm, otherId, '105')) + SIP_CREDENTIAL_TTL_S)
  })

  it('a password reset, an extension change and new gateway credentials each cut their lines; /api/me mints past the cut', async () => {
    const admin = await f.login('admin@demo')
    const op = await f.login('op3@demo')
    const at = async (line: string) => lineNotBefore(f.db.orm, tenantId, line)
    expect(await at('103')).toBe(0)
    const reset = await f.app.inject({
      method: 'POST',
      url: `/api/admin/employees/${op.me.id}/password`,
      headers: auth(admin.token),
      payload: {},
    })
    expect(reset.statusCode).toBe(200)
    const nb = await at('103')
    expect(nb).toBeGreaterThan(0)
    expect(Number(op.sip!.username.split(':')[0])).toBeLessThan(nb + SIP_CREDENTIAL_TTL_S)
    const { password } = reset.json() as { password: string }
    const again = await f.loginIssued('op3@demo', password)
    expect(Number(again.sip!.username.split(':')[0])).toBeGreaterThanOrEqual(nb + SIP_CREDENTIAL_TTL_S)

    const moved = await f.app.inject({
      method: 'PATCH',
      url: `/api/admin/employees/${op.me.id}`,
      headers: auth(admin.token),
      payload: { extension: '173' },
    })
    expect(moved.statusCode).toBe(200)
    expect(await at('103')).toBeGreaterThan(nb)
    expect(await at('173')).toBeGreaterThan(0)

    const gw = async () => {
      const r = await f.app.inject({
        method: 'POST',
        url: '/api/admin/sip/gateway-credentials',
        headers: auth(admin.token),
        payload: {},
      })
      expect(r.statusCode).toBe(200)
      return Number((r.json() as { username: string }).username.split(':')[0])
    }
    const first = await gw()
    const second = await gw()
    const gnb = await at('gateway')
    expect(first).toBeLessThan(gnb + SIP_CREDENTIAL_TTL_S)
    expect(second).toBeGreaterThanOrEqual(gnb + SIP_CREDENTIAL_TTL_S)
  })
})
