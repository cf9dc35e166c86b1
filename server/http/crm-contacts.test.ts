/**
 * Issue 12 §6, K3: a CRM pushes contacts to a signed endpoint (upsert by external id); a bad
 * signature, a replay, a stale timestamp and another tenant's key are refused; a tenant whose book is
 * the CRM's refuses the app's client edits with E_CONTACTS_READ_ONLY.
 */
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CrmContactsSecret } from '../../contract/contact-import.ts'
import { frontlineHeaders } from '../channels/gateway/frontline.ts'
import { schema } from '../db/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

describe.each(targets)('K3 CRM push on $name', (target) => {
  let f: Fixture
  let admin = ''
  let op = ''
  let otherAdmin = ''
  let tenantId = ''
  let mine: CrmContactsSecret
  beforeAll(async () => {
    f = await makeFixture(target)
    const a = await f.login('admin@demo')
    admin = a.token
    tenantId = a.me.tenantId
    op = (await f.login('op1@demo')).token
    otherAdmin = (await f.login('op1@other')).token
    mine = (
      await f.app.inject({ method: 'POST', url: '/api/admin/crm-contacts/secret', headers: auth(admin) })
    ).json()
  })
  afterAll(() => f.close())

  const push = (
    path: string,
    secret: string,
    body: unknown,
    now = Date.now(),
    headers?: Record<string, string>,
  ) => {
    const raw = JSON.stringify(body)
    return f.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/json', ...(headers ?? frontlineHeaders(secret, raw, now)) },
      payload: raw,
    })
  }
  const byExt = async (tid: string, ext: string) =>
    f.db.orm
      .select()
      .from(schema.contacts)
      .where(and(eq(schema.contacts.tenantId, tid), eq(schema.contacts.externalId, ext)))

  it('the secret is shown once; a signed push upserts by external id', async () => {
    expect(mine.secret.length).toBeGreaterThan(30)
    expect(mine.path).toMatch(/^\/api\/hooks\/crm-contacts\/[A-Za-z0-9_-]{16,64}$/)
    const view = (
      await f.app.inject({ method: 'GET', url: '/api/admin/crm-contacts', headers: auth(admin) })
    ).json()
    expect(view).toEqual({ path: mine.path, readOnly: false })
    const one = { contacts: [{ externalId: 'crm-77', name: 'Pushed', phones: ['+7 916 770-00-77'] }] }
    const r = await push(mine.path, mine.secret, one)
    expect(r.statusCode).toBe(200)
    expect(r.json()).toEqual({ created: 1, updated: 0 })
    const two = { contacts: [{ externalId: 'crm-77', name: 'Pushed Again', emails: ['P@Example.com'] }] }
    expect((await push(mine.path, mine.secret, two)).json()).toEqual({ created: 0, updated: 1 })
    const rows = await byExt(tenantId, 'crm-77')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ name: 'Pushed Again', phones: [], emails: ['p@example.com'] })
  })

  it('refuses a bad signature, a replay, a stale timestamp, an unknown key and bad input', async () => {
    const body = { contacts: [{ externalId: 'crm-bad', name: 'Nope' }] }
    const raw = JSON.stringify(body)
    expect((await push(mine.path, 'wrong-secret', body)).json().error.code).toBe('E_BAD_SIGNATURE')
    const headers = frontlineHeaders(mine.secret, raw)
    expect((await push(mine.path, mine.secret, body, 0, headers)).statusCode).toBe(200)
    expect((await push(mine.path, mine.secret, body, 0, headers)).json().error.code).toBe('E_REPLAYED')
    const stale = await push(mine.path, mine.secret, body, Date.now() - 10 * 60_000)
    expect(stale.json().error.code).toBe('E_REPLAYED')
    expect((await push('/api/hooks/crm-contacts/AAAAAAAAAAAAAAAAAAAA', mine.secret, body)).statusCode).toBe(
      404,
    )
    const nul = { contacts: [{ externalId: 'x\u0000', name: 'Nul' }] }
    expect((await push(mine.path, mine.secret, nul)).statusCode).toBe(400)
    const badPhone = { contacts: [{ externalId: 'crm-bp', name: 'Bad', phones: ['12'] }] }
    expect((await push(mine.path, mine.secret, badPhone)).statusCode).toBe(400)
    expect(await byExt(tenantId, 'crm-bp')).toEqual([])
  })

  it("another tenant's key writes only that tenant; my secret does not sign for it", async () => {
    const theirs = (
      await f.app.inject({ method: 'POST', url: '/api/admin/crm-contacts/secret', headers: auth(otherAdmin) })
    ).json() as CrmContactsSecret
    const body = { contacts: [{ externalId: 'crm-x', name: 'Theirs' }] }
    expect((await push(theirs.path, mine.secret, body)).json().error.code).toBe('E_BAD_SIGNATURE')
    expect((await push(theirs.path, theirs.secret, body)).statusCode).toBe(200)
    expect(await byExt(tenantId, 'crm-x')).toEqual([])
  })

  it("a CRM's book is read-only in the app: edits refused with E_CONTACTS_READ_ONLY; operators cannot set it", async () => {
    const put = (readOnly: boolean, token = admin) =>
      f.app.inject({
        method: 'PUT',
        url: '/api/admin/crm-contacts',
        headers: auth(token),
        payload: { readOnly },
      })
    expect((await put(true, op)).statusCode).toBe(403)
    expect((await put(true)).json()).toEqual({ path: mine.path, readOnly: true })
    const add = () =>
      f.app.inject({
        method: 'POST',
        url: '/api/contacts/clients',
        headers: auth(op),
        payload: { name: 'Hand Made', phone: '+79167770001' },
      })
    const refused = await add()
    expect(refused.statusCode).toBe(409)
    expect(refused.json().error.code).toBe('E_CONTACTS_READ_ONLY')
    const [c] = await byExt(tenantId, 'crm-77')
    const more = await f.app.inject({
      method: 'POST',
      url: `/api/contacts/clients/${c!.id}/contacts`,
      headers: auth(op),
      payload: { phone: '+79167770002' },
    })
    expect(more.json().error.code).toBe('E_CONTACTS_READ_ONLY')
    const csv = await f.app.inject({
      method: 'POST',
      url: '/api/admin/contacts/import',
      headers: auth(admin),
      payload: { csv: 'name,phone\nCsv Into Crm,+79167770003\n' },
    })
    expect(csv.json().error.code).toBe('E_CONTACTS_READ_ONLY')
    // The CRM itself still writes.
    const body = { contacts: [{ externalId: 'crm-78', name: 'Still Pushed' }] }
    expect((await push(mine.path, mine.secret, body)).statusCode).toBe(200)
    await put(false)
    expect((await add()).statusCode).toBe(201)
  })

  it("an operator reads whether the book is the CRM's on GET /api/me (the app says so)", async () => {
    const readOnly = async () =>
      (await f.app.inject({ method: 'GET', url: '/api/me', headers: auth(op) })).json().me.contactsReadOnly
    const put = (value: boolean) =>
      f.app.inject({
        method: 'PUT',
        url: '/api/admin/crm-contacts',
        headers: auth(admin),
        payload: { readOnly: value },
      })
    expect(await readOnly()).toBe(false)
    await put(true)
    expect(await readOnly()).toBe(true)
    // Another tenant's book is its own.
    expect(
      (await f.app.inject({ method: 'GET', url: '/api/me', headers: auth(otherAdmin) })).json().me
        .contactsReadOnly,
    ).toBe(false)
    await put(false)
    expect(await readOnly()).toBe(false)
  })
})
