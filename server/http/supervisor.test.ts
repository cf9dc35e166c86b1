/**
 * Issue 12 §4: the supervisor's API. S3 live monitoring and a forced status (the log, the event and
 * the audit entry name the supervisor); S4 the workload report summed from a known status log; an
 * operator gets 403; a supervisor cannot force a status in another tenant.
 */
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditPage } from '../../contract/admin.ts'
import type { OperatorsResponse, WorkloadReport } from '../../contract/supervisor.ts'
import { eventsSince, schema } from '../db/index.ts'
import { createEmployee } from '../domain/tenants/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

const H = 3_600_000
const D0 = Date.UTC(2026, 9, 5)
const iso = (ms: number) => new Date(ms).toISOString()

describe.each(targets)('S3 S4 the supervisor API on $name', (target) => {
  let f: Fixture
  let sup = ''
  let op = ''
  let opId = ''
  let supId = ''
  let tenantId = ''
  beforeAll(async () => {
    f = await makeFixture(target)
    const s = await f.login('supervisor@demo')
    sup = s.token
    supId = s.me.id
    tenantId = s.me.tenantId
    const o = await f.login('op1@demo')
    op = o.token
    opId = o.me.id
  })
  afterAll(() => f.close())

  const call = (token: string, method: string, url: string, payload?: unknown) =>
    f.app.inject({
      method: method as 'GET',
      url,
      headers: auth(token),
      ...(payload === undefined ? {} : { payload: payload as object }),
    })

  it('S3 an operator gets 403 on the supervisor’s API, and his status stays his', async () => {
    const before = (await call(op, 'GET', '/api/me')).json().me.status
    expect((await call(op, 'GET', '/api/supervisor/operators')).statusCode).toBe(403)
    expect(
      (await call(op, 'PUT', `/api/supervisor/operators/${opId}/status`, { status: 'break' })).statusCode,
    ).toBe(403)
    expect(
      (await call(op, 'GET', `/api/supervisor/workload?from=${iso(D0)}&to=${iso(D0 + H)}`)).statusCode,
    ).toBe(403)
    expect((await call(op, 'GET', '/api/me')).json().me.status).toBe(before)
  })

  it('S3 the supervisor sees every operator and forces a status: log, event and audit name him', async () => {
    await call(op, 'PUT', '/api/me/status', { status: 'available' })
    const list = (await call(sup, 'GET', '/api/supervisor/operators')).json() as OperatorsResponse
    expect(list.operators.find((o) => o.id === opId)).toMatchObject({ status: 'available', setByName: null })
    const seq = (await eventsSince(f.db.orm, tenantId, 0, 100_000)).at(-1)?.seq ?? 0
    const r = await call(sup, 'PUT', `/api/supervisor/operators/${opId}/status`, { status: 'break' })
    expect(r.statusCode).toBe(200)
    expect(r.json()).toMatchObject({ status: 'break' })
    const evs = await eventsSince(f.db.orm, tenantId, seq, 100)
    expect(evs.map((e) => [e.type, e.payload])).toContainEqual([
      'status.changed',
      expect.objectContaining({ employeeId: opId, status: 'break', byId: supId, byName: expect.any(String) }),
    ])
    const after = (await call(sup, 'GET', '/api/supervisor/operators')).json() as OperatorsResponse
    const row = after.operators.find((o) => o.id === opId)
    expect(row?.status).toBe('break')
    expect(row?.setByName).toBeTruthy()
    const log = await f.db.orm
      .select()
      .from(schema.statusLog)
      .where(and(eq(schema.statusLog.tenantId, tenantId), eq(schema.statusLog.employeeId, opId)))
    expect(log.at(-1)).toMatchObject({ status: 'break', setBy: supId })
    const audit = (
      await call(
        (
          await f.login('admin@demo')
        ).token,
        'GET',
        `/api/admin/audit?action=employee.status&entityId=${opId}`,
      )
    ).json() as AuditPage
    expect(audit.entries[0]).toMatchObject({
      actorId: supId,
      before: { status: 'available' },
      after: { status: 'break' },
    })
    // The operator choosing again himself clears "set by".
    await call(op, 'PUT', '/api/me/status', { status: 'available' })
    const mine = (await call(sup, 'GET', '/api/supervisor/operators')).json() as OperatorsResponse
    expect(mine.operators.find((o) => o.id === opId)?.setByName).toBeNull()
  })

  it('S3 bad input: another tenant’s employee, an unknown status, a broken id → refused, nothing changes', async () => {
    const [other] = await f.db.orm
      .select({ status: schema.employees.status })
      .from(schema.employees)
      .where(eq(schema.employees.id, f.otherEmployeeId))
    const r = await call(sup, 'PUT', `/api/supervisor/operators/${f.otherEmployeeId}/status`, {
      status: 'available',
    })
    expect(r.statusCode).toBe(404)
    expect(JSON.stringify(r.json())).not.toContain(f.otherEmployeeId)
    const [still] = await f.db.orm
      .select({ status: schema.employees.status })
      .from(schema.employees)
      .where(eq(schema.employees.id, f.otherEmployeeId))
    expect(still?.status).toBe(other?.status)
    const unknown = await call(sup, 'PUT', `/api/supervisor/operators/${opId}/status`, { status: 'lunch' })
    expect(unknown.json().error.code).toBe('E_UNKNOWN_STATUS')
    expect(
      (await call(sup, 'PUT', '/api/supervisor/operators/nope/status', { status: 'break' })).statusCode,
    ).toBe(400)
    expect(
      (await call(sup, 'PUT', `/api/supervisor/operators/${opId}/status`, { status: 'break\u0000' }))
        .statusCode,
    ).toBe(400)
  })

  it('S4 the report sums time per status (checked against a known status log)', async () => {
    const id = await createEmployee(f.db.orm, tenantId, {
      login: 'known-log@demo',
      password: 'pw-123456',
      name: 'Known Log',
      role: 'operator',
      extension: '1791',
    })
    const log: [string, number][] = [
      ['available', D0 - 2 * H], // before the period: the period opens in it
      ['break', D0 + 9 * H],
      ['available', D0 + 9.5 * H],
      ['dnd', D0 + 23 * H], // crosses midnight into day 2
      ['off_work', D0 + 25 * H],
      ['available', D0 + 47 * H], // runs past the period's end
    ]
    await f.db.orm
      .update(schema.employees)
      .set({ status: 'available', statusSince: new Date(D0 + 47 * H) })
      .where(eq(schema.employees.id, id))
    await f.db.orm
      .insert(schema.statusLog)
      .values(log.map(([status, at]) => ({ tenantId, employeeId: id, status, at: new Date(at) })))
    const r = await call(sup, 'GET', `/api/supervisor/workload?from=${iso(D0)}&to=${iso(D0 + 2 * DAY)}`)
    expect(r.statusCode).toBe(200)
    const rep = r.json() as WorkloadReport
    expect(rep.days).toEqual([iso(D0), iso(D0 + DAY)])
    // Created today, his log reaching back into the period still counts; colleagues created today with
    // no log in the period are not listed.
    expect(rep.rows.map((x) => x.employeeId)).toEqual([id])
    const row = rep.rows.find((x) => x.employeeId === id)
    expect(row?.totals).toEqual({ available: 23.5 * H, break: 0.5 * H, dnd: 2 * H, off_work: 22 * H })
    expect(row?.days).toEqual([
      { available: 22.5 * H, break: 0.5 * H, dnd: H },
      { dnd: H, off_work: 22 * H, available: H },
    ])
    // A period reaching past now lists only the days up to now, and its rows as many (probe 12 #8).
    const start = Date.now() - DAY - 3 * H
    const open = (
      await call(sup, 'GET', `/api/supervisor/workload?from=${iso(start)}&to=${iso(start + 30 * DAY)}`)
    ).json() as WorkloadReport
    expect(open.days).toEqual([iso(start), iso(start + DAY)])
    expect(open.rows.every((x) => x.days.length === 2)).toBe(true)
    expect(Date.parse(open.to)).toBeLessThanOrEqual(Date.now())
    // Bad periods: reversed, longer than 92 days, not a date, starting in the future (probe 11: it was
    // answered with `to` equal to `from`, before the days it listed).
    for (const q of [
      `from=${iso(D0 + DAY)}&to=${iso(D0)}`,
      `from=${iso(D0)}&to=${iso(D0 + 93 * DAY)}`,
      'from=yesterday&to=today',
      'from=9999-01-01T00:00:00Z&to=9999-02-01T00:00:00Z',
      `from=${iso(Date.now() + DAY)}&to=${iso(Date.now() + 2 * DAY)}`,
    ])
      expect((await call(sup, 'GET', `/api/supervisor/workload?${q}`)).statusCode).toBe(400)
  })

  it('the status log is append-only: an UPDATE is refused by the database', async () => {
    await expect(
      f.db.orm
        .update(schema.statusLog)
        .set({ status: 'break' })
        .where(eq(schema.statusLog.tenantId, tenantId)),
    ).rejects.toThrow()
  })
})

const DAY = 24 * H
