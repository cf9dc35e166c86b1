import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../../db/index.ts'
import { type TestDb, targets } from '../../test/dbs.ts'
import { LoginThrottle } from './throttle.ts'

describe.each(targets)('login throttle windows on $name', (target) => {
  let t: TestDb
  beforeAll(async () => {
    t = await target.open()
  })
  afterAll(() => t.dispose())

  const rows = () =>
    queryRows<{ key: string; count: number }>(
      t.db.orm,
      sql`SELECT key, count FROM login_attempts ORDER BY key`,
    )
  const age = (minutes: number) =>
    t.db.orm.execute(sql`UPDATE login_attempts SET window_start = now() - make_interval(mins => ${minutes})`)

  it('keys hold neither the login nor the address in clear', async () => {
    await new LoginThrottle().attempt(t.db.orm, 'op1@demo', '203.0.113.7')
    const keys = (await rows()).map((r) => r.key)
    expect(keys.length).toBe(2)
    for (const k of keys) expect(k).toMatch(/^[0-9a-f]{64}$/)
  })

  it('over the limit is refused; once the window has passed, counting starts again at 1', async () => {
    const th = new LoginThrottle({ perAddress: 2, perAccount: 5, windowSec: 300 })
    for (let i = 0; i < 2; i++)
      expect((await th.attempt(t.db.orm, 'op2@demo', '1.1.1.1')).admitted).toBe(true)
    expect((await th.attempt(t.db.orm, 'op2@demo', '1.1.1.1')).admitted).toBe(false)
    await age(6)
    expect((await th.attempt(t.db.orm, 'op2@demo', '1.1.1.1')).admitted).toBe(true)
  })

  it('rows of past windows are swept (the first attempt of an instance sweeps)', async () => {
    await age(10)
    expect((await rows()).length).toBeGreaterThan(0)
    await new LoginThrottle().attempt(t.db.orm, 'op3@demo', '1.1.1.1')
    expect((await rows()).length).toBe(2)
  })
})
