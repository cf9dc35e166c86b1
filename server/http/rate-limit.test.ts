import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FailureLimiter } from '../domain/auth/index.ts'
import { targets } from '../test/dbs.ts'
import { type Fixture, makeFixture, PASSWORD } from '../test/fixture.ts'

describe('login rate limit', () => {
  let f: Fixture
  beforeAll(async () => {
    f = await makeFixture(targets[0]!, { limiter: new FailureLimiter(3, 60_000) })
  })
  afterAll(() => f.close())

  it('after max failures for a login+IP, even the right password gets 429 E_RATE_LIMITED; other logins are unaffected', async () => {
    const attempt = (password: string, login = 'op1@demo') =>
      f.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login, password } })
    for (let i = 0; i < 3; i++) expect((await attempt('wrong')).statusCode).toBe(401)
    const r = await attempt(PASSWORD)
    expect(r.statusCode).toBe(429)
    expect(r.json().error.code).toBe('E_RATE_LIMITED')
    expect((await attempt(PASSWORD, 'op2@demo')).statusCode).toBe(200)
  })
})
