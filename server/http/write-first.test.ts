/**
 * T10 write first: Find normalises the address (libphonenumber-js E.164, lower-case e-mail, @name)
 * and offers only connected channels that may write first to it; send opens the chat in the writer's
 * In work, finds or creates the address-book client, queues the channel's delivery job, and never
 * opens a second chat with a client who has one open on that channel. T6: the chat's info.
 */
import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jobByKey, schema } from '../db/index.ts'
import { connectChannel } from '../domain/channels/index.ts'
import { DELIVER_JOB } from '../domain/chats/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

describe.each(targets)('write first on $name', (target) => {
  let f: Fixture
  let admin: string
  let op: string
  let demoId: string
  const ch: Record<string, string> = {}
  beforeAll(async () => {
    f = await makeFixture(target)
    admin = (await f.login('admin@demo')).token
    const me = await f.login('op1@demo')
    op = me.token
    demoId = me.me.tenantId
    const groups = await f.db.orm.select().from(schema.groups).where(eq(schema.groups.tenantId, demoId))
    // Channels of our own (the seed's may change): a distribution of one group on WhatsApp.
    for (const [kind, config] of [
      [
        'whatsapp',
        { phoneNumberId: '555', accessToken: 'tok-wa', appSecret: 'app', groupIds: [groups[0]?.id] },
      ],
      ['sms', { url: 'http://127.0.0.1:9/sms' }],
      ['email', {}],
      ['telegram_bot', { token: '123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345' }],
      ['telegram', { url: 'http://127.0.0.1:9/tg' }],
    ] as const)
      ch[kind] = (
        await connectChannel(f.db.orm, demoId, {
          kind,
          name: `Мой ${kind}`,
          // An e-mail channel's address is at the tenant's own domain (probe 12 #4).
          address: kind === 'email' ? 'write-first@demo.frontline.local' : `addr-${kind}`,
          config,
        })
      ).channel.id
  })
  afterAll(() => f.close())

  // A lone surrogate cannot be URI-encoded: it is sent as the bytes a broken client would send.
  const enc = (s: string) => (s === '\ud800' ? '%ED%A0%80' : encodeURIComponent(s))
  const find = (token: string, address: string) =>
    f.app.inject({ url: `/api/chats/write-first?address=${enc(address)}`, headers: auth(token) })
  const send = (token: string, body: Record<string, unknown>) =>
    f.app.inject({
      method: 'POST',
      url: '/api/chats/write-first',
      headers: auth(token),
      payload: { clientMsgId: randomUUID(), text: 'Здравствуйте!', ...body },
    })

  it('Find: a phone in any local format → E.164 and the phone channels that may write first', async () => {
    for (const typed of ['8 (912) 345-67-89', '+7 912 345 67 89', '9123456789']) {
      const r = await find(op, typed)
      expect(r.statusCode, typed).toBe(200)
      const body = r.json()
      expect(body).toMatchObject({ address: '+79123456789', addressKind: 'phone' })
      const ids = body.channels.map((c: { id: string }) => c.id)
      for (const k of ['whatsapp', 'sms', 'telegram']) expect(ids).toContain(ch[k])
      expect(ids).not.toContain(ch.email)
      expect(ids).not.toContain(ch.telegram_bot) // a bot cannot write first
      for (const c of body.channels) expect(['whatsapp', 'sms', 'telegram']).toContain(c.kind)
    }
  })

  it('Find: an e-mail → lower case and e-mail channels; a @username → Telegram', async () => {
    const e = (await find(op, ' Client@Example.COM ')).json()
    expect(e).toMatchObject({ address: 'client@example.com', addressKind: 'email' })
    expect(e.channels.map((c: { kind: string }) => c.kind)).toEqual(expect.arrayContaining(['email']))
    expect(e.channels.every((c: { kind: string }) => c.kind === 'email')).toBe(true)
    const u = (await find(op, '@Ivan_Petrov')).json()
    expect(u).toMatchObject({ address: '@ivan_petrov', addressKind: 'username' })
    expect(u.channels.map((c: { id: string }) => c.id)).toEqual([ch.telegram])
  })

  it('Find: what is no address, NUL and broken Unicode are E_VALIDATION', async () => {
    for (const bad of [
      '123',
      'hello',
      'a@b',
      '@x',
      '+7 912 345 67 89 0000',
      '+7912\u00003456789',
      '\ud800',
      'x'.repeat(400),
      '',
    ]) {
      const r = await find(op, bad)
      expect(r.statusCode, JSON.stringify(bad)).toBe(400)
      expect(r.json().error.code).toBe('E_VALIDATION')
    }
  })

  it('send over WhatsApp: the chat opens in my In work, the client is created, the delivery job is queued', async () => {
    const r = await send(op, {
      channelId: ch.whatsapp,
      address: '8 916 111-22-33',
      clientName: 'Новый клиент',
    })
    expect(r.statusCode).toBe(201)
    const { chat, message, created } = r.json()
    expect(created).toBe(true)
    expect(chat).toMatchObject({ state: 'active', channel: 'whatsapp', clientPhone: '+79161112233' })
    const me = (await f.app.inject({ url: '/api/me', headers: auth(op) })).json().me
    expect(chat.assigneeId).toBe(me.id)
    expect(message).toMatchObject({ author: 'operator', text: 'Здравствуйте!', n: 1 })
    const [row] = await f.db.orm.select().from(schema.chats).where(eq(schema.chats.id, chat.id))
    expect(row?.clientAddress).toBe('+79161112233')
    expect(row?.channelId).toBe(ch.whatsapp)
    const [client] = await f.db.orm
      .select()
      .from(schema.contacts)
      .where(and(eq(schema.contacts.tenantId, demoId), eq(schema.contacts.id, chat.contactId)))
    expect(client).toMatchObject({ name: 'Новый клиент', phones: ['+79161112233'] })
    expect((await jobByKey(f.db.orm, DELIVER_JOB, message.id))?.payload).toMatchObject({
      messageId: message.id,
    })
    // It is in my In work list.
    const active = (await f.app.inject({ url: '/api/chats?tab=active', headers: auth(op) })).json()
    expect(active.chats.map((c: { id: string }) => c.id)).toContain(chat.id)
  })

  it('the same client again on that channel: the open chat is returned (and written in), no second chat or client', async () => {
    const a = (await send(op, { channelId: ch.whatsapp, address: '+7 (916) 222-33-44' })).json()
    const b = await send(op, { channelId: ch.whatsapp, address: '89162223344', text: 'Второе' })
    expect(b.statusCode).toBe(200)
    expect(b.json()).toMatchObject({
      created: false,
      chat: { id: a.chat.id },
      message: { n: 2, text: 'Второе' },
    })
    const clients = await f.db.orm.select().from(schema.contacts).where(eq(schema.contacts.tenantId, demoId))
    expect(clients.filter((c) => c.phones.includes('+79162223344'))).toHaveLength(1)
    // Someone else's open chat with the client: shown, nothing sent.
    const other = (await f.login('op2@demo')).token
    const c = await send(other, { channelId: ch.whatsapp, address: '+79162223344', text: 'Чужое' })
    expect(c.statusCode).toBe(200)
    expect(c.json()).toMatchObject({ created: false, message: null, chat: { id: a.chat.id } })
  })

  it('an address-book client is found by the normalised number', async () => {
    const [known] = await f.db.orm
      .insert(schema.contacts)
      .values({
        tenantId: demoId,
        name: 'Известный Клиент',
        phones: ['+79163334455'],
        emails: ['known@example.com'],
      })
      .returning()
    const r = (await send(op, { channelId: ch.sms, address: '8-916-333-44-55' })).json()
    expect(r.chat.contactId).toBe(known?.id)
    expect(r.chat.clientName).toBe('Известный Клиент')
    const e = (await send(op, { channelId: ch.email, address: 'KNOWN@example.com' })).json()
    expect(e.chat).toMatchObject({ contactId: known?.id, clientEmail: 'known@example.com', channel: 'email' })
  })

  it('a retry with the same clientMsgId returns the stored message: one message, one job', async () => {
    const clientMsgId = randomUUID()
    const a = (await send(op, { channelId: ch.sms, address: '+79165556677', clientMsgId })).json()
    const b = (await send(op, { channelId: ch.sms, address: '+79165556677', clientMsgId })).json()
    expect(b.message.id).toBe(a.message.id)
    expect(b.chat.messageCount).toBe(1)
    // The same id with another channel or address is not a retry: refused, not answered with the old send.
    for (const other of [
      { channelId: ch.whatsapp, address: '+79165556677' },
      { channelId: ch.sms, address: '+79165556678' },
    ]) {
      const r = await send(op, { ...other, clientMsgId })
      expect(r.statusCode).toBe(400)
      expect(r.json().error.code).toBe('E_VALIDATION')
    }
  })

  it('E_CHANNEL_CAPABILITY for a channel that cannot write first to that address', async () => {
    for (const [channel, address] of [
      ['telegram_bot', '+79161234567'],
      ['whatsapp', 'client@example.com'],
      ['email', '+79161234567'],
      ['sms', '@ivan_petrov'],
    ] as const) {
      const r = await send(op, { channelId: ch[channel], address })
      expect(r.statusCode, channel).toBe(422)
      expect(r.json().error.code).toBe('E_CHANNEL_CAPABILITY')
    }
  })

  it("a disconnected channel is E_CHANNEL_OFF; another tenant's channel E_NOT_FOUND", async () => {
    const gone = await connectChannel(f.db.orm, demoId, {
      kind: 'sms',
      name: 'Старый SMS',
      config: { url: 'http://127.0.0.1:9/sms' },
    })
    await f.app.inject({
      method: 'POST',
      url: `/api/admin/channels/${gone.channel.id}/disconnect`,
      headers: auth(admin),
    })
    const off = await send(op, { channelId: gone.channel.id, address: '+79161234567' })
    expect(off.json().error.code).toBe('E_CHANNEL_OFF')
    expect((await find(op, '+79161234567')).json().channels.map((c: { id: string }) => c.id)).not.toContain(
      gone.channel.id,
    )
    const theirs = await connectChannel(f.db.orm, f.otherTenantId, {
      kind: 'sms',
      name: 'Чужой SMS',
      config: { url: 'http://127.0.0.1:9/sms' },
    })
    const r = await send(op, { channelId: theirs.channel.id, address: '+79161234567' })
    expect(r.statusCode).toBe(404)
    expect(r.body).not.toContain('Чужой SMS')
    expect((await find(op, '+79161234567')).body).not.toContain(theirs.channel.id)
  })

  it('bad bodies: NUL, broken Unicode, unknown fields, an empty text → E_VALIDATION', async () => {
    for (const body of [
      { channelId: ch.sms, address: '+79161234567', text: 'a\u0000' },
      { channelId: ch.sms, address: '+79161234567', text: '\udc00' },
      { channelId: ch.sms, address: '+79161234567', text: '' },
      { channelId: ch.sms, address: '+79161234567', extra: 1 },
      { channelId: 'nope', address: '+79161234567' },
      { channelId: ch.sms, address: '+7916\u00001234567' },
    ]) {
      const r = await send(op, body)
      expect(r.statusCode, JSON.stringify(body)).toBe(400)
      expect(r.json().error.code).toBe('E_VALIDATION')
    }
  })

  it('T6 info: the channel account and the client address; another tenant gets 404', async () => {
    const { chat } = (await send(op, { channelId: ch.whatsapp, address: '+79167778899' })).json()
    const r = await f.app.inject({ url: `/api/chats/${chat.id}/info`, headers: auth(op) })
    expect(r.statusCode).toBe(200)
    expect(r.json()).toEqual({
      requestInfo: null,
      channel: { kind: 'whatsapp', name: 'Мой whatsapp', address: 'addr-whatsapp' },
      clientAddress: '+79167778899',
    })
    const other = (await f.login('op1@other')).token
    expect((await f.app.inject({ url: `/api/chats/${chat.id}/info`, headers: auth(other) })).statusCode).toBe(
      404,
    )
  })
})
