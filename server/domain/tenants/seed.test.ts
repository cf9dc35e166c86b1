import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows, schema } from '../../db/index.ts'
import { type TestDb, targets } from '../../test/dbs.ts'
import { hashPassword, verifyPassword } from '../auth/index.ts'
import {
  DEMO_ACCOUNTS,
  DEMO_EMAIL_ADDRESS,
  DEMO_NO_ACCEPT_BUTTON,
  seedDemo,
  writeDemoLogins,
} from './index.ts'

describe.each(targets)('demo seed on $name', (target) => {
  let t: TestDb
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-seed-dir-'))
  beforeAll(async () => {
    t = await target.open()
  })
  afterAll(async () => {
    await t.dispose()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  const counts = () =>
    queryRows<Record<string, number>>(
      t.db.orm,
      sql`SELECT (SELECT count(*)::int FROM tenants) AS tenants, (SELECT count(*)::int FROM employees) AS employees,
        (SELECT count(*)::int FROM contacts) AS clients, (SELECT count(*)::int FROM groups) AS groups,
        (SELECT count(*)::int FROM channels) AS channels, (SELECT count(*)::int FROM templates) AS templates,
        (SELECT count(*)::int FROM virtual_numbers) AS numbers, (SELECT count(*)::int FROM group_members) AS members`,
    )

  const settingsRows = () =>
    queryRows<{ key: string; value: string }>(t.db.orm, sql`SELECT key, value FROM settings`)

  it('seeds once: a second run adds nothing and keeps the generated password', async () => {
    const a = await seedDemo(t.db, { password: null, dataDir })
    expect(a.created).toBe(true)
    const first = await counts()
    expect(first[0]).toEqual({
      tenants: 1,
      employees: 8,
      clients: 30,
      groups: 2,
      channels: 5,
      templates: 4,
      numbers: 2,
      members: 6,
    })
    const b = await seedDemo(t.db, { password: null, dataDir })
    expect(b).toEqual({ created: false, password: a.password })
    expect(await counts()).toEqual(first)
  })

  it('T2/T3: website chat is connected with both demo groups as its distribution; op3 has the Accept button off', async () => {
    await seedDemo(t.db, { password: null, dataDir })
    const [webchat] = await t.db.orm.select().from(schema.channels).where(eq(schema.channels.kind, 'webchat'))
    const groups = await t.db.orm.select({ id: schema.groups.id }).from(schema.groups)
    expect(webchat?.connected).toBe(true)
    expect(new Set(webchat?.config.groupIds as string[])).toEqual(new Set(groups.map((g) => g.id)))
    const off = await t.db.orm
      .select({ login: schema.employees.login })
      .from(schema.employees)
      .where(eq(schema.employees.acceptButton, false))
    expect(off.map((e) => e.login)).toEqual([DEMO_NO_ACCEPT_BUTTON])
    const shared = await t.db.orm.select().from(schema.templates)
    expect(shared.filter((x) => x.ownerId === null).length).toBeGreaterThanOrEqual(2)
    // A demo seeded before the inbox gets the settings at its next start, once.
    await t.db.orm.update(schema.channels).set({ config: {} }).where(eq(schema.channels.kind, 'webchat'))
    await t.db.orm.update(schema.employees).set({ acceptButton: true })
    await seedDemo(t.db, { password: null, dataDir })
    const [again] = await t.db.orm.select().from(schema.channels).where(eq(schema.channels.kind, 'webchat'))
    expect(again?.config.groupIds).toHaveLength(2)
    await t.db.orm.update(schema.employees).set({ acceptButton: true })
    await seedDemo(t.db, { password: null, dataDir })
    const on = await t.db.orm.select().from(schema.employees).where(eq(schema.employees.acceptButton, false))
    expect(on).toEqual([])
  })

  it('T1 e-mail: the demo e-mail channel is connected at its address (an older demo gets the address at its next start)', async () => {
    await seedDemo(t.db, { password: null, dataDir })
    const email = () => t.db.orm.select().from(schema.channels).where(eq(schema.channels.kind, 'email'))
    expect((await email()).map((c) => [c.connected, c.address])).toEqual([[true, DEMO_EMAIL_ADDRESS]])
    await t.db.orm.update(schema.channels).set({ address: null }).where(eq(schema.channels.kind, 'email'))
    await seedDemo(t.db, { password: null, dataDir })
    expect((await email()).map((c) => c.address)).toEqual([DEMO_EMAIL_ADDRESS])
  })

  it('the generated password is kept in demo-logins.json (0600), never in the database', async () => {
    const { password } = await seedDemo(t.db, { password: null, dataDir })
    const file = path.join(dataDir, 'demo-logins.json')
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).password).toBe(password)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect((await settingsRows()).filter((r) => r.value.includes(password))).toEqual([])
  })

  it('an install that kept the password in settings: taken over into the file, the row deleted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-seed-legacy-'))
    await t.db.orm.insert(schema.settings).values({ key: 'demo_password', value: 'legacy-pass-1' })
    await t.db.orm.update(schema.employees).set({ passwordHash: await hashPassword('legacy-pass-1') })
    const r = await seedDemo(t.db, { password: null, dataDir: dir })
    expect(r.password).toBe('legacy-pass-1')
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'demo-logins.json'), 'utf8')).password).toBe(
      'legacy-pass-1',
    )
    expect((await settingsRows()).map((x) => x.key)).not.toContain('demo_password')
    fs.rmSync(dir, { recursive: true })
  })

  it('everyone starts off work; logins, roles and extensions are as documented', async () => {
    const rows = await t.db.orm.select().from(schema.employees)
    expect(rows.every((e) => e.status === 'off_work')).toBe(true)
    expect(rows.map((e) => [e.login, e.role, e.extension]).sort()).toEqual(
      DEMO_ACCOUNTS.map((a) => [a.login, a.role, a.extension]).sort(),
    )
  })

  it('a changed DEMO_PASSWORD re-hashes the demo accounts', async () => {
    await seedDemo(t.db, { password: 'new-demo-pass' })
    const [op] = await t.db.orm.select().from(schema.employees).where(eq(schema.employees.login, 'op1@demo'))
    expect(await verifyPassword('new-demo-pass', op!.passwordHash)).toBe(true)
  })

  it('writes demo-logins.json with mode 0600', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-seed-'))
    const file = writeDemoLogins(dir, 'http://127.0.0.1:8080', 'pw')
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    const body = JSON.parse(fs.readFileSync(file, 'utf8'))
    expect(body.accounts.length).toBe(8)
    expect(body).toMatchObject({ url: 'http://127.0.0.1:8080', password: 'pw' })
    fs.rmSync(dir, { recursive: true })
  })
})
