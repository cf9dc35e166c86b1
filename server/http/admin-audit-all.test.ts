/**
 * Issue 13 §2 "Audit log: every admin change as actor, action, entity, before and after, time": a
 * test generated from the route table. Every mutating /api/admin/* route has a sample request below
 * (the type says so for ApiRoutes, the first test for the routes the app registered); each is sent
 * as the demo admin and must answer 2xx and add exactly one audit row, with the admin as its actor.
 * A failed change (4xx) adds none; the log never holds a secret (channels, CRM).
 */
import { desc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntryView, AuditPage, EmployeesAdminResponse } from '../../contract/admin.ts'
import type { ApiRouteKey } from '../../contract/routes.ts'
import { auditLog } from '../db/schema-people.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'
import { routeTable } from './route-table.ts'

type Mutating = 'POST' | 'PUT' | 'PATCH' | 'DELETE'
/** Every mutating /api/admin route, and the admin-only matrix editor (S2) outside that prefix. */
type AdminMutation = Extract<ApiRouteKey, `${Mutating} /api/admin/${string}`> | 'PUT /api/statuses'

interface Ctx {
  /** Sends as the demo admin; throws on a non-2xx answer (a sample's preparation). */
  ok(method: string, url: string, body?: unknown): Promise<Record<string, unknown>>
  groupId: string
  /** An active demo operator for each sample that edits one (never the same twice). */
  operator(): string
  /** A fresh SMS channel of the tenant. */
  channel(): Promise<string>
}

interface Sample {
  /** Runs before the request (its own rows are not counted); answers the `:id`. */
  prepare?: (c: Ctx) => Promise<string | undefined>
  body?: (c: Ctx, id: string | undefined) => unknown | Promise<unknown>
  /** How many rows it adds when not exactly one, and why. */
  rows?: { count: 0; why: string }
}

let n = 0
const smsChannel = () => ({
  kind: 'sms',
  name: `SMS ${++n}`,
  address: `+7495000${String(n).padStart(4, '0')}`,
  config: { url: 'http://127.0.0.1:9/sms' },
})
const group = () => ({
  name: `Группа ${++n}`,
  extension: String(300 + n),
  strategy: 'parallel',
  ringTimeoutSec: 20,
  takesChats: false,
  memberIds: [],
})
const idOf = (r: Record<string, unknown>, key: string) => (r[key] as { id: string }).id

