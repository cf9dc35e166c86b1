import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LoginResponse, SessionInfo } from '../../contract/api.ts'
import { ephemeralCredentials } from '../sip/credentials.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

describe.each(targets)('auth API on $name', (target) => {
  let f: Fixture
  beforeAll(async () => {
    f = await makeFixture(target)
  })
  afterAll(() => f.close())

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    f.app.inject({ method: 'POST', url: '/api/auth/login', payload: payload as object, headers })

  it('logs in and returns me + SIP settings with valid ephemeral credentials', async () => {
    const r = await post({ login: 'OP1@demo', password: 'demo-pass-1' })
    expect(r.statusCode).toBe(200)
    const body = r.json() as LoginResponse
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(body.me).toMatchObject({
      login: 'op1@demo',
      role: 'operator',
      extension: '101',
      status: 'off_work',
      tenantName: 'Demo',
    })
    expect(body.me.features).toEqual({ softphone: true, omni: true })
    const sip = body.sip!
    expect(sip.aor).toBe('sip:101@demo.frontline.local')
    expect(sip.wsUrl).toBe('ws://127.0.0.1:8088')
    // The username names the tenant's domain: credentials of one tenant never open another's lines.
    const [expiry, user] = sip.username.split(':')
    expect(user).toBe('101@demo.frontline.local')
    expect(Number(expiry) * 1000 - Date.now()).toBeGreaterThan(11.9 * 3600 * 1000)
    expect(sip.password).toBe(
      ephemeralCredentials(f.secrets.sipSecret, '101@demo.frontline.local', Number(expiry)).password,
    )
  })

  it('unknown login and wrong password get the identical answer', async () => {
    const a = await post({ login: 'nobody@demo', password: 'x' })
    const b = await post({ login: 'op2@demo', password: 'wrong' })
    expect(a.statusCode).toBe(401)
    expect(a.json()).toEqual(b.json())
    expect(a.json().error.code).toBe('E_BAD_CREDENTIALS')
  })

  it('answers in Russian when asked', async () => {
    const r = await post(
      { login: 'nobody@demo', password: 'x' },
      { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.8' },
    )
    expect(r.json().error.message).toBe('Неверный логин или пароль.')
  })

  it.each([
    ['malformed JSON', '{"login":', 'application/json', 400, 'E_BAD_REQUEST'],
    [
      'wrong content type',
      'login=a&password=b',
      'application/x-www-form-urlencoded',
      415,
      'E_UNSUPPORTED_MEDIA',
    ],
    ['text/plain', '{"login":"a","password":"b"}', 'text/plain', 415, 'E_UNSUPPORTED_MEDIA'],
    ['unknown field', '{"login":"a","password":"b","admin":true}', 'application/json', 400, 'E_VALIDATION'],
    ['wrong types', '{"login":1,"password":[]}', 'application/json', 400, 'E_VALIDATION'],
    ['not an object', '[1,2]', 'application/json', 400, 'E_VALIDATION'],
    ['empty body', '', 'application/json', 400, 'E_BAD_REQUEST'],
    [
      'proto pollution',
      '{"__proto__":{"x":1},"login":"a","password":"b"}',
      'application/json',
      400,
      'E_BAD_REQUEST',
    ],
    [
      'oversized',
      JSON.stringify({ login: 'a', password: 'x'.repeat(70_000) }),
      'application/json',
      413,
      'E_BODY_TOO_LARGE',
    ],
  ])('bad input: %s → %i %s', async (_n, payload, type, status, code) => {
    const r = await f.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload,
      headers: { 'content-type': type },
    })
    expect(r.statusCode).toBe(status)
    expect(r.json().error.code).toBe(code)
  })

  it('validation errors carry details', async () => {
    const r = await post({ login: '', password: 'x', extra: 1 })
    expect(r.json().error.details.length).toBeGreaterThan(0)
  })

  it('missing, malformed and revoked tokens → 401 E_AUTH_REQUIRED', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: 'Basic abc' }]) {
      const r = await f.app.inject({ url: '/api/me', headers })
      expect(r.statusCode).toBe(401)
      expect(r.json().error.code).toBe('E_AUTH_REQUIRED')
    }
    const { token } = await f.login('op3@demo')
    expect(
      (await f.app.inject({ method: 'POST', url: '/api/auth/logout', headers: auth(token) })).statusCode,
    ).toBe(204)
    const r = await f.app.inject({ url: '/api/me', headers: auth(token) })
    expect(r.json().error.code).toBe('E_AUTH_REQUIRED')
  })

  it('GET /api/me re-issues SIP credentials; a tenant without softphone gets sip null', async () => {
    const { token } = await f.login('op4@demo')
    const r = await f.app.inject({ url: '/api/me', headers: auth(token) })
    expect(r.json().me.extension).toBe('104')
    expect(r.json().sip.username).toMatch(/^\d+:104@demo\.frontline\.local$/)
    const other = await f.login('op1@other')
    expect(other.sip).toBeNull()
  })

  it('lists own sessions (current flagged), revokes own, cannot touch another employee’s', async () => {
    const a = await f.login('op5@demo')
    const b = await f.login('op5@demo')
    const list = (
      await f.app.inject({ url: '/api/auth/sessions', headers: auth(a.token) })
    ).json() as SessionInfo[]
    expect(list.length).toBe(2)
    expect(list.filter((s) => s.current).length).toBe(1)
    const other = list.find((s) => !s.current)!
    const someoneElse = await f.login('op6@demo')
    const theirs = (
      await f.app.inject({ url: '/api/auth/sessions', headers: auth(someoneElse.token) })
    ).json() as SessionInfo[]
    const del = (id: string, token: string) =>
      f.app.inject({ method: 'DELETE', url: `/api/auth/sessions/${id}`, headers: auth(token) })
    expect((await del(theirs[0]!.id, a.token)).statusCode).toBe(404)
    expect((await del('not-a-uuid', a.token)).json().error.code).toBe('E_VALIDATION')
    expect((await del(other.id, a.token)).statusCode).toBe(204)
    expect((await f.app.inject({ url: '/api/me', headers: auth(b.token) })).statusCode).toBe(401)
    expect((await f.app.inject({ url: '/api/me', headers: auth(someoneElse.token) })).statusCode).toBe(200)
  })

  it('seats are accounts, not sessions (issue 13): both employees of a 1-seat tenant sign in', async () => {
    // The seat limit is applied when an account is made or re-activated (admin-employees.test.ts).
    await f.login('op1@other')
    expect((await post({ login: 'op2@other', password: 'demo-pass-1' })).statusCode).toBe(200)
    await f.login('op1@other')
  })
})
