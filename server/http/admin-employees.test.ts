/**
 * Issue 13, SPEC A1: the admin's employees — create with a one-time password, seats as accounts,
 * deactivate (sessions cut, sign-in refused, history kept), re-activate, the bad-input rules, the
 * audit log with before and after, the own password; and the tenant commands (suspend cuts every
 * session; old tokens stay refused).
 */
import { and, eq, gt, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type {
  AuditPage,
  EmployeePasswordResponse,
  EmployeesAdminResponse,
  TenantCommandAnswer,
} from '../../contract/admin.ts'
import type { MeResponse } from '../../contract/routes.ts'
import { queryRows, schema } from '../db/index.ts'
import { auditLog } from '../db/schema-people.ts'
import { passwordVerifications } from '../domain/auth/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'
import { routeTable } from './route-table.ts'
import { SIGNATURE_HEADER, signInternal } from './signed-internal.ts'

describe.each(targets)('admin employees and tenants on $name', (target) => {
  let f: Fixture
  let admin = ''
  beforeAll(async () => {
    f = await makeFixture(target)
    admin = (await f.login('admin@demo')).token
  })
  afterAll(() => f.close())

  const call = (token: string, method: string, url: string, payload?: unknown) =>
    f.app.inject({
      method: method as 'GET',
      url,
      headers: auth(token),
      ...(payload === undefined ? {} : { payload: payload as object }),
    })
  const list = async () => (await call(admin, 'GET', '/api/admin/employees')).json() as EmployeesAdminResponse
  /** POST /internal/tenants as the CLI sends it: signed, the secret itself never sent (probe 10 #9). */
  const signedCommand = (
    body: unknown,
    sign = (raw: string) => signInternal(f.secrets.internalSecret, 'POST', '/internal/tenants', raw),
  ) => {
    const raw = JSON.stringify(body)
    return f.app.inject({
      method: 'POST',
      url: '/internal/tenants',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(raw) },
      remoteAddress: '127.0.0.1',
      payload: raw,
    })
  }
  const login = (l: string, password: string) =>
    f.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: l, password } })

  it('A1 the admin creates an operator with the offered extension; the one-time password signs him in', async () => {
    const before = await list()
    expect(before.seats).toEqual({ total: 10, used: 8 })
    const r = await call(admin, 'POST', '/api/admin/employees', {
      name: 'Пётр Новиков',
      login: 'Novikov@Demo',
      role: 'operator',
      mobile: '+79160001122',
      acceptButton: false,
    })
    expect(r.statusCode).toBe(201)
    expect(r.headers['cache-control']).toBe('no-store')
    const made = r.json() as EmployeePasswordResponse
    expect(made.employee).toMatchObject({
      login: 'novikov@demo',
      extension: before.nextExtension,
      mobile: '+79160001122',
      acceptButton: false,
      active: true,
    })
    expect(made.password).toMatch(/^[A-Za-z0-9]{12}$/)
    expect((await login('novikov@demo', made.password)).statusCode).toBe(200)
    expect((await list()).seats.used).toBe(9)
    // The audit entry: created by the admin, after = the new employee, no password anywhere.
    const page = (
      await call(admin, 'GET', `/api/admin/audit?entityId=${made.employee.id}`)
    ).json() as AuditPage
    expect(page.entries[0]).toMatchObject({ action: 'employee.create', entity: 'employee', before: null })
    expect(page.entries[0]?.after).toMatchObject({ name: 'Пётр Новиков', extension: made.employee.extension })
    expect(JSON.stringify(page)).not.toContain(made.password)
    const rows = await f.db.orm.select().from(auditLog)
    expect(JSON.stringify(rows)).not.toMatch(/scrypt|password/i)
  })

  it('bad input: a duplicate login, an extension of an employee, a group or a virtual number — coded, nothing made', async () => {
    const used = (await list()).seats.used
    const cases: [unknown, string][] = [
      [{ name: 'X', login: 'op1@demo', role: 'operator' }, 'E_LOGIN_TAKEN'],
      [{ name: 'X', login: 'op1@other', role: 'operator' }, 'E_LOGIN_DOMAIN'],
      [{ name: 'X', login: 'x1@demo', role: 'operator', extension: '101' }, 'E_EXTENSION_TAKEN'],
      [{ name: 'X', login: 'x2@demo', role: 'operator', extension: '200' }, 'E_EXTENSION_TAKEN'],
      [{ name: 'X', login: 'x3@demo', role: 'chief' }, 'E_VALIDATION'],
      [{ name: 'X\u0000', login: 'x4@demo', role: 'operator' }, 'E_VALIDATION'],
      [{ name: 'X', login: 'x5@demo', role: 'operator', extension: '1a' }, 'E_VALIDATION'],
    ]
    for (const [body, code] of cases) {
      const r = await call(admin, 'POST', '/api/admin/employees', body)
      expect(r.json().error.code, JSON.stringify(body)).toBe(code)
      expect(r.json().error.message).toBeTruthy()
    }
    const [demo] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    await f.db.orm.insert(schema.virtualNumbers).values({ tenantId: demo!.id, number: '555' })
    const r = await call(admin, 'POST', '/api/admin/employees', {
      name: 'X',
      login: 'x6@demo',
      role: 'operator',
      extension: '555',
    })
    expect(r.json().error.code).toBe('E_EXTENSION_TAKEN')
    expect(r.statusCode).toBe(409)
    expect((await list()).seats.used).toBe(used)
    // An edit that would take a colleague's number is refused the same way, and changes nothing.
    const me = (await list()).employees.find((e) => e.login === 'op2@demo')!
    const e = await call(admin, 'PATCH', `/api/admin/employees/${me.id}`, {
      name: 'Новое имя',
      extension: '101',
    })
    expect(e.json().error.code).toBe('E_EXTENSION_TAKEN')
    expect((await list()).employees.find((x) => x.id === me.id)?.name).toBe(me.name)
  })

  it('issue 13: an edit reaches the employee’s own apps live — an employee.updated event for him alone', async () => {
    const op = (await list()).employees.find((e) => e.login === 'op3@demo')!
    const [last] = await f.db.orm
      .select({ seq: sql<number>`coalesce(max(${schema.events.seq}), 0)` })
      .from(schema.events)
    const seq = Number(last?.seq ?? 0)
    const r = await call(admin, 'PATCH', `/api/admin/employees/${op.id}`, { acceptButton: !op.acceptButton })
    expect(r.statusCode, r.body).toBe(200)
    const evs = await f.db.orm
      .select()
      .from(schema.events)
      .where(and(gt(schema.events.seq, seq), eq(schema.events.type, 'employee.updated')))
    expect(evs.map((e) => [e.payload, e.audience])).toEqual([
      [{ employeeId: op.id }, { employeeIds: [op.id] }],
    ])
    await call(admin, 'PATCH', `/api/admin/employees/${op.id}`, { acceptButton: op.acceptButton })
  })

  it('probe 10 #7: logins end with @<own slug> — a local part gets it, another suffix is refused the same whether it exists or not', async () => {
    const used = (await list()).seats.used
    expect((await list()).loginDomain).toBe('demo')
    for (const l of ['op1@other', 'nobody@other', 'op7@demo.evil', 'a@b@demo', 'x@demo-x']) {
      const r = await call(admin, 'POST', '/api/admin/employees', { name: 'X', login: l, role: 'operator' })
      expect(r.statusCode, l).toBe(400)
      expect(r.json().error.code, l).toBe('E_LOGIN_DOMAIN')
    }
    expect((await list()).seats.used).toBe(used)
    const r = await call(admin, 'POST', '/api/admin/employees', {
      name: 'Анна',
      login: 'Anna.K',
      role: 'operator',
    })
    expect(r.statusCode).toBe(201)
    const made = r.json() as EmployeePasswordResponse
    expect(made.employee.login).toBe('anna.k@demo')
    expect((await login('anna.k@demo', made.password)).statusCode).toBe(200)
    // Her seat back for the seat-limit test below.
    await call(admin, 'POST', `/api/admin/employees/${made.employee.id}/deactivate`)
    // The tenant CLI's first admin: the same rule.
    const cmd = (tenant: unknown) => signedCommand({ command: 'create', tenant })
    const bad = await cmd({ name: 'Л', slug: 'lilac', seats: 2, adminLogin: 'admin@demo2' })
    expect(bad.json().error.code).toBe('E_LOGIN_DOMAIN')
    const good = await cmd({ name: 'Л', slug: 'lilac', seats: 2, adminLogin: 'boss' })
    expect((good.json() as TenantCommandAnswer).admin?.login).toBe('boss@lilac')
  })

  it("another tenant's ids are 404, an operator is 403 on every employee route", async () => {
    const op = (await f.login('op1@demo')).token
    const other = f.otherEmployeeId
    for (const path of ['password', 'deactivate', 'reactivate'])
      expect((await call(admin, 'POST', `/api/admin/employees/${other}/${path}`)).statusCode).toBe(404)
    expect((await call(admin, 'PATCH', `/api/admin/employees/${other}`, { name: 'x' })).statusCode).toBe(404)
    expect((await call(op, 'GET', '/api/admin/employees')).statusCode).toBe(403)
    expect(
      (await call(op, 'POST', '/api/admin/employees', { name: 'x', login: 'y@z', role: 'admin' })).statusCode,
    ).toBe(403)
    expect((await call(op, 'GET', '/api/admin/audit')).statusCode).toBe(403)
  })

  it('an operator gets 403 on every admin route (generated from the route table)', async () => {
    const op = (await f.login('op2@demo')).token
    const admin = routeTable(f.app).filter((r) => r.auth === 'admin' && r.method !== 'HEAD')
    // Every section's routes: employees, audit, channels, features, templates, statuses…
    expect(admin.length).toBeGreaterThan(15)
    const id = f.otherEmployeeId
    for (const r of admin) {
      const url = r.url.replace(/:[A-Za-z]+/g, id)
      const res = await f.app.inject({ method: r.method as 'GET', url, headers: auth(op), payload: {} })
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(403)
      expect(res.json().error.code).toBe('E_FORBIDDEN')
    }
  })

  it('A1 the seat limit refuses one more account; deactivating frees the seat, re-activating takes it', async () => {
    await f.db.orm.update(schema.tenants).set({ seats: 9 }).where(eq(schema.tenants.slug, 'demo'))
    expect((await list()).seats).toEqual({ total: 9, used: 9 })
    const over = await call(admin, 'POST', '/api/admin/employees', {
      name: 'Z',
      login: 'z@demo',
      role: 'operator',
    })
    expect(over.statusCode).toBe(403)
    expect(over.json().error.code).toBe('E_SEAT_LIMIT')
    const op3 = (await list()).employees.find((e) => e.login === 'op3@demo')!
    expect((await call(admin, 'POST', `/api/admin/employees/${op3.id}/deactivate`)).statusCode).toBe(200)
    const ok = await call(admin, 'POST', '/api/admin/employees', {
      name: 'Z',
      login: 'z@demo',
      role: 'operator',
    })
    expect(ok.statusCode).toBe(201)
    const back = await call(admin, 'POST', `/api/admin/employees/${op3.id}/reactivate`)
    expect(back.json().error.code).toBe('E_SEAT_LIMIT')
    await f.db.orm.update(schema.tenants).set({ seats: 10 }).where(eq(schema.tenants.slug, 'demo'))
    expect((await call(admin, 'POST', `/api/admin/employees/${op3.id}/reactivate`)).statusCode).toBe(200)
  })

  it('two creates at once for the last seat: exactly one gets it, the other E_SEAT_LIMIT', async () => {
    const { used } = (await list()).seats
    await f.db.orm
      .update(schema.tenants)
      .set({ seats: used + 1 })
      .where(eq(schema.tenants.slug, 'demo'))
    const both = await Promise.all(
      ['race1@demo', 'race2@demo'].map((l) =>
        call(admin, 'POST', '/api/admin/employees', { name: 'Гонка', login: l, role: 'operator' }),
      ),
    )
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 403])
    expect((await list()).seats).toEqual({ total: used + 1, used: used + 1 })
    const won = (both.find((r) => r.statusCode === 201)!.json() as EmployeePasswordResponse).employee
    await call(admin, 'POST', `/api/admin/employees/${won.id}/deactivate`)
    await f.db.orm.update(schema.tenants).set({ seats: 10 }).where(eq(schema.tenants.slug, 'demo'))
  })

  it('A1 a deactivated operator is signed out at once and cannot sign in; his history stays; the audit has before/after', async () => {
    const op = await f.login('op4@demo')
    expect((await call(op.token, 'GET', '/api/me')).statusCode).toBe(200)
    const r = await call(admin, 'POST', `/api/admin/employees/${op.me.id}/deactivate`)
    expect(r.json().employee).toMatchObject({ active: false })
    const gone = await call(op.token, 'GET', '/api/me')
    expect(gone.statusCode).toBe(401)
    // The app says why: its old token and the right password both get E_ACCOUNT_DEACTIVATED;
    // a wrong password still gets the usual answer (nothing told to someone who does not know it).
    expect(gone.json().error.code).toBe('E_ACCOUNT_DEACTIVATED')
    expect((await login('op4@demo', 'demo-pass-1')).json().error.code).toBe('E_ACCOUNT_DEACTIVATED')
    expect((await login('op4@demo', 'wrong-pass-1')).json().error.code).toBe('E_BAD_CREDENTIALS')
    const [row] = await f.db.orm.select().from(schema.employees).where(eq(schema.employees.id, op.me.id))
    expect(row?.name).toBe(op.me.name)
    const colleagues = (await call(admin, 'GET', '/api/contacts/employees')).json() as { id: string }[]
    expect(colleagues.map((c) => c.id)).not.toContain(op.me.id)
    const page = (
      await call(admin, 'GET', `/api/admin/audit?action=employee.deactivate&entityId=${op.me.id}`)
    ).json() as AuditPage
    expect(page.entries[0]).toMatchObject({ actorName: 'Ольга Сергеевна Белова' })
    expect(page.entries[0]?.before).toMatchObject({ active: true })
    expect(page.entries[0]?.after).toMatchObject({ active: false })
    // Nobody deactivates himself or the last admin.
    expect(
      (
        await call(
          admin,
          'POST',
          `/api/admin/employees/${(await list()).employees.find((e) => e.login === 'admin@demo')!.id}/deactivate`,
        )
      ).json().error.code,
    ).toBe('E_SELF')
    expect((await call(admin, 'POST', `/api/admin/employees/${op.me.id}/reactivate`)).statusCode).toBe(200)
    expect((await login('op4@demo', 'demo-pass-1')).statusCode).toBe(200)
  })

  it('a reset password works once issued; the old one and his sessions end', async () => {
    const op = await f.login('op5@demo')
    const r = (
      await call(admin, 'POST', `/api/admin/employees/${op.me.id}/password`)
    ).json() as EmployeePasswordResponse
    expect((await call(op.token, 'GET', '/api/me')).statusCode).toBe(401)
    expect((await login('op5@demo', 'demo-pass-1')).statusCode).toBe(401)
    expect((await login('op5@demo', r.password)).statusCode).toBe(200)
  })

  it('probe 13 #2: the mobile number is read as people write it and stored in E.164; a bad one names the field', async () => {
    await f.db.orm.update(schema.tenants).set({ seats: 50 }).where(eq(schema.tenants.slug, 'demo'))
    const r = await call(admin, 'POST', '/api/admin/employees', {
      name: 'Анна Мобильная',
      login: 'anna-mobile',
      role: 'operator',
      mobile: '+7 916 123-45-67',
    })
    expect(r.statusCode).toBe(201)
    const made = (r.json() as EmployeePasswordResponse).employee
    expect(made.mobile).toBe('+79161234567')
    const edit = (mobile: string) => call(admin, 'PATCH', `/api/admin/employees/${made.id}`, { mobile })
    expect((await edit('8 (916) 765 43 21')).json().employee.mobile).toBe('+79167654321')
    const bad = await edit('abc')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.code).toBe('E_VALIDATION')
    expect(bad.json().error.details).toEqual([expect.stringMatching(/^mobile: /)])
    expect((await edit('')).json().employee.mobile).toBeNull()
    const refused = await call(admin, 'POST', '/api/admin/employees', {
      name: 'Б',
      login: 'b-mobile',
      role: 'operator',
      mobile: '8 916 123',
    })
    expect(refused.json().error.details).toEqual([expect.stringMatching(/^mobile: /)])
    expect((await list()).employees.some((e) => e.login.startsWith('b-mobile'))).toBe(false)
  })

  it('A1 probe 13 #13: an issued password is one-time — until he sets his own only that step is answered, no SIP line', async () => {
    const made = (
      await call(admin, 'POST', '/api/admin/employees', {
        name: 'Вера Новая',
        login: 'vera-new',
        role: 'admin',
      })
    ).json() as EmployeePasswordResponse
    const first = await login(made.employee.login, made.password)
    expect(first.statusCode).toBe(200)
    const body = first.json() as { token: string; me: { mustChangePassword?: boolean }; sip: unknown }
    expect(body.me.mustChangePassword).toBe(true)
    expect(body.sip).toBeNull()
    const tok = body.token
    const me = (await call(tok, 'GET', '/api/me')).json() as MeResponse
    expect(me.me.mustChangePassword).toBe(true)
    expect(me.sip).toBeNull()
    for (const [m, u] of [
      ['GET', '/api/admin/employees'],
      ['GET', '/api/chats'],
      ['PUT', '/api/me/status'],
      ['GET', '/api/auth/sessions'],
    ] as const) {
      const r = await call(tok, m, u, m === 'PUT' ? { status: 'available' } : undefined)
      expect(r.statusCode, u).toBe(403)
      expect(r.json().error.code, u).toBe('E_PASSWORD_CHANGE_REQUIRED')
    }
    const set = await call(tok, 'PUT', '/api/me/password', { current: made.password, next: 'vera-own-pass' })
    expect(set.statusCode).toBe(200)
    const after = (await call(tok, 'GET', '/api/me')).json() as MeResponse
    expect(after.me.mustChangePassword).toBeUndefined()
    expect(after.sip).not.toBeNull()
    expect((await call(tok, 'GET', '/api/admin/employees')).statusCode).toBe(200)
    // A reset makes it one-time again; the demo seed's known passwords are not.
    const reset = (
      await call(admin, 'POST', `/api/admin/employees/${made.employee.id}/password`)
    ).json() as EmployeePasswordResponse
    expect(
      ((await login(made.employee.login, reset.password)).json() as typeof body).me.mustChangePassword,
    ).toBe(true)
    expect((await f.login('op2@demo')).me.mustChangePassword).toBeUndefined()
  })

  it('probe 13 #14: the device signed out by a password change elsewhere, or by a reset, is told why', async () => {
    const a = await f.login('op1@demo')
    const b = await f.login('op1@demo')
    await call(a.token, 'PUT', '/api/me/password', {
      current: 'demo-pass-1',
      next: 'op1-own-pass',
      signOutOthers: true,
    })
    const told = await call(b.token, 'GET', '/api/me')
    expect(told.statusCode).toBe(401)
    expect(told.json().error.code).toBe('E_SESSION_PASSWORD_CHANGED')
    await call(admin, 'POST', `/api/admin/employees/${a.me.id}/password`)
    expect((await call(a.token, 'GET', '/api/me')).json().error.code).toBe('E_SESSION_PASSWORD_RESET')
    // Signing out is no reason to tell.
    const c = await f.login('op2@demo')
    await call(c.token, 'POST', '/api/auth/logout')
    expect((await call(c.token, 'GET', '/api/me')).json().error.code).toBe('E_AUTH_REQUIRED')
  })

  it('A1 own password: the current one is required; other sessions end on request, this one stays', async () => {
    const a = await f.login('op6@demo')
    const b = await f.login('op6@demo')
    const wrong = await call(a.token, 'PUT', '/api/me/password', { current: 'nope', next: 'long-enough-1' })
    expect(wrong.json().error.code).toBe('E_WRONG_PASSWORD')
    const short = await call(a.token, 'PUT', '/api/me/password', { current: 'demo-pass-1', next: 'short' })
    expect(short.json().error.code).toBe('E_VALIDATION')
    const ok = await call(a.token, 'PUT', '/api/me/password', {
      current: 'demo-pass-1',
      next: 'long-enough-1',
      signOutOthers: true,
    })
    expect(ok.json()).toEqual({ endedSessions: 1 })
    expect((await call(a.token, 'GET', '/api/me')).statusCode).toBe(200)
    expect((await call(b.token, 'GET', '/api/me')).statusCode).toBe(401)
    expect((await login('op6@demo', 'long-enough-1')).statusCode).toBe(200)
  })

  it('probe 10 #6, probe 13 #15: every own-password attempt counts, right or wrong (429 after 5 in 15 min); the same password again is refused unhashed', async () => {
    const a = await f.login('supervisor@demo')
    const put = (current: string, next = 'long-enough-2') =>
      call(a.token, 'PUT', '/api/me/password', { current, next })
    const same = await put('demo-pass-1', 'demo-pass-1')
    expect(same.statusCode).toBe(400)
    expect(same.json().error.details).toEqual(['next: the same as the current password'])
    for (let i = 0; i < 4; i++) expect((await put(`guess${i}`)).json().error.code).toBe('E_WRONG_PASSWORD')
    expect((await put('demo-pass-1')).statusCode).toBe(200)
    // A success no longer starts the count again: the fifth attempt was it, the sixth is refused unchecked.
    const before = passwordVerifications()
    const limited = await put('long-enough-2', 'long-enough-3')
    expect(limited.statusCode).toBe(429)
    expect(limited.json().error.code).toBe('E_RATE_LIMITED')
    expect(passwordVerifications()).toBe(before)
    expect((await login('supervisor@demo', 'long-enough-2')).statusCode).toBe(200)
  })

  it('probe 13 #15: an admin issues at most 5 passwords a minute to one employee and 30 to the company; past that 429 without hashing', async () => {
    const target = (await list()).employees.find((e) => e.login === 'op4@demo')!
    const issue = () => call(admin, 'POST', `/api/admin/employees/${target.id}/password`)
    for (let i = 0; i < 5; i++) expect((await issue()).statusCode).toBe(200)
    const limited = await issue()
    expect(limited.statusCode).toBe(429)
    expect(limited.json().error.code).toBe('E_RATE_LIMITED')
  })

  it('the audit log pages newest first without gaps or repeats, and filters by actor and period', async () => {
    const all = (await call(admin, 'GET', '/api/admin/audit?limit=200')).json() as AuditPage
    expect(all.entries.length).toBeGreaterThan(8)
    const seen: string[] = []
    let before: string | null = null
    do {
      const q: string = before ? `&before=${encodeURIComponent(before)}` : ''
      const page = (await call(admin, 'GET', `/api/admin/audit?limit=3${q}`)).json() as AuditPage
      seen.push(...page.entries.map((e) => e.id))
      before = page.next
    } while (before)
    expect(seen).toEqual(all.entries.map((e) => e.id))
    const adminId = (await list()).employees.find((e) => e.login === 'admin@demo')!.id
    const mine = (
      await call(admin, 'GET', `/api/admin/audit?limit=200&actorId=${adminId}`)
    ).json() as AuditPage
    expect(mine.entries.length).toBeGreaterThan(0)
    expect(mine.entries.every((e) => e.actorId === adminId)).toBe(true)
    const future = new Date(Date.now() + 3600_000).toISOString()
    const none = (await call(admin, 'GET', `/api/admin/audit?from=${future}`)).json() as AuditPage
    expect(none.entries).toEqual([])
    expect((await call(admin, 'GET', '/api/admin/audit?from=yesterday')).statusCode).toBe(400)
  })

  it('the tenant commands: create (its admin signs in), list, suspend (old tokens refused), reactivate', async () => {
    const cmd = async (body: unknown) => {
      const r = await signedCommand(body)
      return { status: r.statusCode, body: r.json() as TenantCommandAnswer & { error?: { code: string } } }
    }
    const made = await cmd({
      command: 'create',
      tenant: { name: 'ООО Ромашка', slug: 'romashka', seats: 3, adminLogin: 'boss@romashka' },
    })
    expect(made.status).toBe(200)
    expect(made.body.tenant).toMatchObject({
      slug: 'romashka',
      sipDomain: 'romashka.frontline.local',
      seats: 3,
    })
    const boss = await login('boss@romashka', made.body.admin!.password)
    expect(boss.statusCode).toBe(200)
    const token = (boss.json() as { token: string }).token
    // The CLI's password is one-time (probe 13 #13): he chooses his own first.
    expect((await call(token, 'GET', '/api/admin/audit')).json().error.code).toBe(
      'E_PASSWORD_CHANGE_REQUIRED',
    )
    const own = await call(token, 'PUT', '/api/me/password', {
      current: made.body.admin!.password,
      next: 'boss-own-pass-1',
    })
    expect(own.statusCode).toBe(200)
    expect(
      (await cmd({ command: 'create', tenant: { name: 'X', slug: 'romashka', seats: 1, adminLogin: 'x@x' } }))
        .body.error?.code,
    ).toBe('E_SLUG_TAKEN')
    expect((await cmd({ command: 'list' })).body.tenants?.map((t) => t.slug)).toContain('romashka')
    const bossMe = ((await call(token, 'GET', '/api/me')).json() as MeResponse).me
    const subs = () =>
      queryRows(f.db.orm, sql`SELECT id FROM push_subscriptions WHERE tenant_id = ${bossMe.tenantId}`)
    await f.db.orm.execute(
      sql`INSERT INTO push_subscriptions (tenant_id, employee_id, endpoint, p256dh, auth)
          VALUES (${bossMe.tenantId}, ${bossMe.id}, 'https://push.example.test/boss', ${'B'.repeat(87)}, ${'A'.repeat(22)})`,
    )
    expect(await subs()).toHaveLength(1)
    const cut = await cmd({ command: 'suspend', slug: 'romashka' })
    expect(cut.body.cut?.sessions).toBe(1)
    // Its devices get nothing of the company any more (probe 10 note: the subscriptions outlived it).
    expect(await subs()).toHaveLength(0)
    expect((await call(token, 'GET', '/api/me')).statusCode).toBe(401)
    expect((await login('boss@romashka', 'boss-own-pass-1')).json().error.code).toBe('E_TENANT_SUSPENDED')
    // An old token whose revocation were lost is refused by the suspension itself.
    await f.db.orm.update(schema.sessions).set({ revokedAt: null })
    expect((await call(token, 'GET', '/api/me')).statusCode).toBe(401)
    await cmd({ command: 'reactivate', slug: 'romashka' })
    expect((await call(token, 'GET', '/api/me')).statusCode).toBe(200)
    const audit = (await call(token, 'GET', '/api/admin/audit?entity=tenant')).json() as AuditPage
    expect(audit.entries.map((e) => e.action)).toEqual([
      'tenant.reactivate',
      'tenant.suspend',
      'tenant.create',
    ])
    expect(audit.entries[1]?.after).toMatchObject({ suspended: true })
    // Without the secret, or from elsewhere, nothing.
    const stranger = await f.app.inject({
      method: 'POST',
      url: '/internal/tenants',
      remoteAddress: '127.0.0.1',
      payload: { command: 'list' },
    })
    expect(stranger.statusCode).toBe(403)
  })

  it('probe 10 #9: /internal/tenants takes a fresh signature, not the secret; a replay, a changed body, an old time or a wrong key are 403', async () => {
    const secret = f.secrets.internalSecret
    // The secret itself, as the CLI sent it before, opens nothing any more.
    const plain = await f.app.inject({
      method: 'POST',
      url: '/internal/tenants',
      headers: { 'x-internal-secret': secret },
      remoteAddress: '127.0.0.1',
      payload: { command: 'list' },
    })
    expect(plain.statusCode).toBe(403)
    const list = JSON.stringify({ command: 'list' })
    const header = signInternal(secret, 'POST', '/internal/tenants', list)
    const send = (h: string, raw = list, remoteAddress = '127.0.0.1') =>
      f.app.inject({
        method: 'POST',
        url: '/internal/tenants',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: h },
        remoteAddress,
        payload: raw,
      })
    expect((await send(header, list, '10.0.0.5')).statusCode).toBe(404)
    expect((await send(header)).statusCode).toBe(200)
    expect((await send(header)).statusCode).toBe(403) // the same nonce again
    const suspend = JSON.stringify({ command: 'suspend', slug: 'demo' })
    expect((await send(signInternal(secret, 'POST', '/internal/tenants', list), suspend)).statusCode).toBe(
      403,
    )
    expect(
      (await send(signInternal(secret, 'POST', '/internal/tenants', list, Date.now() - 60_000))).statusCode,
    ).toBe(403)
    expect((await send(signInternal('not-the-secret', 'POST', '/internal/tenants', list))).statusCode).toBe(
      403,
    )
    expect((await send(signInternal(secret, 'POST', '/internal/sip/route', list))).statusCode).toBe(403)
    expect((await send('v1 t=1 n=zz')).statusCode).toBe(403)
    const [demo] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    expect(demo?.suspendedAt).toBeNull()
  })
})
