import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_STATUS_MATRIX } from '../../contract/status.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

describe.each(targets)('status API on $name', (target) => {
  let f: Fixture
  let op: string
  let admin: string
  let otherAdmin: string
  beforeAll(async () => {
    f = await makeFixture(target)
    op = (await f.login('op1@demo')).token
    admin = (await f.login('admin@demo')).token
    otherAdmin = (await f.login('op1@other')).token
  })
  afterAll(() => f.close())

  const put = (url: string, token: string, payload: unknown) =>
    f.app.inject({ method: 'PUT', url, headers: auth(token), payload: payload as object })

  it('GET /api/statuses returns the default matrix', async () => {
    const r = await f.app.inject({ url: '/api/statuses', headers: auth(op) })
    expect(r.json().matrix).toEqual(DEFAULT_STATUS_MATRIX)
  })

  it('PUT /api/me/status sets the status and answers { status, at }', async () => {
    const r = await put('/api/me/status', op, { status: 'available' })
    expect(r.statusCode).toBe(200)
    expect(r.json()).toMatchObject({ status: 'available' })
    const me = await f.app.inject({ url: '/api/me', headers: auth(op) })
    expect(me.json().me.status).toBe('available')
  })

  it.each([
    [{ status: 'lunch' }, 400, 'E_UNKNOWN_STATUS'],
    [{ status: 5 }, 400, 'E_VALIDATION'],
    [{ status: 'available', x: 1 }, 400, 'E_VALIDATION'],
    [{}, 400, 'E_VALIDATION'],
  ])('PUT /api/me/status %j → %i %s', async (payload, status, code) => {
    const r = await put('/api/me/status', op, payload)
    expect(r.statusCode).toBe(status)
    expect(r.json().error.code).toBe(code)
  })

  it('PUT /api/statuses: operators get E_FORBIDDEN; bad matrices E_VALIDATION; admin succeeds', async () => {
    const edited = DEFAULT_STATUS_MATRIX.map((s) =>
      s.id === 'break' ? { ...s, name: { ru: 'Пауза', en: 'Pause' } } : s,
    )
    expect((await put('/api/statuses', op, { matrix: edited })).json().error.code).toBe('E_FORBIDDEN')
    for (const bad of [
      { matrix: [] },
      { matrix: [...edited, edited[0]] },
      { matrix: edited, more: 1 },
      { matrix: 'x' },
    ]) {
      const r = await put('/api/statuses', admin, bad)
      expect(r.statusCode).toBe(400)
      expect(r.json().error.code).toBe('E_VALIDATION')
    }
    const ok = await put('/api/statuses', admin, { matrix: edited })
    expect(ok.statusCode).toBe(200)
    expect(ok.json().matrix[1].name.en).toBe('Pause')
    // the other tenant's matrix is untouched
    const theirs = await f.app.inject({ url: '/api/statuses', headers: auth(otherAdmin) })
    expect(theirs.json().matrix).toEqual(DEFAULT_STATUS_MATRIX)
  })

  it('removing a status someone holds → 409 E_STATUS_IN_USE with the ids, then who holds it by name (probe 13 UI #5)', async () => {
    const r = await put('/api/statuses', admin, {
      matrix: DEFAULT_STATUS_MATRIX.filter((s) => s.id !== 'available'),
    })
    expect(r.statusCode).toBe(409)
    const { code, details } = r.json().error as { code: string; details: string[] }
    expect(code).toBe('E_STATUS_IN_USE')
    expect(details[0]).toBe('available')
    const holders = details.slice(1)
    expect(holders.length).toBeGreaterThan(0)
    for (const h of holders) expect(h).toMatch(/^holder:available:\S/)
  })
})
