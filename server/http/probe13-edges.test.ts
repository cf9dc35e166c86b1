/**
 * Probe 13 (outside attacker), the input edges of the administration: the audit log's filters
 * (#2), an admin's own password (#7), secrets never cached (#10), control characters in names (#11),
 * slugs that make valid, honest SIP domains (#12) and the contact import's documented size (#14).
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditPage, EmployeesAdminResponse, TenantCommandAnswer } from '../../contract/admin.ts'
import { CSV_MAX_ROWS } from '../../contract/contact-import.ts'
import { schema } from '../db/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture, PASSWORD } from '../test/fixture.ts'
import { SECRET_ANSWERS } from './no-store.ts'
import { routeTable } from './route-table.ts'
import { SIGNATURE_HEADER, signInternal } from './signed-internal.ts'

describe.each(targets)('probe 13 input edges on $name', (target) => {
  let f: Fixture
  let admin = ''
  let adminId = ''
  beforeAll(async () => {
    f = await makeFixture(target)
    const a = await f.login('admin@demo')
    admin = a.token
    adminId = a.me.id
  })
  afterAll(() => f.close())

  const call = (token: string, method: string, url: string, payload?: unknown) =>
    f.app.inject({
      method: method as 'GET',
      url,
      headers: auth(token),
      ...(payload === undefined ? {} : { payload: payload as object }),
    })
  const tenantCommand = (body: unknown) => {
    const raw = JSON.stringify(body)
    return f.app.inject({
      method: 'POST',
      url: '/internal/tenants',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signInternal(f.secrets.internalSecret, 'POST', '/internal/tenants', raw),
      },
      remoteAddress: '127.0.0.1',
      payload: raw,
    })
  }

  it('#2 malformed cursors and impossible dates are a coded 400, never a 500', async () => {
    const zero = '00000000-0000-0000-0000-000000000000'
    const bad = [
      `before=${encodeURIComponent(`2026-11-30T00:00:00Z|${'-'.repeat(36)}`)}`,
      `before=${encodeURIComponent(`2026-11-30T00:00:00Z|${'0'.repeat(36)}`)}`,
      `before=${encodeURIComponent(`-271821-04-20T00:00:00Z|${zero}`)}`,
      `before=${encodeURIComponent(`99999999999999|${zero}`)}`,
      `before=${encodeURIComponent(`2026-11-30T00:00:00Z|${zero}|${zero}`)}`,
      `from=${encodeURIComponent('0000-01-01T00:00:00Z')}`,
      `from=${encodeURIComponent('2026-02-30T00:00:00Z')}`,
      `to=${encodeURIComponent('1969-12-31T23:59:59Z')}`,
    ]
    for (const q of bad) {
      const r = await call(admin, 'GET', `/api/admin/audit?${q}`)
      expect(r.statusCode, q).toBe(400)
      expect(r.json().error.code, q).toBe('E_VALIDATION')
    }
    // What the log itself hands out still pages, and a real leap day is a date.
    await call(admin, 'PATCH', `/api/admin/employees/${f.otherEmployeeId}`, { name: 'x' })
    for (let i = 0; i < 3; i++)
      await call(admin, 'PUT', '/api/admin/crm-webhook', { url: `https://93.184.216.34/hook${i}` })
    const first = (await call(admin, 'GET', '/api/admin/audit?limit=1')).json() as AuditPage
    expect(first.next).not.toBeNull()
    const next = await call(
      admin,
      'GET',
      `/api/admin/audit?limit=1&before=${encodeURIComponent(first.next!)}`,
    )
    expect(next.statusCode).toBe(200)
    expect((next.json() as AuditPage).entries[0]?.id).not.toBe(first.entries[0]?.id)
    const leap = await call(
      admin,
      'GET',
      `/api/admin/audit?from=${encodeURIComponent('2024-02-29T00:00:00Z')}`,
    )
    expect(leap.statusCode).toBe(200)
  })

  it('#7 an admin cannot reset his own password through the admin route: E_SELF, his session stays', async () => {
    const r = await call(admin, 'POST', `/api/admin/employees/${adminId}/password`)
    expect(r.statusCode).toBe(409)
    expect(r.json().error.code).toBe('E_SELF')
    expect(JSON.stringify(r.json())).not.toMatch(/"password"/)
    expect((await call(admin, 'GET', '/api/me')).statusCode).toBe(200)
    // Another admin may still reset it (the sanctioned way back into a lost account).
    const op = (await f.login('op3@demo')).me.id
    expect((await call(admin, 'POST', `/api/admin/employees/${op}/password`)).statusCode).toBe(200)
  })

  it('#10 every answer carrying a secret is no-store; the list names only routes the app has', async () => {
    const table = new Set(routeTable(f.app).map((r) => `${r.method} ${r.url}`))
    for (const key of SECRET_ANSWERS) expect(table.has(key), key).toBe(true)
    const noStore = (r: { headers: Record<string, unknown> }) => r.headers['cache-control']
    const login = await f.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: 'op4@demo', password: PASSWORD },
    })
    const answers = {
      login,
      me: await call(admin, 'GET', '/api/me'),
      webhook: await call(admin, 'PUT', '/api/admin/crm-webhook', { url: 'https://93.184.216.34/crm' }),
      // A set webhook keeps its key on PUT (probe 13 UI #7): a new one is its own route.
      webhookSecret: await call(admin, 'POST', '/api/admin/crm-webhook/secret', {}),
      contactsSecret: await call(admin, 'POST', '/api/admin/crm-contacts/secret', {}),
      gateway: await call(admin, 'POST', '/api/admin/sip/gateway-credentials', {}),
    }
    for (const [name, r] of Object.entries(answers)) {
      expect(r.statusCode, name).toBeLessThan(300)
      expect(noStore(r), name).toBe('no-store')
    }
    expect((answers.webhookSecret.json() as { secret?: string }).secret).toBeTruthy()
    // A route without a secret keeps the default (cacheable by the rules of the browser).
    expect(noStore(await call(admin, 'GET', '/api/admin/audit'))).toBeUndefined()
  })

  it('#11 staff and company names lose control and bidi characters; one line', async () => {
    const op = (await f.login('op5@demo')).me.id
    const r = await call(admin, 'PATCH', `/api/admin/employees/${op}`, {
      name: 'Evil\r\nX-Injected: 1\u001b[31m\u202eTXE\u0085\u2066',
    })
    expect(r.statusCode).toBe(200)
    const list = (await call(admin, 'GET', '/api/admin/employees')).json() as EmployeesAdminResponse
    expect(list.employees.find((e) => e.id === op)?.name).toBe('Evil X-Injected: 1[31mTXE')
    // Only controls: nothing is left, which is no name.
    const empty = await call(admin, 'PATCH', `/api/admin/employees/${op}`, { name: '\u202e\u001b\r\n' })
    expect(empty.json().error.code).toBe('E_VALIDATION')
    const made = await tenantCommand({
      command: 'create',
      tenant: {
        name: 'Good\u202e oC liveE \u001b[31mRED\u001b[0m\nfake line',
        slug: 'ansi',
        seats: 2,
        adminLogin: 'boss',
      },
    })
    expect(made.statusCode).toBe(200)
    expect((made.json() as TenantCommandAnswer).tenant?.name).toBe('Good oC liveE [31mRED[0m fake line')
    const [row] = await f.db.orm
      .select({ name: schema.tenants.name })
      .from(schema.tenants)
      .where(eq(schema.tenants.slug, 'ansi'))
    expect(row?.name).toBe('Good oC liveE [31mRED[0m fake line')
  })

  it('#12 a slug is a DNS label, no punycode, not reserved: E_VALIDATION saying why', async () => {
    for (const slug of [
      'ab-',
      'zq--x',
      'xn--80ak6aa92e',
      'a--b',
      'internal',
      'frontline',
      'admin',
      'www',
      'sip',
    ]) {
      const r = await tenantCommand({
        command: 'create',
        tenant: { name: 'X', slug, seats: 1, adminLogin: 'boss' },
      })
      expect(r.statusCode, slug).toBe(400)
      expect(r.json().error.code, slug).toBe('E_VALIDATION')
      expect(JSON.stringify(r.json().error.details), slug).toMatch(/slug/)
    }
    const ok = await tenantCommand({
      command: 'create',
      tenant: { name: 'Dash', slug: 'a-b2-c', seats: 1, adminLogin: 'boss' },
    })
    expect(ok.statusCode).toBe(200)
  })

  it(`#14 the contact import takes the documented ${CSV_MAX_ROWS} rows (over the app's 64 KB)`, async () => {
    const rows = Array.from(
      { length: CSV_MAX_ROWS },
      (_, i) => `Клиент Номер ${i},+7916${String(1_000_000 + i).padStart(7, '0')},c${i}@example.com,ext-${i}`,
    )
    const csv = ['name,phone,email,external id', ...rows].join('\n')
    expect(Buffer.byteLength(JSON.stringify({ csv }))).toBeGreaterThan(64 * 1024)
    const r = await call(admin, 'POST', '/api/admin/contacts/import/preview', { csv })
    expect(r.statusCode, r.body.slice(0, 200)).toBe(200)
    expect(r.json().good).toBe(CSV_MAX_ROWS)
    // The import itself over 64 KB (fewer, longer rows: 5,000 inserts take minutes on PGlite).
    const long = Array.from(
      { length: 300 },
      (_, i) =>
        `${'Ж'.repeat(90)} ${i},+7917${String(1_000_000 + i).padStart(7, '0')},${'m'.repeat(50)}${i}@example.com,${'x'.repeat(50)}-${i}`,
    )
    const longCsv = ['name,phone,email,external id', ...long].join('\n')
    expect(Buffer.byteLength(JSON.stringify({ csv: longCsv }))).toBeGreaterThan(64 * 1024)
    const done = await call(admin, 'POST', '/api/admin/contacts/import', { csv: longCsv })
    expect(done.statusCode, done.body.slice(0, 200)).toBe(200)
    expect(done.json().created).toBe(300)
    // Nobody's 2 MB is read before the admin is checked; over the limit is still 413.
    const anon = await f.app.inject({
      method: 'POST',
      url: '/api/admin/contacts/import/preview',
      payload: { csv },
    })
    expect(anon.statusCode).toBe(401)
    const huge = await call(admin, 'POST', '/api/admin/contacts/import/preview', {
      csv: 'x'.repeat(2_100_000),
    })
    expect(huge.statusCode).toBe(413)
  }, 120_000)
})
