/**
 * Probe 13 UI #20: a suspended company's people are told why their session ended — not "sign in
 * again", which then fails — on the API and on the socket's refusal code alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reactivateCompany, suspendCompany } from '../domain/tenants/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

describe.each(targets)('a suspended company’s sessions on $name', (target) => {
  let f: Fixture
  beforeAll(async () => {
    f = await makeFixture(target)
  })
  afterAll(() => f.close())

  it('a token of a suspended company is refused with E_SESSION_TENANT_SUSPENDED (401); after re-activation the bare refusal', async () => {
    const op = await f.login('op2@demo')
    await suspendCompany(f.db, 'demo')
    const r = await f.app.inject({ url: '/api/me', headers: auth(op.token) })
    expect([r.statusCode, r.json().error.code]).toEqual([401, 'E_SESSION_TENANT_SUSPENDED'])
    await reactivateCompany(f.db, 'demo')
    const again = await f.app.inject({ url: '/api/me', headers: auth(op.token) })
    expect([again.statusCode, again.json().error.code]).toEqual([401, 'E_AUTH_REQUIRED'])
  })
})