/** One sample request per mutating admin route: a route added without one fails tsc and the test. */
const SAMPLES: Record<AdminMutation, Sample> = {
  'POST /api/admin/sip/gateway-credentials': { body: () => ({}) },
  'POST /api/admin/templates': { body: () => ({ name: 'Общий', text: 'Текст' }) },
  'PATCH /api/admin/templates/:id': {
    prepare: async (c) =>
      idOf(await c.ok('POST', '/api/admin/templates', { name: 'А', text: 'Б' }), 'template'),
    body: () => ({ name: 'Общий 2', text: 'Другой текст' }),
  },
  'DELETE /api/admin/templates/:id': {
    prepare: async (c) =>
      idOf(await c.ok('POST', '/api/admin/templates', { name: 'В', text: 'Г' }), 'template'),
  },
  'PATCH /api/admin/employees/:id': {
    prepare: async (c) => c.operator(),
    body: () => ({ name: 'Новое Имя', acceptButton: false }),
  },
  'PUT /api/admin/channels/webchat': {
    body: async (c) => {
      const cur = (await c.ok('GET', '/api/admin/channels/webchat')) as { connected: boolean }
      return { connected: !cur.connected, groupIds: [c.groupId] }
    },
  },
  'PUT /api/admin/call-settings': { body: () => ({ transferTimeoutSec: 47 }) },
  'PUT /api/admin/crm-webhook': { body: () => ({ url: 'http://127.0.0.1:9/crm' }) },
  'POST /api/admin/crm-webhook/secret': {
    prepare: async (c) => {
      await c.ok('PUT', '/api/admin/crm-webhook', { url: 'http://127.0.0.1:9/crm' })
      return undefined
    },
  },
  'DELETE /api/admin/crm-webhook': {
    prepare: async (c) => {
      await c.ok('PUT', '/api/admin/crm-webhook', { url: 'http://127.0.0.1:9/crm' })
      return undefined
    },
  },
  'POST /api/admin/channels': { body: () => smsChannel() },
  'POST /api/admin/channels/:id/secret': { prepare: (c) => c.channel() },
  'POST /api/admin/channels/:id/disconnect': { prepare: (c) => c.channel() },
  'PATCH /api/admin/channels/:id': {
    prepare: (c) => c.channel(),
    body: () => ({ name: 'SMS renamed', autoCompleteMinutes: 30 }),
  },
  // Each sample starts with the option on (the template routes need it): this one turns it off.
  'PATCH /api/admin/features': { body: () => ({ omni: false }) },
  'PUT /api/admin/chat-settings': { body: () => ({ transferTimeoutSec: 41, closingText: 'Спасибо!' }) },
  'PUT /api/admin/channels/:id/auto-complete': { prepare: (c) => c.channel(), body: () => ({ minutes: 7 }) },
  'POST /api/admin/groups': { body: () => group() },
  'PUT /api/admin/groups/:id': {
    prepare: async (c) => idOf(await c.ok('POST', '/api/admin/groups', group()), 'group'),
    body: () => ({ ...group(), strategy: 'sequential' }),
  },
  'DELETE /api/admin/groups/:id': {
    prepare: async (c) => idOf(await c.ok('POST', '/api/admin/groups', group()), 'group'),
  },
  'POST /api/admin/numbers': {
    body: (c) => ({
      number: '+74951112233',
      name: 'Продажи',
      source: 'сайт',
      target: { kind: 'group', id: c.groupId },
    }),
  },
  'PUT /api/admin/numbers/:id': {
    prepare: async (c) =>
      idOf(
        await c.ok('POST', '/api/admin/numbers', {
          number: '+74951112244',
          name: 'Б',
          source: '',
          target: { kind: 'group', id: c.groupId },
        }),
        'number',
      ),
    body: (c) => ({
      number: '+74951112244',
      name: 'Сервис',
      source: 'Директ',
      target: { kind: 'group', id: c.groupId },
    }),
  },
  'DELETE /api/admin/numbers/:id': {
    prepare: async (c) =>
      idOf(
        await c.ok('POST', '/api/admin/numbers', {
          number: '+74951112255',
          name: 'В',
          source: '',
          target: { kind: 'group', id: c.groupId },
        }),
        'number',
      ),
  },
  'PUT /api/admin/crm-cards': {
    body: () => ({ templates: [{ name: 'CRM', url: 'https://crm.example.com/c?phone={phone}' }] }),
  },
  'POST /api/admin/employees': {
    body: () => ({ name: 'Новый Оператор', login: 'newop@demo', role: 'operator' }),
  },
  'POST /api/admin/employees/:id/password': { prepare: async (c) => c.operator() },
  'POST /api/admin/employees/:id/deactivate': { prepare: async (c) => c.operator() },
  'POST /api/admin/employees/:id/reactivate': {
    prepare: async (c) => {
      const id = c.operator()
      await c.ok('POST', `/api/admin/employees/${id}/deactivate`)
      return id
    },
  },
  'POST /api/admin/contacts/import/preview': {
    body: () => ({ csv: 'name,phone\nИван,+79161234567\n' }),
    rows: { count: 0, why: 'a preview reads the file and changes nothing' },
  },
  'POST /api/admin/contacts/import': {
    body: () => ({ csv: 'name,phone\nИван,+79161234567\nПётр,+79161234568\n' }),
  },
  'POST /api/admin/crm-contacts/secret': {},
  'PUT /api/statuses': {
    body: async (c) => {
      const { matrix } = (await c.ok('GET', '/api/statuses')) as { matrix: { color: string }[] }
      return {
        matrix: matrix.map((x, i) =>
          i === 0 ? { ...x, color: x.color === '#123456' ? '#654321' : '#123456' } : x,
        ),
      }
    },
  },
  // Last: a CRM's book refuses the import above.
  'PUT /api/admin/crm-contacts': {
    prepare: async (c) => {
      await c.ok('POST', '/api/admin/crm-contacts/secret')
      return undefined
    },
    body: () => ({ readOnly: true }),
  },
}

