import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_STATUS_MATRIX, type StatusMatrix } from '../../../contract/status.ts'
import { eventsSince, schema } from '../../db/index.ts'
import type { AppError } from '../../errors.ts'
import { type TestDb, targets } from '../../test/dbs.ts'
import { createEmployee, createTenant } from '../tenants/index.ts'
import { assertMay, mayOperator, setMatrix, setStatus } from './index.ts'

describe.each(targets)('status rules on $name', (target) => {
  let t: TestDb
  let tenantId: string
  let op: string
  beforeAll(async () => {
    t = await target.open()
    tenantId = await createTenant(t.db.orm, {
      name: 'T',
      slug: 't',
      sipDomain: 't.local',
      seats: 5,
      features: { softphone: true, omni: true },
    })
    op = await createEmployee(t.db.orm, tenantId, {
      login: 'op@t',
      password: 'pw-123456',
      name: 'Оп',
      role: 'operator',
      extension: '101',
    })
  })
  afterAll(() => t.dispose())

  const may = (ability: Parameters<typeof mayOperator>[3]) => mayOperator(t.db.orm, tenantId, op, ability)

  it('a new employee is off work: may nothing but non-working time', async () => {
    expect(await may('softphoneIn')).toBe(false)
    expect(await may('chats')).toBe(false)
    expect(await may('nonWorkingTime')).toBe(true)
    await expect(assertMay(t.db.orm, tenantId, op, 'outgoing')).rejects.toMatchObject({
      code: 'E_STATUS_FORBIDS',
    })
  })

  it('default matrix, SPEC S1 rows: available / break / dnd / away', async () => {
    const rows: [string, Record<string, boolean>][] = [
      ['available', { softphoneIn: true, mobileIn: true, outgoing: true, chats: true }],
      ['break', { softphoneIn: false, mobileIn: false, outgoing: false, chats: true }],
      ['dnd', { softphoneIn: false, mobileIn: false, outgoing: true, chats: true }],
      ['away', { softphoneIn: false, mobileIn: true, outgoing: false, chats: true }],
    ]
    for (const [status, want] of rows) {
      await setStatus(t.db, tenantId, op, status)
      for (const [ability, allowed] of Object.entries(want)) {
        expect([status, ability, await may(ability as 'chats')]).toEqual([status, ability, allowed])
      }
    }
  })

  it('setStatus writes the row, the log and one status.changed event; repeating it is a no-op', async () => {
    const before = (await eventsSince(t.db.orm, tenantId, 0, 1000)).length
    const r = await setStatus(t.db, tenantId, op, 'available')
    const again = await setStatus(t.db, tenantId, op, 'available')
    expect(again).toEqual(r)
    const evs = await eventsSince(t.db.orm, tenantId, 0, 1000)
    expect(evs.length).toBe(before + 1)
    expect(evs.at(-1)).toMatchObject({
      type: 'status.changed',
      payload: { employeeId: op, status: 'available', online: true },
    })
    const log = await t.db.orm
      .select()
      .from(schema.statusLog)
      .where(and(eq(schema.statusLog.tenantId, tenantId), eq(schema.statusLog.employeeId, op)))
    expect(log.at(-1)?.status).toBe('available')
  })

  it('an unknown status is refused with E_UNKNOWN_STATUS and changes nothing', async () => {
    await expect(setStatus(t.db, tenantId, op, 'lunch')).rejects.toMatchObject({ code: 'E_UNKNOWN_STATUS' })
    expect(await may('softphoneIn')).toBe(true)
  })

  it('admin-edited matrix: "available" loses chats, a new "lunch" status allows only mobile calls', async () => {
    const edited: StatusMatrix = [
      ...DEFAULT_STATUS_MATRIX.map((s) =>
        s.id === 'available' ? { ...s, allows: { ...s.allows, chats: false } } : s,
      ),
      {
        id: 'lunch',
        name: { ru: 'Обед', en: 'Lunch' },
        color: '#123456',
        allows: {
          softphoneIn: false,
          mobileIn: true,
          outgoing: false,
          chats: false,
          workingTime: true,
          nonWorkingTime: false,
        },
      },
    ]
    await setMatrix(t.db, tenantId, edited)
    expect(await may('chats')).toBe(false)
    expect(await may('softphoneIn')).toBe(true)
    await setStatus(t.db, tenantId, op, 'lunch')
    expect(await may('mobileIn')).toBe(true)
    expect(await may('outgoing')).toBe(false)
  })

  it('a matrix dropping a held status is refused (E_STATUS_IN_USE); one without off_work too', async () => {
    const withoutLunch = DEFAULT_STATUS_MATRIX
    const err = await setMatrix(t.db, tenantId, withoutLunch).catch((e: AppError) => e)
    expect(err).toMatchObject({ code: 'E_STATUS_IN_USE' })
    expect((err as AppError).details?.[0]).toBe('lunch')
    await expect(
      setMatrix(
        t.db,
        tenantId,
        DEFAULT_STATUS_MATRIX.filter((s) => s.id !== 'off_work'),
      ),
    ).rejects.toMatchObject({
      code: 'E_VALIDATION',
    })
  })

  it('another tenant’s employee id is never allowed anything here', async () => {
    const other = await createTenant(t.db.orm, {
      name: 'O',
      slug: 'o',
      sipDomain: 'o.local',
      seats: 1,
      features: { softphone: true, omni: true },
    })
    expect(await mayOperator(t.db.orm, other, op, 'nonWorkingTime')).toBe(false)
    await expect(setStatus(t.db, other, op, 'available')).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
  })
})
