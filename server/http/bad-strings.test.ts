/**
 * Issue 6 item 7: NUL characters and lone surrogates reached PostgreSQL (text and jsonb refuse them)
 * and came back as 500s; so did a history cursor for the year 0000. Each is a coded 400 now.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_STATUS_MATRIX } from '../../contract/status.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

const BAD: [string, string][] = [
  ['NUL', 'op1\u0000@demo'],
  ['lone high surrogate', 'op1\ud800@demo'],
  ['lone low surrogate', 'op1\udc00@demo'],
]

describe.each(targets)('bad strings are 400s on $name', (target) => {
  let f: Fixture
  let admin: string
  let internalSecret: string
  beforeAll(async () => {
    f = await makeFixture(target)
    admin = (await f.login('admin@demo')).token
    internalSecret = f.secrets.internalSecret
  })
  afterAll(() => f.close())

  const expect400 = (r: { statusCode: number; json(): { error: { code: string } } }) => {
    expect(r.statusCode).toBe(400)
    expect(r.json().error.code).toBe('E_VALIDATION')
  }

  it.each(BAD)('login with a %s', async (_n, s) => {
    expect400(
      await f.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: s, password: 'x' } }),
    )
    expect400(
      await f.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { login: 'op1@demo', password: s },
      }),
    )
  })

  it('search q with a NUL (contacts, call history)', async () => {
    for (const url of ['/api/contacts/clients?q=a%00b', '/api/calls?q=a%00b'])
      expect400(await f.app.inject({ url, headers: auth(admin) }))
  })

  it('search q with the UTF-8 bytes of a lone surrogate: the query parser never yields one, no 5xx', async () => {
    for (const q of ['%ED%A0%80', '%ED%B0%80'])
      for (const url of [`/api/contacts/clients?q=a${q}b`, `/api/calls?q=a${q}b`]) {
        const r = await f.app.inject({ url, headers: auth(admin) })
        expect(r.statusCode).toBeLessThan(500)
      }
  })

  it.each(BAD)('status names with a %s (PUT /api/statuses, PUT /api/me/status)', async (_n, s) => {
    const matrix = DEFAULT_STATUS_MATRIX.map((d, i) => (i === 0 ? { ...d, name: { ...d.name, en: s } } : d))
    expect400(
      await f.app.inject({ method: 'PUT', url: '/api/statuses', headers: auth(admin), payload: { matrix } }),
    )
    expect400(
      await f.app.inject({
        method: 'PUT',
        url: '/api/me/status',
        headers: auth(admin),
        payload: { status: `available${s}` },
      }),
    )
  })

  it.each(BAD)('/internal/sip/registration with a %s in the AOR', async (_n, s) => {
    expect400(
      await f.app.inject({
        method: 'POST',
        url: '/internal/sip/registration',
        headers: { 'x-internal-secret': internalSecret },
        payload: { aor: `sip:${s.replace('@demo', '')}@demo.frontline.local`, contacts: 1, expires: 60 },
      }),
    )
  })

  it('a history cursor for the year 0000', async () => {
    const before = Buffer.from('0000-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000000').toString(
      'base64url',
    )
    for (const url of [`/api/calls?before=${before}`, `/api/calls/missed?before=${before}`])
      expect400(await f.app.inject({ url, headers: auth(admin) }))
  })
})
