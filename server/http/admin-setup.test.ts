import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { GroupAdminView, VirtualNumberView } from '../../contract/admin-setup.ts'
import { DEFAULT_STATUS_MATRIX } from '../../contract/status.ts'
import { eventsSince, lastSeq, schema } from '../db/index.ts'
import { aor, kamailio, SALES_VN } from '../domain/calls/testkit.ts'
import { distributionOf } from '../domain/chats/rows.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

/** An audit snapshot; the matrix is kept as `value`. */
type Snap = { value: { id: string; allows: Record<string, boolean> }[] } & Record<string, unknown>

describe.each(targets)('admin setup (issue 13 §2) on $name', (target) => {
  let f: Fixture
  let k: Awaited<ReturnType<typeof kamailio>>
  let admin: string
  let op: string
  let otherAdmin: string
  let tenantId: string
  const ids = new Map<string, string>()

  beforeAll(async () => {
    f = await makeFixture(target)
    k = await kamailio(f)
    admin = (await f.login('admin@demo')).token
    op = (await f.login('op1@demo')).token
    otherAdmin = (await f.login('op1@other')).token
    const rows = await f.db.orm.select().from(schema.employees)
    for (const e of rows) ids.set(e.login, e.id)
    const [t] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    tenantId = t?.id as string
  })
  afterAll(() => f.close())

  /** Calls still ringing end (their phones are quiet for the next decision). */
  const settle = () =>
    f.db.orm.update(schema.calls).set({ state: 'failed' }).where(eq(schema.calls.state, 'ringing'))

  beforeEach(async () => {
    for (const i of [1, 2, 3, 4, 5, 6]) {
      await k.status(`op${i}@demo`, 'available')
      await k.register(`10${i}`)
    }
    await f.db.orm.update(schema.employees).set({ mobile: null })
    await f.db.orm.update(schema.calls).set({ state: 'ended' }).where(eq(schema.calls.state, 'answered'))
    await f.db.orm.update(schema.calls).set({ state: 'failed' }).where(eq(schema.calls.state, 'ringing'))
  })

  const req = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, token = admin, payload?: unknown) =>
    f.app.inject({
      method,
      url,
      headers: auth(token),
      ...(payload === undefined ? {} : { payload: payload as object }),
    })
  const groups = async () =>
    ((await req('GET', '/api/admin/groups')).json() as { groups: GroupAdminView[] }).groups
  const numbers = async () =>
    ((await req('GET', '/api/admin/numbers')).json() as { numbers: VirtualNumberView[] }).numbers
  const group = async (ext: string) => (await groups()).find((g) => g.extension === ext) as GroupAdminView
  const ops = (...n: number[]) => n.map((i) => ids.get(`op${i}@demo`) as string)
  const body = (g: GroupAdminView, change: Partial<GroupAdminView>) => {
    const { id: _id, ...rest } = { ...g, ...change }
    return rest
  }
  /** The newest audit entry of `entity` (GET /api/admin/audit). */
  const lastAudit = async (entity: string) => {
    const r = await req('GET', `/api/admin/audit?entity=${entity}`)
    expect(r.statusCode).toBe(200)
    return (r.json() as { entries: { action: string; before: Snap; after: Snap; actorId: string }[] })
      .entries[0]
  }
  const rung = (a: unknown) => (a as { targets?: string[] }).targets ?? []

  it('an operator gets 403 on every setup route; another tenant sees none of ours', async () => {
    for (const [m, u] of [
      ['GET', '/api/admin/groups'],
      ['GET', '/api/admin/numbers'],
      ['GET', '/api/admin/crm-cards'],
    ] as const)
      expect((await req(m, u, op)).statusCode).toBe(403)
    const theirs = (await req('GET', '/api/admin/groups', otherAdmin)).json() as { groups: GroupAdminView[] }
    expect(theirs.groups.map((g) => g.name)).not.toContain('Sales')
  })

  it('C3 a group switched to sequential rings its members in order at once', async () => {
    const sales = await group('200')
    expect(sales.strategy).toBe('parallel')
    expect(rung((await k.route('104', '200')).answer).sort()).toEqual([aor('101'), aor('102'), aor('103')])
    await settle()
    const r = await req('PUT', `/api/admin/groups/${sales.id}`, admin, {
      ...body(sales, { strategy: 'sequential', memberIds: ops(3, 1, 2), ringTimeoutSec: 15 }),
    })
    expect(r.statusCode).toBe(200)
    expect(r.json().group).toMatchObject({
      strategy: 'sequential',
      memberIds: ops(3, 1, 2),
      ringTimeoutSec: 15,
    })
    expect(await lastAudit('group')).toMatchObject({
      action: 'group.update',
      actorId: ids.get('admin@demo'),
      before: { strategy: 'parallel', memberIds: ops(1, 2, 3) },
      after: { strategy: 'sequential', memberIds: ops(3, 1, 2) },
    })
    const next = (await k.route('104', '200')).answer
    expect(next).toMatchObject({ action: 'relay', targets: [aor('103')], timeoutSec: 15, next: true })
    // back as it was
    await req('PUT', `/api/admin/groups/${sales.id}`, admin, body(sales, {}))
  })

  it('C1 a virtual number retargeted to another group (or one employee) rings it at once', async () => {
    const vn = (await numbers()).find((n) => n.number === SALES_VN) as VirtualNumberView
    expect(vn).toMatchObject({ name: 'Sales', source: 'website' })
    expect(rung((await k.route('gateway', SALES_VN)).answer)).toContain(aor('101'))
    await settle()
    const support = await group('201')
    const to = (target: VirtualNumberView['target']) =>
      req('PUT', `/api/admin/numbers/${vn.id}`, admin, {
        number: '8 (495) 120-45-60',
        name: vn.name,
        source: vn.source,
        target,
      })
    expect((await to({ kind: 'group', id: support.id })).json().number).toMatchObject({
      number: SALES_VN,
      target: { kind: 'group', id: support.id },
    })
    expect(await lastAudit('virtual_number')).toMatchObject({
      action: 'number.update',
      before: { target: { kind: 'group', id: (await group('200')).id } },
      after: { target: { kind: 'group', id: support.id } },
    })
    const supportRung = rung((await k.route('gateway', SALES_VN)).answer)
    expect(supportRung.length).toBeGreaterThan(0)
    expect(supportRung.every((t) => [aor('104'), aor('105'), aor('106')].includes(t))).toBe(true)
    await settle()
    await to({ kind: 'employee', id: ops(2)[0] as string })
    const one = await k.route('gateway', SALES_VN)
    expect(one.answer).toMatchObject({ action: 'relay', targets: [aor('102')] })
    const sales = await group('200')
    await to({ kind: 'group', id: sales.id })
  })

  it('S2 "incoming calls" on for Break → a call reaches an operator in Break at once; a matrix without calls is refused', async () => {
    await k.status('op1@demo', 'break')
    expect((await k.route('102', '101')).answer).toMatchObject({ action: 'reject', code: 480 })
    const on = DEFAULT_STATUS_MATRIX.map((s) =>
      s.id === 'break' ? { ...s, allows: { ...s.allows, softphoneIn: true } } : s,
    )
    expect((await req('PUT', '/api/statuses', admin, { matrix: on })).statusCode).toBe(200)
    expect((await k.route('102', '101')).answer).toMatchObject({ action: 'relay', targets: [aor('101')] })
    const entry = await lastAudit('statuses')
    expect(entry?.action).toBe('statuses.update')
    expect(entry?.before.value.find((s) => s.id === 'break')?.allows.softphoneIn).toBe(false)
    expect(entry?.after.value.find((s) => s.id === 'break')?.allows.softphoneIn).toBe(true)
    // no status takes calls: refused, nothing changed (no audit entry either)
    const none = on.map((s) => ({ ...s, allows: { ...s.allows, softphoneIn: false, mobileIn: false } }))
    const r = await req('PUT', '/api/statuses', admin, { matrix: none })
    expect(r.statusCode).toBe(400)
    expect(r.json().error.code).toBe('E_MATRIX_NO_CALLS')
    expect(r.json().error.message).toBeTruthy()
    expect((await req('GET', '/api/statuses')).json().matrix).toEqual(on)
    expect(await lastAudit('statuses')).toEqual(entry)
    // a status in use cannot be removed
    const dropBreak = await req('PUT', '/api/statuses', admin, { matrix: on.filter((s) => s.id !== 'break') })
    expect(dropBreak.json().error.code).toBe('E_STATUS_IN_USE')
    expect(dropBreak.json().error.details[0]).toBe('break')
    // add, rename, recolour
    const more = [
      ...on.map((s) =>
        s.id === 'away' ? { ...s, name: { ru: 'Отошёл', en: 'Stepped out' }, color: '#123456' } : s,
      ),
      { ...on[0], id: 'training', name: { ru: 'Обучение', en: 'Training' }, color: '#00aaff' },
    ]
    expect((await req('PUT', '/api/statuses', admin, { matrix: more })).statusCode).toBe(200)
    await k.status('op1@demo', 'available')
    expect((await req('PUT', '/api/statuses', admin, { matrix: DEFAULT_STATUS_MATRIX })).statusCode).toBe(200)
  })

  it('groups: create, edit, delete; extension collisions, foreign members, a group a number rings', async () => {
    const seq = await lastSeq(f.db.orm, tenantId)
    const made = await req('POST', '/api/admin/groups', admin, {
      name: 'Night shift',
      extension: '250',
      strategy: 'longest_idle',
      ringTimeoutSec: 30,
      takesChats: false,
      memberIds: ops(2, 5),
    })
    expect(made.statusCode).toBe(201)
    const g = made.json().group as GroupAdminView
    expect(g).toMatchObject({ name: 'Night shift', memberIds: ops(2, 5), takesChats: false })
    const evs = await eventsSince(f.db.orm, tenantId, seq, 50)
    expect(evs.map((e) => e.type)).toContain('groups.updated')
    expect((await k.route('104', '250')).answer).toMatchObject({ action: 'relay' })

    const input = body(g, {})
    for (const [ext, why] of [
      ['101', 'an employee'],
      ['201', 'another group'],
    ]) {
      const r = await req('POST', '/api/admin/groups', admin, { ...input, extension: ext })
      expect(r.statusCode, why).toBe(409)
      expect(r.json().error.code).toBe('E_EXTENSION_TAKEN')
      const e = await req('PUT', `/api/admin/groups/${g.id}`, admin, { ...input, extension: ext })
      expect(e.json().error.code).toBe('E_EXTENSION_TAKEN')
    }
    // its own extension is no collision
    expect((await req('PUT', `/api/admin/groups/${g.id}`, admin, input)).statusCode).toBe(200)
    const foreign = await req('POST', '/api/admin/groups', admin, {
      ...input,
      extension: '251',
      memberIds: [f.otherEmployeeId],
    })
    expect(foreign.json().error.code).toBe('E_VALIDATION')
    for (const bad of [
      { ...input, extension: '1' },
      { ...input, extension: '12a' },
      { ...input, strategy: 'random' },
      { ...input, ringTimeoutSec: 1 },
      { ...input, memberIds: ops(2, 2) },
      { ...input, name: 'x\u0000' },
      { ...input, more: 1 },
    ])
      expect((await req('POST', '/api/admin/groups', admin, bad)).statusCode).toBe(400)
    expect((await groups()).filter((x) => x.extension === '251')).toEqual([])

    // another tenant's admin cannot touch it
    expect((await req('PUT', `/api/admin/groups/${g.id}`, otherAdmin, input)).statusCode).toBe(404)
    expect((await req('DELETE', `/api/admin/groups/${g.id}`, otherAdmin)).statusCode).toBe(404)

    // a number rings Sales: deleting Sales is refused, nothing changed
    const sales = await group('200')
    const refused = await req('DELETE', `/api/admin/groups/${sales.id}`)
    expect(refused.statusCode).toBe(409)
    expect(refused.json().error).toMatchObject({ code: 'E_GROUP_IN_USE', details: [SALES_VN] })
    expect(await group('200')).toEqual(sales)

    expect((await req('DELETE', `/api/admin/groups/${g.id}`)).statusCode).toBe(204)
    expect(await lastAudit('group')).toMatchObject({
      action: 'group.delete',
      before: { name: 'Night shift' },
      after: null,
    })
    expect((await groups()).find((x) => x.id === g.id)).toBeUndefined()
    expect((await k.route('104', '250')).answer).toMatchObject({ action: 'reject' })
  })

  it('a group that stops taking chats is no longer a chat distribution target', async () => {
    const sales = await group('200')
    const support = await group('201')
    expect((await distributionOf(f.db.orm, tenantId, [sales.id, support.id])).sort()).toEqual(
      [sales.id, support.id].sort(),
    )
    await req('PUT', `/api/admin/groups/${sales.id}`, admin, body(sales, { takesChats: false }))
    expect(await distributionOf(f.db.orm, tenantId, [sales.id, support.id])).toEqual([support.id])
    await req('PUT', `/api/admin/groups/${sales.id}`, admin, body(sales, {}))
  })

  it('virtual numbers: E.164, taken, invalid, foreign targets, delete', async () => {
    const sales = await group('200')
    const input = {
      number: '+7 495 120-45-69',
      name: 'Ads',
      source: 'Yandex Direct',
      target: { kind: 'group', id: sales.id },
    }
    const made = await req('POST', '/api/admin/numbers', admin, input)
    expect(made.statusCode).toBe(201)
    const vn = made.json().number as VirtualNumberView
    expect(vn).toMatchObject({ number: '+74951204569', name: 'Ads', source: 'Yandex Direct' })
    expect((await req('POST', '/api/admin/numbers', admin, input)).json().error.code).toBe('E_NUMBER_TAKEN')
    expect(
      (
        await req('POST', '/api/admin/numbers', otherAdmin, {
          ...input,
          target: { kind: 'group', id: sales.id },
        })
      ).json().error.code,
    ).toBe('E_VALIDATION')
    for (const n of ['12', '+7 495 12', 'abc', '+0000000000'])
      expect((await req('POST', '/api/admin/numbers', admin, { ...input, number: n })).statusCode).toBe(400)
    expect(
      (
        await req('POST', '/api/admin/numbers', admin, {
          ...input,
          number: '+74951204570',
          target: { kind: 'employee', id: f.otherEmployeeId },
        })
      ).statusCode,
    ).toBe(400)
    expect((await req('PUT', `/api/admin/numbers/${vn.id}`, otherAdmin, input)).statusCode).toBe(404)
    expect((await req('DELETE', `/api/admin/numbers/${vn.id}`, otherAdmin)).statusCode).toBe(404)
    expect((await req('DELETE', `/api/admin/numbers/${vn.id}`)).statusCode).toBe(204)
    expect((await numbers()).find((n) => n.id === vn.id)).toBeUndefined()
  })

  it('A5 the omnichannel switch is audited with before and after', async () => {
    const off = await f.app.inject({
      method: 'PATCH',
      url: '/api/admin/features',
      headers: auth(admin),
      payload: { omni: false },
    })
    expect(off.statusCode).toBe(200)
    expect(await lastAudit('settings')).toMatchObject({
      action: 'features.update',
      before: { omni: true },
      after: { omni: false },
    })
    await f.app.inject({
      method: 'PATCH',
      url: '/api/admin/features',
      headers: auth(admin),
      payload: { omni: true },
    })
  })

  it('CRM card templates: https with known placeholders only', async () => {
    expect((await req('GET', '/api/admin/crm-cards')).json()).toEqual({ templates: [] })
    const ok = {
      templates: [{ name: 'amo', url: 'https://crm.example.com/contacts?phone={phone}&e={email}' }],
    }
    expect((await req('PUT', '/api/admin/crm-cards', admin, ok)).json()).toEqual(ok)
    for (const url of [
      'http://crm.example.com/?p={phone}',
      'https://crm.example.com/?p={password}',
      'https://{phone}.example.com/',
      'https://user:pw@crm.example.com/',
      'javascript:alert(1)',
      'https://crm.example.com/a b',
    ])
      expect(
        (await req('PUT', '/api/admin/crm-cards', admin, { templates: [{ name: 'x', url }] })).statusCode,
        url,
      ).toBe(400)
    expect((await req('GET', '/api/admin/crm-cards')).json()).toEqual(ok)
    expect(await lastAudit('settings')).toMatchObject({
      action: 'crm_cards.update',
      before: { templates: [] },
      after: ok,
    })
  })
})
