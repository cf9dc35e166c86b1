/**
 * Messengers and SMS (issue 8 §3): each provider's webhook replayed with payloads shaped like its
 * documented samples, and its send calls captured by the provider stand-in. Per provider: a good
 * signature is stored, a bad or missing one is 401 with nothing stored, a repeat of a provider id is
 * stored once, receipts move the message's state, and what goes out has the provider's shape.
 */
import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hmacHex } from '../../channels/webhooks.ts'
import { schema } from '../../db/index.ts'
import { setStatus } from '../../domain/status/index.ts'
import { connectTestChannel, type TestChannel } from '../../test/channels.ts'
import { targets } from '../../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../../test/fixture.ts'
import { type ProviderStandin, startProviderStandin } from '../../test/provider-standin.ts'
import { frontlineHeaders, vkRandomId } from './index.ts'

const { chats, messages } = schema
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

describe.each(targets)('messenger and SMS gateways on $name', (target) => {
  let f: Fixture
  let stand: ProviderStandin
  let tenantId: string
  let token: string
  const ch: Record<string, TestChannel> = {}

  beforeAll(async () => {
    f = await makeFixture(target)
    stand = await startProviderStandin()
    const login = await f.login('op1@demo')
    token = login.token
    tenantId = login.me.tenantId
    await setStatus(f.db, tenantId, login.me.id, 'available')
    const base = { baseUrl: stand.url }
    ch.whatsapp = await connectTestChannel(f.db.orm, tenantId, 'whatsapp', {
      ...base,
      phoneNumberId: '106540352242922',
      accessToken: 'wa-token',
      verifyToken: 'wa-verify',
    })
    ch.viber = await connectTestChannel(f.db.orm, tenantId, 'viber', base)
    ch.messenger = await connectTestChannel(f.db.orm, tenantId, 'messenger', {
      ...base,
      pageAccessToken: 'page-token',
      verifyToken: 'fb-verify',
    })
    ch.vk = await connectTestChannel(f.db.orm, tenantId, 'vk', {
      ...base,
      accessToken: 'vk-token',
      confirmation: 'd8v2ve07',
    })
    ch.avito = await connectTestChannel(f.db.orm, tenantId, 'avito', {
      ...base,
      userId: '94235311',
      accessToken: 'avito-token',
    })
    ch.sms = await connectTestChannel(f.db.orm, tenantId, 'sms', { url: `${stand.url}/gateway` })
  }, 60_000)
  afterAll(async () => {
    await stand?.close()
    await f?.close()
  })

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    f.app.inject({
      method: 'POST',
      url: path,
      payload: body,
      headers: { 'content-type': 'application/json', ...headers },
    })
  const hub = (secret: string, raw: string) => ({ 'x-hub-signature-256': `sha256=${hmacHex(secret, raw)}` })

  /** The client's open chat on a channel and its messages, oldest first. */
  async function chatAt(c: TestChannel, address: string) {
    const [chat] = await f.db.orm
      .select()
      .from(chats)
      .where(and(eq(chats.channelId, c.id), eq(chats.clientAddress, address)))
    const ms = chat
      ? await f.db.orm.select().from(messages).where(eq(messages.chatId, chat.id)).orderBy(messages.n)
      : []
    return { chat, messages: ms }
  }

  /** op1 accepts the chat and replies; the delivery job runs. Returns the message id. */
  async function reply(chatId: string, text: string): Promise<string> {
    await f.app.inject({ method: 'POST', url: `/api/chats/${chatId}/accept`, headers: auth(token) })
    const r = await f.app.inject({
      method: 'POST',
      url: `/api/chats/${chatId}/messages`,
      headers: auth(token),
      payload: { clientMsgId: randomUUID(), text },
    })
    expect(r.statusCode, r.body).toBe(200)
    await f.app.jobs.drain()
    return (r.json() as { message: { id: string } }).message.id
  }
  const messageById = async (id: string) =>
    (await f.db.orm.select().from(messages).where(eq(messages.id, id)))[0]

  describe('WhatsApp Cloud API', () => {
    const notification = (value: Record<string, unknown>) =>
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102290129340398',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
                  ...value,
                },
              },
            ],
          },
        ],
      })
    const textFrom = (wa: string, id: string, body: string) =>
      notification({
        contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: wa }],
        messages: [{ from: wa, id, timestamp: '1749416383', type: 'text', text: { body } }],
      })

    it('answers the verification GET with the challenge only for the right verify token', async () => {
      const url = `/api/hooks/whatsapp/${ch.whatsapp!.webhookKey}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=`
      const ok = await f.app.inject({ method: 'GET', url: `${url}wa-verify` })
      expect([ok.statusCode, ok.body]).toEqual([200, '1158201444'])
      expect((await f.app.inject({ method: 'GET', url: `${url}nope` })).statusCode).toBe(403)
    })

    it('a signed message is stored once; a bad or missing signature is 401 and stores nothing', async () => {
      const wa = `1650555${Math.floor(Math.random() * 1e4)}`
      const raw = textFrom(wa, `wamid.${randomUUID()}`, 'Привет из WhatsApp')
      const path = `/api/hooks/whatsapp/${ch.whatsapp!.webhookKey}`
      expect((await post(path, raw, { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` })).statusCode).toBe(
        401,
      )
      expect((await post(path, raw)).statusCode).toBe(401)
      expect((await post(path, raw, hub('another-secret', raw))).statusCode).toBe(401)
      expect((await chatAt(ch.whatsapp!, wa)).chat).toBeUndefined()
      const good = await post(path, raw, hub(ch.whatsapp!.secret, raw))
      expect(good.statusCode, good.body).toBe(200)
      expect((await post(path, raw, hub(ch.whatsapp!.secret, raw))).statusCode).toBe(200)
      const { chat, messages: ms } = await chatAt(ch.whatsapp!, wa)
      expect(ms.map((m) => m.text)).toEqual(['Привет из WhatsApp'])
      expect(chat).toMatchObject({ clientName: 'Sheena Nelson', clientPhone: `+${wa}`, state: 'new' })
    })

    it('hostile input: NUL and a lone surrogate are stored as inert text; broken JSON with a good signature is 400', async () => {
      const wa = `1650999${Math.floor(Math.random() * 1e4)}`
      const path = `/api/hooks/whatsapp/${ch.whatsapp!.webhookKey}`
      const raw = textFrom(wa, `wamid.${randomUUID()}`, 'a\u0000b\ud800c<script>alert(1)</script>')
      expect((await post(path, raw, hub(ch.whatsapp!.secret, raw))).statusCode).toBe(200)
      expect((await chatAt(ch.whatsapp!, wa)).messages.map((m) => m.text)).toEqual([
        'a\uFFFDb\uFFFDc<script>alert(1)</script>',
      ])
      const broken = '{"entry": ['
      expect((await post(path, broken, hub(ch.whatsapp!.secret, broken))).statusCode).toBe(400)
      const huge = JSON.stringify({ entry: [], pad: 'x'.repeat(1024 * 1024) })
      expect((await post(path, huge, hub(ch.whatsapp!.secret, huge))).statusCode).toBe(413)
    })

    it('an image is fetched by media id (url, then bytes) and kept as a file; a document that lies is refused as text', async () => {
      const wa = `1650666${Math.floor(Math.random() * 1e4)}`
      stand.serve('wa-media-img', PNG, 'image/png')
      stand.serve('wa-media-doc', Buffer.from('MZ not a pdf'), 'application/pdf')
      const raw = notification({
        messages: [
          {
            from: wa,
            id: `wamid.${randomUUID()}`,
            type: 'image',
            image: { id: 'wa-media-img', mime_type: 'image/png', caption: 'фото' },
          },
          {
            from: wa,
            id: `wamid.${randomUUID()}`,
            type: 'document',
            document: { id: 'wa-media-doc', filename: 'invoice.pdf', mime_type: 'application/pdf' },
          },
        ],
      })
      const r = await post(
        `/api/hooks/whatsapp/${ch.whatsapp!.webhookKey}`,
        raw,
        hub(ch.whatsapp!.secret, raw),
      )
      expect(r.statusCode, r.body).toBe(200)
      const { messages: ms } = await chatAt(ch.whatsapp!, wa)
      expect(ms[0]).toMatchObject({ kind: 'file', text: 'фото' })
      expect(ms[0]!.fileId).toBeTruthy()
      expect(ms[1]).toMatchObject({ kind: 'text', text: '[invoice.pdf: E_FILE_TYPE]' })
    })

    it('a reply goes to /{phone-number-id}/messages with the bearer token; statuses move it to delivered and read', async () => {
      const wa = `1650777${Math.floor(Math.random() * 1e4)}`
      const raw = textFrom(wa, `wamid.${randomUUID()}`, 'нужна помощь')
      await post(`/api/hooks/whatsapp/${ch.whatsapp!.webhookKey}`, raw, hub(ch.whatsapp!.secret, raw))
      const { chat } = await chatAt(ch.whatsapp!, wa)
      const id = await reply(chat!.id, 'Здравствуйте!')
      const call = await stand.waitFor(
        (c) => c.path === '/106540352242922/messages' && (c.json as { to?: string })?.to === wa,
      )
      expect(call.headers.authorization).toBe('Bearer wa-token')
      expect(call.json).toMatchObject({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: wa,
        type: 'text',
        text: { body: 'Здравствуйте!' },
      })
      const sent = await messageById(id)
      expect(sent).toMatchObject({ delivery: 'sent' })
      expect(sent!.externalId).toMatch(/^wamid\.standin/)
      const status = (s: string) =>
        notification({
          statuses: [{ id: sent!.externalId, status: s, timestamp: '1750263773', recipient_id: wa }],
        })
      for (const s of ['delivered', 'read', 'delivered']) {
        const body = status(s)
        await post(`/api/hooks/whatsapp/${ch.whatsapp!.webhookKey}`, body, hub(ch.whatsapp!.secret, body))
      }
      expect((await messageById(id))!.delivery).toBe('read')
    })

    it('a file reply is uploaded to /{phone-number-id}/media, then sent as a document by its media id', async () => {
      const wa = `1650444${Math.floor(Math.random() * 1e4)}`
      const raw = textFrom(wa, `wamid.${randomUUID()}`, 'пришлите прайс')
      await post(`/api/hooks/whatsapp/${ch.whatsapp!.webhookKey}`, raw, hub(ch.whatsapp!.secret, raw))
      const { chat } = await chatAt(ch.whatsapp!, wa)
      await f.app.inject({ method: 'POST', url: `/api/chats/${chat!.id}/accept`, headers: auth(token) })
      const up = await f.app.inject({
        method: 'POST',
        url: `/api/chats/${chat!.id}/files?clientMsgId=${randomUUID()}&name=prices.pdf&text=${encodeURIComponent('прайс')}`,
        headers: { ...auth(token), 'content-type': 'application/octet-stream' },
        payload: Buffer.from('%PDF-1.4 price list'),
      })
      expect(up.statusCode, up.body).toBe(200)
      await f.app.jobs.drain()
      const send = await stand.waitFor(
        (c) => c.path === '/106540352242922/messages' && (c.json as { to?: string })?.to === wa,
      )
      const upload = stand.calls[stand.calls.indexOf(send) - 1]!
      expect(upload.path).toBe('/106540352242922/media')
      expect(upload.headers.authorization).toBe('Bearer wa-token')
      expect(upload.body.toString('latin1')).toContain('%PDF-1.4 price list')
      expect(upload.body.toString('latin1')).toContain('name="messaging_product"')
      expect(send.json).toMatchObject({
        type: 'document',
        document: { id: (upload.answer as { id: string }).id, filename: 'prices.pdf', caption: 'прайс' },
      })
    })

    it('a provider refusal (4xx) marks the reply failed', async () => {
      const wa = `1650888${Math.floor(Math.random() * 1e4)}`
      const raw = textFrom(wa, `wamid.${randomUUID()}`, 'hi')
      await post(`/api/hooks/whatsapp/${ch.whatsapp!.webhookKey}`, raw, hub(ch.whatsapp!.secret, raw))
      stand.failNext(400)
      const id = await reply((await chatAt(ch.whatsapp!, wa)).chat!.id, 'will fail')
      expect((await messageById(id))!.delivery).toBe('failed')
    })
  })

  describe('Viber REST bot API', () => {
    const sign = (raw: string, secret = ch.viber!.secret) => ({
      'x-viber-content-signature': hmacHex(secret, raw),
    })
    const message = (sender: string, token: string, text: string) =>
      `{"event":"message","timestamp":1457764197627,"chat_hostname":"SN-376_","message_token":${token},"sender":{"id":"${sender}","name":"John McClane","language":"en","country":"UK","api_version":1},"message":{"type":"text","text":"${text}"},"silent":false}`

    it('checks X-Viber-Content-Signature, stores once by message_token (64-bit, exact), and sends to /pa/send_message', async () => {
      const sender = `01234567890A${randomUUID().slice(0, 8)}=`
      const path = `/api/hooks/viber/${ch.viber!.webhookKey}`
      const raw = message(sender, '4912661846655238145', 'hello viber')
      const twin = message(sender, '4912661846655238144', 'a different message')
      expect((await post(path, raw, sign(raw, 'wrong'))).statusCode).toBe(401)
      expect((await post(path, raw)).statusCode).toBe(401)
      expect((await chatAt(ch.viber!, sender)).chat).toBeUndefined()
      for (const body of [raw, raw, twin]) expect((await post(path, body, sign(body))).statusCode).toBe(200)
      const { chat, messages: ms } = await chatAt(ch.viber!, sender)
      expect(ms.map((m) => [m.text, m.externalId])).toEqual([
        ['hello viber', '4912661846655238145'],
        ['a different message', '4912661846655238144'],
      ])
      const id = await reply(chat!.id, 'Viber reply')
      const call = await stand.waitFor(
        (c) => c.path === '/pa/send_message' && (c.json as { receiver?: string })?.receiver === sender,
      )
      expect(call.headers['x-viber-auth-token']).toBe(ch.viber!.secret)
      expect(call.json).toMatchObject({
        receiver: sender,
        type: 'text',
        text: 'Viber reply',
        min_api_version: 1,
      })
      const ext = (await messageById(id))!.externalId!
      expect(ext).toMatch(/^50{14,}\d+$/)
      const seen = `{"event":"seen","timestamp":1457764197627,"message_token":${ext},"user_id":"${sender}"}`
      expect((await post(path, seen, sign(seen))).statusCode).toBe(200)
      expect((await messageById(id))!.delivery).toBe('read')
    })
  })

  describe('Messenger Platform', () => {
    const event = (psid: string, e: Record<string, unknown>) =>
      JSON.stringify({
        object: 'page',
        entry: [
          {
            id: '1234',
            time: 1458692752478,
            messaging: [{ sender: { id: psid }, recipient: { id: '1234' }, timestamp: 1458692752478, ...e }],
          },
        ],
      })

    it('checks X-Hub-Signature-256, stores text and an image attachment once, sends to /me/messages, applies delivery and read', async () => {
      const psid = `${Date.now()}${Math.floor(Math.random() * 1000)}`
      const path = `/api/hooks/messenger/${ch.messenger!.webhookKey}`
      const img = stand.serve(`fb-${psid}.png`, PNG, 'image/png')
      const raw = event(psid, {
        message: {
          mid: `m_${psid}`,
          text: 'hello fb',
          attachments: [{ type: 'image', payload: { url: img } }],
        },
      })
      expect((await post(path, raw, hub('wrong', raw))).statusCode).toBe(401)
      expect((await chatAt(ch.messenger!, psid)).chat).toBeUndefined()
      for (let i = 0; i < 2; i++)
        expect((await post(path, raw, hub(ch.messenger!.secret, raw))).statusCode).toBe(200)
      const { chat, messages: ms } = await chatAt(ch.messenger!, psid)
      expect(ms.map((m) => [m.kind, m.text])).toEqual([['file', 'hello fb']])
      const id = await reply(chat!.id, 'FB reply')
      const call = await stand.waitFor(
        (c) =>
          c.path === '/me/messages' && (c.json as { recipient?: { id?: string } })?.recipient?.id === psid,
      )
      expect(call.json).toMatchObject({
        recipient: { id: psid },
        messaging_type: 'RESPONSE',
        message: { text: 'FB reply' },
      })
      const mid = (await messageById(id))!.externalId!
      const delivered = event(psid, { delivery: { mids: [mid], watermark: Date.now() } })
      await post(path, delivered, hub(ch.messenger!.secret, delivered))
      expect((await messageById(id))!.delivery).toBe('delivered')
      const read = event(psid, { read: { watermark: Date.now() + 1000 } })
      await post(path, read, hub(ch.messenger!.secret, read))
      expect((await messageById(id))!.delivery).toBe('read')
    })
  })

  describe('VK Callback API', () => {
    const path = () => `/api/hooks/vk/${ch.vk!.webhookKey}`
    const messageNew = (peer: number, id: number, text: string, secret = ch.vk!.secret) =>
      JSON.stringify({
        group_id: 229876543,
        type: 'message_new',
        event_id: randomUUID(),
        v: '5.199',
        object: {
          message: {
            date: 1700000000,
            from_id: peer,
            id,
            out: 0,
            peer_id: peer,
            text,
            conversation_message_id: id,
            attachments: [],
          },
          client_info: {},
        },
        secret,
      })

    it('answers confirmation with the channel string; a wrong secret is 401; message_new stored once; messages.send carries random_id', async () => {
      const conf = await post(
        path(),
        JSON.stringify({ type: 'confirmation', group_id: 229876543, secret: ch.vk!.secret }),
      )
      expect([conf.statusCode, conf.body]).toEqual([200, 'd8v2ve07'])
      const peer = 100000 + Math.floor(Math.random() * 1e6)
      expect((await post(path(), messageNew(peer, 7, 'hi', 'wrong'))).statusCode).toBe(401)
      expect((await post(path(), JSON.stringify({ type: 'message_new', object: {} }))).statusCode).toBe(401)
      expect((await chatAt(ch.vk!, String(peer))).chat).toBeUndefined()
      for (let i = 0; i < 2; i++) {
        const r = await post(path(), messageNew(peer, 7, 'Привет, ВК'))
        expect([r.statusCode, r.body]).toEqual([200, 'ok'])
      }
      const { chat, messages: ms } = await chatAt(ch.vk!, String(peer))
      expect(ms.map((m) => m.text)).toEqual(['Привет, ВК'])
      const id = await reply(chat!.id, 'VK reply')
      const call = await stand.waitFor(
        (c) =>
          c.path === '/method/messages.send' && (c.json as { peer_id?: string })?.peer_id === String(peer),
      )
      expect(call.json).toMatchObject({
        access_token: 'vk-token',
        v: '5.199',
        message: 'VK reply',
        random_id: String(vkRandomId(id)),
      })
      expect((await messageById(id))!.externalId).toMatch(/^\d+$/)
    })
  })

  describe('Avito Messenger API', () => {
    const webhook = (chatId: string, id: string, content: Record<string, unknown>, author = 555) =>
      JSON.stringify({
        id: randomUUID(),
        version: 'v3.0.0',
        timestamp: 1700000000,
        payload: {
          type: 'message',
          value: {
            id,
            chat_id: chatId,
            user_id: 94235311,
            author_id: author,
            created: 1700000000,
            type: 'text',
            chat_type: 'u2i',
            content,
            item_id: 3124567890,
            published_at: '2023-11-14T22:13:20Z',
          },
        },
      })

    it('stores a message once with the listing link; the account’s own echo is ignored; replies and a PDF refused before upload', async () => {
      const chatId = `u2i-${randomUUID().slice(0, 12)}`
      const path = `/api/hooks/avito/${ch.avito!.webhookKey}`
      const raw = webhook(chatId, `av-in-${chatId}`, { text: 'Ещё продаёте?' })
      for (let i = 0; i < 2; i++) expect((await post(path, raw)).statusCode).toBe(200)
      expect(
        (await post(path, webhook(chatId, `echo-${chatId}`, { text: 'наш ответ' }, 94235311))).statusCode,
      ).toBe(200)
      expect((await post(`/api/hooks/avito/${'x'.repeat(24)}`, raw)).statusCode).toBe(404)
      const { chat, messages: ms } = await chatAt(ch.avito!, chatId)
      expect(ms.map((m) => m.text)).toEqual(['Ещё продаёте?'])
      expect(chat!.requestInfo).toMatchObject({ listing: 'https://www.avito.ru/3124567890' })
      const id = await reply(chat!.id, 'Да, продаём')
      const call = await stand.waitFor(
        (c) => c.path === `/messenger/v1/accounts/94235311/chats/${chatId}/messages`,
      )
      expect(call.headers.authorization).toBe('Bearer avito-token')
      expect(call.json).toEqual({ message: { text: 'Да, продаём' }, type: 'text' })
      expect((await messageById(id))!.externalId).toMatch(/^av-/)
      const pdf = await f.app.inject({
        method: 'POST',
        url: `/api/chats/${chat!.id}/files?clientMsgId=${randomUUID()}&name=price.pdf`,
        headers: { ...auth(token), 'content-type': 'application/octet-stream' },
        payload: Buffer.from('%PDF-1.4 test'),
      })
      expect(pdf.statusCode).toBe(422)
      expect(pdf.json()).toMatchObject({ error: { code: 'E_CHANNEL_CAPABILITY' } })
      // Refused before the bytes are read: nothing kept.
      expect(await f.db.orm.select().from(schema.files).where(eq(schema.files.name, 'price.pdf'))).toEqual([])
      const webp = await f.app.inject({
        method: 'POST',
        url: `/api/chats/${chat!.id}/files?clientMsgId=${randomUUID()}&name=photo.webp`,
        headers: { ...auth(token), 'content-type': 'application/octet-stream' },
        payload: Buffer.from('RIFF0000WEBPVP8 '),
      })
      expect(webp.json()).toMatchObject({ error: { code: 'E_CHANNEL_CAPABILITY' } })
      const png = await f.app.inject({
        method: 'POST',
        url: `/api/chats/${chat!.id}/files?clientMsgId=${randomUUID()}&name=photo.png`,
        headers: { ...auth(token), 'content-type': 'application/octet-stream' },
        payload: PNG,
      })
      expect(png.statusCode, png.body).toBe(200)
      await f.app.jobs.drain()
      await stand.waitFor((c) => c.path === `/messenger/v1/accounts/94235311/chats/${chatId}/messages/image`)
      expect(stand.calls.some((c) => c.path === '/messenger/v1/accounts/94235311/uploadImages')).toBe(true)
    })
  })

  describe('Frontline gateway protocol (SMS)', () => {
    const path = () => `/api/hooks/gateway/${ch.sms!.webhookKey}`
    const signed = (raw: string, now = Date.now(), secret = ch.sms!.secret) =>
      frontlineHeaders(secret, raw, now)

    it('takes a signed event once; a bad signature is 401; a replay or a stale timestamp is E_REPLAYED', async () => {
      const phone = `+7916${Math.floor(1e6 + Math.random() * 8e6)}`
      const raw = JSON.stringify({
        type: 'message',
        id: `sms-${randomUUID()}`,
        from: { address: phone, phone },
        text: 'SMS in',
      })
      expect((await post(path(), raw, signed(raw, Date.now(), 'wrong'))).statusCode).toBe(401)
      expect((await post(path(), raw)).statusCode).toBe(401)
      const stale = await post(path(), raw, signed(raw, Date.now() - 6 * 60_000))
      expect([stale.statusCode, stale.json().error.code]).toEqual([409, 'E_REPLAYED'])
      expect((await chatAt(ch.sms!, phone)).chat).toBeUndefined()
      const h = signed(raw)
      expect((await post(path(), raw, h)).statusCode).toBe(200)
      const again = await post(path(), raw, h)
      expect([again.statusCode, again.json().error.code]).toEqual([409, 'E_REPLAYED'])
      // The gateway's own retry (signed anew) of the same message id is stored once.
      expect((await post(path(), raw, signed(raw, Date.now() + 1000))).statusCode).toBe(200)
      const { chat, messages: ms } = await chatAt(ch.sms!, phone)
      expect(ms.map((m) => m.text)).toEqual(['SMS in'])
      const id = await reply(chat!.id, 'SMS out')
      const call = await stand.waitFor(
        (c) => c.path === '/gateway' && (c.json as { to?: string })?.to === phone,
      )
      const ts = call.headers['x-frontline-timestamp'] as string
      expect(call.headers['x-frontline-signature']).toBe(
        `sha256=${hmacHex(ch.sms!.secret, `${ts}.${call.body.toString('utf8')}`)}`,
      )
      expect(call.json).toMatchObject({ type: 'message', id, channel: 'sms', to: phone, text: 'SMS out' })
      const ext = (await messageById(id))!.externalId!
      const status = JSON.stringify({ type: 'status', id: ext, state: 'delivered' })
      expect((await post(path(), status, signed(status))).statusCode).toBe(200)
      expect((await messageById(id))!.delivery).toBe('delivered')
    })
  })
})
