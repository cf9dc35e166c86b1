/**
 * Issue 13 §2: an admin change and its audit row are one transaction — the row exists exactly when
 * the change committed; a change that changes nothing leaves no row.
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { schema } from '../../db/index.ts'
import { auditLog } from '../../db/schema-people.ts'
import { type TestDb, targets } from '../../test/dbs.ts'
import { callSettingsOf, setCallSettings } from '../calls/index.ts'
import { seedDemo } from '../tenants/index.ts'
import { audited, callSettingsSnapshot } from './index.ts'

describe.each(targets)('audited changes on $name', (target) => {
  let t: TestDb
  let tenantId = ''
  let adminId = ''
  beforeAll(async () => {
    t = await target.open()
    await seedDemo(t.db, { password: 'demo-pass-1' })
    const [tenant] = await t.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    tenantId = tenant!.id
    const [admin] = await t.db.orm
      .select()
      .from(schema.employees)
      .where(eq(schema.employees.login, 'admin@demo'))
    adminId = admin!.id
  })
  afterAll(() => t.dispose())

  const change = (sec: number, after?: () => unknown) =>
    audited(t.db.orm, tenantId, {
      actorId: adminId,
      action: 'call_settings.update',
      entity: 'settings',
      entityId: null,
      snapshot: (tx) => callSettingsSnapshot(tx, tenantId),
      ...(after ? { after } : {}),
      change: (tx) => setCallSettings(tx, tenantId, { transferTimeoutSec: sec }),
    })
  const rows = () => t.db.orm.select().from(auditLog).where(eq(auditLog.action, 'call_settings.update'))

  it('records the change with its before and after, the admin as actor, the tenant as entity id', async () => {
    const was = await callSettingsOf(t.db.orm, tenantId)
    await change(55)
    const [row] = await rows()
    expect(row).toMatchObject({
      actorId: adminId,
      entity: 'settings',
      entityId: tenantId,
      before: { transferTimeoutSec: was.transferTimeoutSec },
      after: { transferTimeoutSec: 55 },
    })
  })

  it('a failure after the change rolls back the change and writes no row', async () => {
    const n = (await rows()).length
    await expect(
      change(77, () => {
        throw new Error('the snapshot failed')
      }),
    ).rejects.toThrow('the snapshot failed')
    expect((await callSettingsOf(t.db.orm, tenantId)).transferTimeoutSec).toBe(55)
    expect(await rows()).toHaveLength(n)
  })

  it('the same value again changes nothing and writes no row', async () => {
    const n = (await rows()).length
    await change(55)
    expect(await rows()).toHaveLength(n)
  })
})
