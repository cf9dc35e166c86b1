import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestDb, targets } from '../../test/dbs.ts'
import { setStatus } from '../status/index.ts'
import { createEmployee, createTenant } from '../tenants/index.ts'
import { loadMe } from './me.ts'

describe.each(targets)('S3 my profile says who forced my status, on $name', (target) => {
  let t: TestDb
  let tenantId: string
  let op: string
  let boss: string
  beforeAll(async () => {
    t = await target.open()
    tenantId = await createTenant(t.db.orm, {
      name: 'T',
      slug: 't',
      sipDomain: 't.local',
      seats: 5,
      features: { softphone: true, omni: true },
    })
    const emp = (login: string, name: string, role: 'operator' | 'supervisor', extension: string) =>
      createEmployee(t.db.orm, tenantId, { login, password: 'pw-123456', name, role, extension })
    op = await emp('op@t', 'Оп', 'operator', '101')
    boss = await emp('boss@t', 'Дмитрий Орлов', 'supervisor', '102')
  })
  afterAll(() => t.dispose())

  const setBy = async () => (await loadMe(t.db.orm, tenantId, op)).me.statusSetBy

  it('a status I chose has no setter; a forced one names the supervisor and the time until I change it', async () => {
    await setStatus(t.db, tenantId, op, 'available')
    expect(await setBy()).toBeNull()
    const forced = await setStatus(t.db, tenantId, op, 'break', boss)
    expect(await setBy()).toEqual({ name: 'Дмитрий Орлов', at: forced.at })
    // Another look later (a reload, a second device): still said.
    expect(await setBy()).toEqual({ name: 'Дмитрий Орлов', at: forced.at })
    await setStatus(t.db, tenantId, op, 'available')
    expect(await setBy()).toBeNull()
  })
})