describe.each(targets)('every admin change is audited on $name', (target) => {
  let f: Fixture
  let admin = ''
  let adminId = ''
  let ctx: Ctx
  beforeAll(async () => {
    f = await makeFixture(target)
    const me = await f.login('admin@demo')
    admin = me.token
    adminId = me.me.id
    const operators = (
      (await ok('GET', '/api/admin/employees')) as unknown as EmployeesAdminResponse
    ).employees
      .filter((e) => e.role === 'operator' && e.active)
      .map((e) => e.id)
    const groups = (await ok('GET', '/api/admin/groups')) as { groups: { id: string }[] }
    ctx = {
      ok,
      groupId: groups.groups[0]?.id ?? '',
      operator: () => {
        const id = operators.shift()
        if (!id) throw new Error('no demo operator left')
        return id
      },
      channel: async () => idOf(await ok('POST', '/api/admin/channels', smsChannel()), 'channel'),
    }
  })
  afterAll(() => f.close())

  const send = (method: string, url: string, body?: unknown) =>
    f.app.inject({
      method: method as 'GET',
      url,
      headers: auth(admin),
      ...(body === undefined ? {} : { payload: body as object }),
    })
  async function ok(method: string, url: string, body?: unknown) {
    const r = await send(method, url, body)
    if (r.statusCode >= 300) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`)
    return (r.body ? r.json() : {}) as Record<string, unknown>
  }
  const rows = () => f.db.orm.select().from(auditLog)

  it('every mutating /api/admin route (and every admin-only one) the app registers has a sample', () => {
    const registered = routeTable(f.app)
      .filter(
        (r) =>
          /^(POST|PUT|PATCH|DELETE)$/.test(r.method) &&
          (r.url.startsWith('/api/admin/') || r.auth === 'admin'),
      )
      .map((r) => `${r.method} ${r.url}`)
    expect(registered.length).toBeGreaterThan(20)
    expect(registered.filter((k) => !(k in SAMPLES))).toEqual([])
  })

  it.each(Object.entries(SAMPLES))(
    '%s answers 2xx and adds its audit row, the admin its actor',
    async (key, s) => {
      const [method, path] = key.split(' ') as [string, string]
      await ok('PATCH', '/api/admin/features', { omni: true })
      const id = s.prepare ? await s.prepare(ctx) : undefined
      const url = path.replace(':id', id ?? '')
      const before = await rows()
      const r = await send(method, url, s.body ? await s.body(ctx, id) : undefined)
      expect(r.statusCode, r.body).toBeGreaterThanOrEqual(200)
      expect(r.statusCode, r.body).toBeLessThan(300)
      const seen = new Set(before.map((x) => x.id))
      const added = (await rows()).filter((x) => !seen.has(x.id))
      expect(added).toHaveLength(s.rows?.count ?? 1)
      for (const a of added) {
        expect(a.actorId).toBe(adminId)
        expect(a.before ?? a.after).not.toBeNull()
      }
    },
  )

  it('a failed change (4xx) writes no audit row: the change and its row share one transaction', async () => {
    const channel = await ctx.channel()
    const before = (await rows()).length
    const bad = [
      await send('PATCH', `/api/admin/channels/${channel}`, { config: { url: 'ftp://nowhere' } }),
      await send('PUT', '/api/admin/channels/webchat', {
        connected: true,
        groupIds: ['00000000-0000-4000-8000-000000000000'],
      }),
      await send('PUT', `/api/admin/channels/${f.otherTenantId}/auto-complete`, { minutes: 5 }),
      await send('PUT', '/api/admin/crm-contacts', { readOnly: 'yes' }),
    ]
    for (const r of bad) expect(r.statusCode, r.body).toBeGreaterThanOrEqual(400)
    for (const r of bad) expect(r.statusCode, r.body).toBeLessThan(500)
    expect((await rows()).length).toBe(before)
  })

  it("the website chat's row names its groups (ids are not shown on the Audit page)", async () => {
    const { groups } = (await ok('GET', '/api/admin/groups')) as { groups: { id: string; name: string }[] }
    const cur = (await ok('GET', '/api/admin/channels/webchat')) as { connected: boolean }
    await ok('PUT', '/api/admin/channels/webchat', {
      connected: !cur.connected,
      groupIds: groups.map((g) => g.id),
    })
    const [row] = await f.db.orm
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'webchat.update'))
      .orderBy(desc(auditLog.at))
      .limit(1)
    expect(row?.after).toMatchObject({ connected: !cur.connected, groups: groups.map((g) => g.name) })
  })

  it('a PUT of the same value writes no row (nothing changed)', async () => {
    await ok('PUT', '/api/admin/call-settings', { transferTimeoutSec: 33 })
    const before = (await rows()).length
    await ok('PUT', '/api/admin/call-settings', { transferTimeoutSec: 33 })
    expect((await rows()).length).toBe(before)
  })

  it('the log holds no secret after connect, rotate and the CRM secrets — only their masked hints', async () => {
    const secrets: string[] = []
    const made = await ok('POST', '/api/admin/channels', {
      kind: 'whatsapp',
      name: 'WhatsApp',
      address: '+74957770011',
      config: {
        phoneNumberId: '1234567890',
        accessToken: 'EAAGaccess0token0that0is0long0enough',
        appSecret: 'app0secret0of0meta0long0enough',
      },
    })
    secrets.push(
      String(made.secret),
      'EAAGaccess0token0that0is0long0enough',
      'app0secret0of0meta0long0enough',
    )
    const id = idOf(made, 'channel')
    const rotated = await ok('POST', `/api/admin/channels/${id}/secret`)
    secrets.push(String(rotated.secret))
    secrets.push(
      String((await ok('PUT', '/api/admin/crm-webhook', { url: 'http://127.0.0.1:9/crm' })).secret),
    )
    secrets.push(String((await ok('POST', '/api/admin/crm-contacts/secret')).secret))
    const gw = await ok('POST', '/api/admin/sip/gateway-credentials', {})
    secrets.push(String(gw.password))
    const log = JSON.stringify(await rows())
    for (const s of secrets) {
      expect(s.length).toBeGreaterThan(8)
      expect(log).not.toContain(s)
    }
    // What the page shows instead: the hint changed on rotation.
    const page = (await ok('GET', `/api/admin/audit?entity=channel&entityId=${id}`)) as unknown as AuditPage
    const rotation = page.entries.find((e: AuditEntryView) => e.action === 'channel.secret')
    expect(rotation?.before?.secretHint).toMatch(/^••••/)
    expect(rotation?.after?.secretHint).toMatch(/^••••/)
    expect(rotation?.after?.secretHint).not.toBe(rotation?.before?.secretHint)
    expect(rotation?.after?.config).toMatchObject({ accessToken: expect.stringMatching(/^••••/) })
    const crm = (await f.db.orm.select().from(auditLog).where(eq(auditLog.action, 'crm_contacts.secret')))[0]
    expect(crm?.after).toMatchObject({ secretHint: expect.stringMatching(/^••••/) })
  })
})
