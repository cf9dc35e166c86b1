import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClientView, EmployeeView, GroupView } from '../../contract/api.ts'
import { eventsSince, lastSeq } from '../db/index.ts'
import { aor, kamailio, SALES_VN } from '../domain/calls/testkit.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

describe.each(targets)('contacts API on $name', (target) => {
  let f: Fixture
  let token: string
  beforeAll(async () => {
    f = await makeFixture(target)
    token = (await f.login('op1@demo')).token
  })
  afterAll(() => f.close())

  const get = (url: string) => f.app.inject({ url, headers: auth(token) })

  it('employees: the tenant’s 8, online follows the matrix', async () => {
    await f.app.inject({
      method: 'PUT',
      url: '/api/me/status',
      headers: auth(token),
      payload: { status: 'away' },
    })
    const list = (await get('/api/contacts/employees')).json() as EmployeeView[]
    expect(list.map((e) => e.extension)).toEqual(['100', '101', '102', '103', '104', '105', '106', '199'])
    expect(list.find((e) => e.extension === '101')).toMatchObject({ status: 'away', online: true })
    expect(list.find((e) => e.extension === '102')).toMatchObject({ status: 'off_work', online: false })
    expect(list.some((e) => e.login.endsWith('@other'))).toBe(false)
  })

  it('groups: members in order; available counts only members the presence rule lets be called', async () => {
    await f.app.inject({
      method: 'PUT',
      url: '/api/me/status',
      headers: auth(token),
      payload: { status: 'available' },
    })
    const groups = async () =>
      ((await get('/api/contacts/groups')).json() as GroupView[]).map((g) => [
        g.name,
        g.extension,
        g.strategy,
        g.available,
        g.total,
      ])
    const op1 = async () =>
      ((await get('/api/contacts/employees')).json() as EmployeeView[]).find((e) => e.extension === '101')
    // "Available" with no registered line (logged out, offline, switched away): not available.
    expect(await groups()).toEqual([
      ['Sales', '200', 'parallel', 0, 3],
      ['Support', '201', 'round_robin', 0, 3],
    ])
    expect((await op1())?.presence).toEqual({ state: 'offline', labelKey: 'presence.offline' })

    const { internalSecret } = f.secrets
    const register = (contacts: number) =>
      f.app.inject({
        method: 'POST',
        url: '/internal/sip/registration',
        headers: { 'x-internal-secret': internalSecret },
        payload: { aor: 'sip:101@demo.frontline.local', contacts, expires: contacts ? 600 : 0 },
      })
    expect((await register(1)).statusCode).toBe(204)
    expect(await groups()).toEqual([
      ['Sales', '200', 'parallel', 1, 3],
      ['Support', '201', 'round_robin', 0, 3],
    ])
    expect((await op1())?.presence).toEqual({ state: 'available', labelKey: null })
    // A refresh of a live registration changes nothing; going away does, and each change is an event.
    expect((await register(1)).statusCode).toBe(204)
    expect((await register(0)).statusCode).toBe(204)
    expect((await op1())?.presence.state).toBe('offline')
    const tenantId = (await f.login('op1@demo')).me.tenantId
    const types = (await eventsSince(f.db.orm, tenantId, 0, 1000)).map((e) => e.type)
    expect(types.filter((t) => t === 'presence.changed')).toHaveLength(2)
  })

  it('S1 ringing: colleagues a call rings show "Ringing" and leave the group’s available count; answered → on a call, failed → available', async () => {
    const k = await kamailio(f)
    for (const i of [1, 3]) {
      await k.status(`op${i}@demo`, 'available')
      await k.register(`10${i}`)
    }
    const tenantId = (await f.login('op1@demo')).me.tenantId
    const presence = async () => {
      const list = (await get('/api/contacts/employees')).json() as EmployeeView[]
      return Object.fromEntries(
        list.filter((e) => ['101', '103'].includes(e.extension)).map((e) => [e.extension, e.presence]),
      )
    }
    const salesAvailable = async () =>
      ((await get('/api/contacts/groups')).json() as GroupView[]).find((g) => g.extension === '200')
        ?.available
    const ringing = { state: 'ringing', labelKey: 'presence.ringing' }
    const available = { state: 'available', labelKey: null }
    const ids = Object.fromEntries(
      ((await get('/api/contacts/employees')).json() as EmployeeView[]).map((e) => [e.extension, e.id]),
    )
    const changedSince = async (seq: number) =>
      (await eventsSince(f.db.orm, tenantId, seq, 1000))
        .filter((e) => e.type === 'presence.changed')
        .map((e) => (e.payload as { employeeId: string }).employeeId)
        .sort()

    expect(await salesAvailable()).toBe(2)
    let seq = await lastSeq(f.db.orm, tenantId)
    const a = await k.route(await k.guest(), SALES_VN)
    expect(a.answer).toMatchObject({ targets: [aor('101'), aor('103')] })
    expect(await presence()).toEqual({ '101': ringing, '103': ringing })
    expect(await salesAvailable()).toBe(0)
    expect(await changedSince(seq)).toEqual([ids['101'], ids['103']].sort())

    seq = await lastSeq(f.db.orm, tenantId)
    await k.dialog('answer', a.callId, { answeredBy: aor('101') })
    expect(await presence()).toEqual({
      '101': { state: 'on_call', labelKey: 'presence.on_call' },
      '103': available,
    })
    expect(await salesAvailable()).toBe(1)
    // 103 stopped ringing: presence.changed; 101 went busy: line.busy (the app re-reads on both).
    expect(await changedSince(seq)).toEqual([ids['103']])
    await k.dialog('end', a.callId)

    const b = await k.route(await k.guest(), SALES_VN)
    expect(await presence()).toEqual({ '101': ringing, '103': ringing })
    seq = await lastSeq(f.db.orm, tenantId)
    await k.dialog('failed', b.callId, { code: 487 })
    expect(await presence()).toEqual({ '101': available, '103': available })
    expect(await salesAvailable()).toBe(2)
    expect(await changedSince(seq)).toEqual([ids['101'], ids['103']].sort())
    for (const ext of ['101', '103']) await k.register(ext, 0)
  })

  it('clients: search by name (any case), phone digits, e-mail; never another tenant’s', async () => {
    const all = (await get('/api/contacts/clients')).json() as ClientView[]
    expect(all.length).toBe(30)
    const byName = (
      await get(`/api/contacts/clients?q=${encodeURIComponent('петров')}`)
    ).json() as ClientView[]
    expect(byName.map((c) => c.name)).toEqual(['Александр Петров'])
    const phone = byName[0]!.phones[0]!
    const spaced = `${phone.slice(0, 2)} (${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`
    const byPhone = (
      await get(`/api/contacts/clients?q=${encodeURIComponent(spaced)}`)
    ).json() as ClientView[]
    expect(byPhone.map((c) => c.id)).toEqual([byName[0]!.id])
    const withMail = all.find((c) => c.emails.length)!
    const byMail = (
      await get(`/api/contacts/clients?q=${encodeURIComponent(withMail.emails[0]!.toUpperCase())}`)
    ).json()
    expect(byMail.map((c: ClientView) => c.id)).toContain(withMail.id)
    expect((await get('/api/contacts/clients?q=%25')).json()).toEqual([])
    expect(((await get('/api/contacts/clients?limit=5')).json() as ClientView[]).length).toBe(5)
  })

  it('client card has group and manager names', async () => {
    const all = (await get('/api/contacts/clients?limit=200')).json() as ClientView[]
    const c = all.find((x) => x.managerId && x.groupId)!
    const r = await get(`/api/contacts/clients/${c.id}`)
    expect(r.statusCode).toBe(200)
    expect(r.json().groupName).toMatch(/Sales|Support/)
    expect(r.json().managerName).toBeTruthy()
    expect(r.json().channels.length).toBeGreaterThan(0)
  })

  it.each([
    ['/api/contacts/clients?limit=0', 400, 'E_VALIDATION'],
    ['/api/contacts/clients?limit=abc', 400, 'E_VALIDATION'],
    ['/api/contacts/clients?limit=5000', 400, 'E_VALIDATION'],
    ['/api/contacts/clients?q=a&evil=1', 400, 'E_VALIDATION'],
    [`/api/contacts/clients?q=${'x'.repeat(101)}`, 400, 'E_VALIDATION'],
    ['/api/contacts/clients/123', 400, 'E_VALIDATION'],
    ['/api/contacts/clients/6f1c0e9e-2a4b-4c1d-9e7f-0123456789ab', 404, 'E_NOT_FOUND'],
  ])('GET %s → %i %s', async (url, status, code) => {
    const r = await get(url)
    expect(r.statusCode).toBe(status)
    expect(r.json().error.code).toBe(code)
  })

  it('another tenant’s client id → 404, not their data', async () => {
    const r = await get(`/api/contacts/clients/${f.otherClientId}`)
    expect(r.statusCode).toBe(404)
    expect(r.body).not.toContain('Чужой')
  })

  it("probe 13 UI #19: a deactivated member leaves his groups' members and total (his place is kept for a re-activation)", async () => {
    const admin = (await f.login('admin@demo')).token
    const op = (await f.login('op1@demo')).token
    const sales = async () =>
      ((await f.app.inject({ url: '/api/contacts/groups', headers: auth(op) })).json() as GroupView[]).find(
        (g) => g.extension === '200',
      )!
    const before = await sales()
    const me = (await f.login('op1@demo')).me.id
    const gone = before.memberIds.find((id) => id !== me)!
    const off = await f.app.inject({
      method: 'POST',
      url: `/api/admin/employees/${gone}/deactivate`,
      headers: auth(admin),
    })
    expect(off.statusCode).toBe(200)
    const after = await sales()
    expect(after.memberIds).toEqual(before.memberIds.filter((id) => id !== gone))
    expect(after.total).toBe(before.total - 1)
    await f.app.inject({
      method: 'POST',
      url: `/api/admin/employees/${gone}/reactivate`,
      headers: auth(admin),
    })
    expect((await sales()).memberIds).toEqual(before.memberIds)
  })

  it('every contacts route needs a session', async () => {
    for (const url of ['/api/contacts/employees', '/api/contacts/groups', '/api/contacts/clients']) {
      expect((await f.app.inject({ url })).json().error.code).toBe('E_AUTH_REQUIRED')
    }
  })
})
