/**
 * Admin rules that keep routing sane (probe 13 #4, #8): a group a channel's chats go to alone cannot
 * be deleted (it would open the channel to every operator), a virtual number cannot ring a deactivated
 * employee, and an employee a number rings cannot be deactivated — each refused with nothing changed.
 */
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { schema } from '../db/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

describe.each(targets)('admin in-use rules on $name', (target) => {
  let f: Fixture
  let admin: string
  let tenantId: string
  const ids = new Map<string, string>()

  beforeAll(async () => {
    f = await makeFixture(target)
    admin = (await f.login('admin@demo')).token
    for (const e of await f.db.orm.select().from(schema.employees)) ids.set(e.login, e.id)
    const [t] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    tenantId = t!.id
  })
  afterAll(() => f.close())

  const req = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    f.app.inject({
      method,
      url,
      headers: auth(admin),
      ...(payload === undefined ? {} : { payload: payload as object }),
    })
  const groupIdsOf = async (channelId: string) =>
    (await f.db.orm.select().from(schema.channels).where(eq(schema.channels.id, channelId)))[0]!.config
      .groupIds

  it('probe 13 #4: deleting the only group of a channel is E_GROUP_IN_USE naming the channels; one of several is dropped', async () => {
    const vip = await req('POST', '/api/admin/groups', {
      name: 'VIP',
      extension: '300',
      strategy: 'parallel',
      ringTimeoutSec: 20,
      takesChats: true,
      memberIds: [ids.get('op1@demo')],
    })
    expect(vip.statusCode).toBe(201)
    const g = vip.json().group.id as string
    const [support] = await f.db.orm
      .select()
      .from(schema.groups)
      .where(and(eq(schema.groups.tenantId, tenantId), eq(schema.groups.name, 'Support')))
    expect(
      (await req('PUT', '/api/admin/channels/webchat', { connected: true, groupIds: [g] })).statusCode,
    ).toBe(200)
    const [viber, both] = await f.db.orm
      .insert(schema.channels)
      .values([
        { tenantId, kind: 'viber', name: 'VIP Viber', connected: true, config: { groupIds: [g] } },
        { tenantId, kind: 'vk', name: 'VK', connected: true, config: { groupIds: [g, support!.id] } },
      ])
      .returning()

    const [web] = await f.db.orm
      .select()
      .from(schema.channels)
      .where(and(eq(schema.channels.tenantId, tenantId), eq(schema.channels.kind, 'webchat')))
    const webchatName = web!.name
    const refused = await req('DELETE', `/api/admin/groups/${g}`)
    expect(refused.statusCode).toBe(409)
    expect(refused.json().error).toMatchObject({
      code: 'E_GROUP_IN_USE',
      details: ['VIP Viber', webchatName].sort(),
    })
    // Nothing changed: the group, and every channel's list.
    expect((await req('GET', '/api/admin/channels/webchat')).json()).toEqual({
      connected: true,
      groupIds: [g],
    })
    expect(await groupIdsOf(viber!.id)).toEqual([g])
    expect(await groupIdsOf(both!.id)).toEqual([g, support!.id])
    expect((await req('GET', '/api/admin/groups')).json().groups.map((x: { id: string }) => x.id)).toContain(
      g,
    )

    // Pointed elsewhere, the group goes; a channel that listed it among others keeps the others.
    await req('PUT', '/api/admin/channels/webchat', { connected: true, groupIds: [support!.id] })
    await f.db.orm
      .update(schema.channels)
      .set({ config: { groupIds: [support!.id] } })
      .where(eq(schema.channels.id, viber!.id))
    expect((await req('DELETE', `/api/admin/groups/${g}`)).statusCode).toBe(204)
    expect(await groupIdsOf(both!.id)).toEqual([support!.id])
  })

  it('probe 13 #8: a number may not ring a deactivated employee; an employee a number rings may not be deactivated', async () => {
    const op5 = ids.get('op5@demo') as string
    const op6 = ids.get('op6@demo') as string
    const created = await req('POST', '/api/admin/numbers', {
      number: '+74951230001',
      name: 'Direct',
      source: 'card',
      target: { kind: 'employee', id: op5 },
    })
    expect(created.statusCode).toBe(201)
    const num = created.json().number
    const refused = await req('POST', `/api/admin/employees/${op5}/deactivate`)
    expect(refused.statusCode).toBe(409)
    expect(refused.json().error).toMatchObject({ code: 'E_EMPLOYEE_IN_USE', details: ['+74951230001'] })
    const [still] = await f.db.orm.select().from(schema.employees).where(eq(schema.employees.id, op5))
    expect(still!.deactivatedAt).toBeNull()

    // A deactivated employee as a target: 400 on create and on edit, the number unchanged.
    expect((await req('POST', `/api/admin/employees/${op6}/deactivate`)).statusCode).toBe(200)
    const input = { number: '+74951230002', name: 'n', source: 's', target: { kind: 'employee', id: op6 } }
    const add = await req('POST', '/api/admin/numbers', input)
    expect([add.statusCode, add.json().error?.code, add.json().error?.details]).toEqual([
      400,
      'E_NUMBER_TARGET_INACTIVE',
      undefined,
    ])
    const edit = await req('PUT', `/api/admin/numbers/${num.id}`, { ...input, number: '+74951230001' })
    expect([edit.statusCode, edit.json().error?.code]).toEqual([400, 'E_NUMBER_TARGET_INACTIVE'])
    const list = (await req('GET', '/api/admin/numbers')).json().numbers as { id: string; target: unknown }[]
    expect(list.find((n) => n.id === num.id)?.target).toEqual({ kind: 'employee', id: op5 })
    expect(list.some((n) => n.target && (n.target as { id: string }).id === op6)).toBe(false)

    // Pointed at a group, the employee may go.
    const [sales] = await f.db.orm
      .select()
      .from(schema.groups)
      .where(and(eq(schema.groups.tenantId, tenantId), eq(schema.groups.name, 'Sales')))
    const moved = await req('PUT', `/api/admin/numbers/${num.id}`, {
      number: '+74951230001',
      name: 'Direct',
      source: 'card',
      target: { kind: 'group', id: sales!.id },
    })
    expect(moved.statusCode).toBe(200)
    expect((await req('POST', `/api/admin/employees/${op5}/deactivate`)).statusCode).toBe(200)
  })
})
