/**
 * SPEC K2: the client card's timeline — his calls (linked, or from one of his numbers) and chats
 * (linked, or by his phone or e-mail) in one list, newest first; another tenant's client is 404.
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TimelineResponse } from '../../contract/timeline.ts'
import { schema } from '../db/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

describe.each(targets)('K2 the client timeline on $name', (target) => {
  let f: Fixture
  let op = ''
  let tenantId = ''
  beforeAll(async () => {
    f = await makeFixture(target)
    const o = await f.login('op1@demo')
    op = o.token
    tenantId = o.me.tenantId
  })
  afterAll(() => f.close())

  const get = (url: string) => f.app.inject({ method: 'GET', url, headers: auth(op) })

  it('K2 the card shows calls and chats in one timeline, newest first', async () => {
    const [client] = await f.db.orm
      .insert(schema.contacts)
      .values({ tenantId, name: 'Timeline Client', phones: ['+7 916 555-00-11'], emails: ['tl@example.com'] })
      .returning()
    const id = client!.id
    const t = (h: number) => new Date(Date.UTC(2026, 10, 20, h))
    const call = (sip: string, peer: string, h: number, contactId: string | null = null) => ({
      tenantId,
      sipCallId: sip,
      direction: 'in' as const,
      state: 'ended' as const,
      callerUser: peer,
      fromNumber: peer,
      toNumber: '+74951204560',
      peerNumber: peer,
      peerDigits: peer.replace(/\D/g, ''),
      startedAt: t(h),
      durationSec: 42,
      contactId,
    })
    const [byNumber] = await f.db.orm
      .insert(schema.calls)
      .values(call('tl-1', '+79165550011', 9))
      .returning()
    const [linked] = await f.db.orm
      .insert(schema.calls)
      .values(call('tl-2', '+70000000000', 12, id))
      .returning()
    await f.db.orm.insert(schema.calls).values(call('tl-3', '+79160000999', 13)) // someone else
    const [byEmail] = await f.db.orm
      .insert(schema.chats)
      .values({
        tenantId,
        channel: 'email',
        state: 'completed',
        clientEmail: 'TL@example.com',
        createdAt: t(10),
        completedAt: t(11),
      })
      .returning()
    const [byPhone] = await f.db.orm
      .insert(schema.chats)
      .values({ tenantId, channel: 'whatsapp', state: 'new', clientPhone: '+79165550011', createdAt: t(14) })
      .returning()
    const r = await get(`/api/contacts/clients/${id}/timeline`)
    expect(r.statusCode).toBe(200)
    const { items } = r.json() as TimelineResponse
    expect(items.map((x) => [x.kind, x.id])).toEqual([
      ['chat', byPhone!.id],
      ['call', linked!.id],
      ['chat', byEmail!.id],
      ['call', byNumber!.id],
    ])
    expect(items[3]).toMatchObject({ direction: 'in', number: '+79165550011', durationSec: 42 })
    expect(items[0]).toMatchObject({ channel: 'whatsapp', state: 'new' })
  })

  it('K2 another tenant’s client, an unknown id, a broken id → refused', async () => {
    expect((await get(`/api/contacts/clients/${f.otherClientId}/timeline`)).statusCode).toBe(404)
    expect(
      (await get('/api/contacts/clients/00000000-0000-4000-8000-000000000000/timeline')).statusCode,
    ).toBe(404)
    expect((await get('/api/contacts/clients/x/timeline')).statusCode).toBe(400)
    const [other] = await f.db.orm
      .select({ id: schema.contacts.id })
      .from(schema.contacts)
      .where(eq(schema.contacts.id, f.otherClientId))
    expect(other).toBeTruthy()
  })
})
