/**
 * Issue 12 §6, K3: the admin's CSV import — a preview writes nothing; the import upserts the good rows
 * (by external id, else by a number the client already has) into the admin's tenant only, and every
 * address book hears `client.updated`. Operators are refused; NUL and broken Unicode are refused.
 */
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ImportPreview } from '../../contract/contact-import.ts'
import { eventsSince, lastSeq, schema } from '../db/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

describe.each(targets)('K3 CSV import on $name', (target) => {
  let f: Fixture
  let admin = ''
  let op = ''
  let tenantId = ''
  beforeAll(async () => {
    f = await makeFixture(target)
    const a = await f.login('admin@demo')
    admin = a.token
    tenantId = a.me.tenantId
    op = (await f.login('op1@demo')).token
  })
  afterAll(() => f.close())

  const post = (url: string, csv: unknown, token = admin) =>
    f.app.inject({ method: 'POST', url, headers: auth(token), payload: { csv } })
  const clients = () => f.db.orm.select().from(schema.contacts).where(eq(schema.contacts.tenantId, tenantId))

  it('K3 preview writes nothing; import upserts the good rows and skips the bad one', async () => {
    const [old] = await f.db.orm
      .insert(schema.contacts)
      .values({ tenantId, name: 'Old Name', phones: ['+7 916 700-00-01'], emails: [] })
      .returning()
    const csv = [
      'name,phone,email,external id',
      'Renamed By Number,+79167000001,renamed@example.com,ext-1',
      'Fresh Client,+79167000002,,ext-2',
      'Bad Row,not a number,,ext-3',
    ].join('\n')
    const before = (await clients()).length
    const pre = await post('/api/admin/contacts/import/preview', csv)
    expect(pre.statusCode).toBe(200)
    const p = pre.json() as ImportPreview
    expect(p.rows.map((r) => r.errors)).toEqual([[], [], ['phone_invalid']])
    expect((await clients()).length).toBe(before)

    const seq = await lastSeq(f.db.orm, tenantId)
    const done = await post('/api/admin/contacts/import', csv)
    expect(done.statusCode).toBe(200)
    expect(done.json()).toMatchObject({ created: 1, updated: 1, good: 2, bad: 1 })
    const [renamed] = await f.db.orm.select().from(schema.contacts).where(eq(schema.contacts.id, old!.id))
    expect(renamed).toMatchObject({
      name: 'Renamed By Number',
      phones: ['+7 916 700-00-01'],
      emails: ['renamed@example.com'],
      externalId: 'ext-1',
    })
    const events = (await eventsSince(f.db.orm, tenantId, seq, 100)).filter(
      (e) => e.type === 'client.updated',
    )
    expect(events).toHaveLength(2)

    // Again with the external id and a new number: the same client, now with both numbers.
    const again = await post(
      '/api/admin/contacts/import',
      'name,phone,external id\nBy Id,+79167000003,ext-1\n',
    )
    expect(again.json()).toMatchObject({ created: 0, updated: 1 })
    const [byId] = await f.db.orm
      .select()
      .from(schema.contacts)
      .where(and(eq(schema.contacts.tenantId, tenantId), eq(schema.contacts.externalId, 'ext-1')))
    expect(byId).toMatchObject({ id: old!.id, name: 'By Id', phones: ['+7 916 700-00-01', '+79167000003'] })
    expect((await clients()).length).toBe(before + 1)
  })

  it('the same external id in another tenant is another client', async () => {
    const other = (await f.login('op1@other')).me.tenantId
    const [theirs] = await f.db.orm
      .insert(schema.contacts)
      .values({ tenantId: other, name: 'Theirs', phones: ['+79167000009'], externalId: 'shared-ext' })
      .returning()
    const r = await post(
      '/api/admin/contacts/import',
      'name,phone,external id\nOurs,+79167000009,shared-ext\n',
    )
    expect(r.json()).toMatchObject({ created: 1, updated: 0 })
    const [still] = await f.db.orm.select().from(schema.contacts).where(eq(schema.contacts.id, theirs!.id))
    expect(still?.name).toBe('Theirs')
  })

  it('refuses operators, NUL, broken Unicode, an oversize file and a file without names', async () => {
    expect((await post('/api/admin/contacts/import', 'name\nx\n', op)).statusCode).toBe(403)
    expect((await post('/api/admin/contacts/import/preview', 'name\nx\n', op)).statusCode).toBe(403)
    const before = (await clients()).length
    for (const csv of ['name,phone\nA\u0000B,+79167000011\n', 'name,phone\nA\uD800B,+79167000012\n', '', 5]) {
      const r = await post('/api/admin/contacts/import', csv)
      expect(r.statusCode).toBe(400)
      expect(r.json().error.code).toBe('E_VALIDATION')
    }
    const huge = await post('/api/admin/contacts/import', `name\n${'x'.repeat(500_001)}`)
    expect([400, 413]).toContain(huge.statusCode)
    const noName = await post('/api/admin/contacts/import', 'phone\n+79167000013\n')
    expect(noName.json().error.code).toBe('E_CSV_INVALID')
    expect((await clients()).length).toBe(before)
  })
})
