/**
 * Issue 8 §2, the Telegram bot over the app and a local Bot API stand-in: connecting sets the webhook
 * with its secret; updates in (text, photo, document, voice) are stored once; forged or misrouted
 * webhooks store nothing; oversize and mislabelled files become visible notes; operators' replies go
 * out by sendMessage / sendPhoto / sendDocument / sendVoice with the Bot API's error rules.
 */
import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChatView, MessageView, SendResponse } from '../../../contract/chats.ts'
import { jobByKey, schema } from '../../db/index.ts'
import { DELIVER_JOB } from '../../domain/chats/index.ts'
import { targets } from '../../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../../test/fixture.ts'
import { splitText } from './adapter.ts'
import { connectTelegramBot } from './connect.ts'
import { client, messageUpdate, silentOggOpus } from './samples.ts'
import { BotApiStandIn } from './stand-in.ts'

const { channels, chats, messages, files } = schema

describe.each(targets)('Telegram bot on $name', (target) => {
  let f: Fixture
  let api: BotApiStandIn
  let tenantId: string
  let channelId: string
  let op: string
  let jpegSmall: Buffer
  let jpegLarge: Buffer

  beforeAll(async () => {
    f = await makeFixture(target)
    await f.app.listen({ port: 0, host: '127.0.0.1' })
    const addr = f.app.server.address() as { port: number }
    api = await new BotApiStandIn().start()
    const [t] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    tenantId = t!.id
    const connected = await connectTelegramBot(f.db.orm, {
      tenantId,
      token: api.token,
      publicUrl: `http://127.0.0.1:${addr.port}`,
      apiBase: api.base,
    })
    channelId = connected.channelId
    const r = await f.login('op1@demo')
    op = r.token
    await f.app.inject({
      method: 'PUT',
      url: '/api/me/status',
      headers: auth(op),
      payload: { status: 'available' },
    })
    jpegSmall = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } })
      .jpeg()
      .toBuffer()
    jpegLarge = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#00f' } })
      .jpeg()
      .toBuffer()
  }, 120_000)
  afterAll(async () => {
    await api?.stop()
    await f?.close()
  })

  const call = (method: string, url: string, payload?: unknown) =>
    f.app.inject({
      method: method as 'GET',
      url,
      headers: auth(op),
      ...(payload === undefined ? {} : { payload: payload as object }),
    })
  const chatOf = async (chatId: number) => {
    const [c] = await f.db.orm
      .select()
      .from(chats)
      .where(
        and(
          eq(chats.tenantId, tenantId),
          eq(chats.channelId, channelId),
          eq(chats.clientAddress, String(chatId)),
        ),
      )
    return c
  }
  const messagesOf = async (chatId: number) => {
    const c = await chatOf(chatId)
    if (!c) return []
    const r = await call('GET', `/api/chats/${c.id}/messages`)
    return (r.json() as { messages: MessageView[] }).messages
  }
  const count = async () =>
    (await f.db.orm.select({ id: messages.id }).from(messages).where(eq(messages.tenantId, tenantId))).length
  const fileRow = async (id: string) => (await f.db.orm.select().from(files).where(eq(files.id, id)))[0]
  const who = () => client(700_000_000 + Math.floor(Math.random() * 1e6))

  it('connecting sets the webhook with its path key and secret; the bot is @username', async () => {
    const [c] = await f.db.orm.select().from(channels).where(eq(channels.id, channelId))
    expect(c).toMatchObject({ kind: 'telegram_bot', connected: true, address: '@frontline_test_bot' })
    expect(api.webhook?.url).toMatch(new RegExp(`/api/hooks/telegram_bot/${c!.webhookKey}$`))
    expect(api.webhook?.secret).toBe(c!.secret)
    expect(c!.secret).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(api.calls('setWebhook').at(-1)?.params).toMatchObject({ allowed_updates: ['message'] })
  })

  it('a text message opens a chat in New named after the client; the same update twice is stored once', async () => {
    const from = who()
    const u = messageUpdate(from, { text: 'Здравствуйте! <b>Есть</b> кто?' })
    expect((await api.push(u)).status).toBe(200)
    const before = await count()
    expect((await api.push(u)).status).toBe(200)
    expect(await count()).toBe(before)
    const c = await chatOf(from.id)
    expect(c).toMatchObject({ state: 'new', channel: 'telegram_bot', clientName: 'Иван Петров' })
    const ms = await messagesOf(from.id)
    expect(ms.map((m) => [m.author, m.text])).toEqual([['client', 'Здравствуйте! <b>Есть</b> кто?']])
  })

  it('a photo arrives as its largest size with the caption as its text; a document and a voice note as files', async () => {
    const from = who()
    const small = api.addFile(jpegSmall, 'jpg')
    const large = api.addFile(jpegLarge, 'jpg')
    const photo = messageUpdate(from, {
      caption: 'Вот фото',
      photo: [
        { ...small, width: 8, height: 8 },
        { ...large, width: 64, height: 48 },
      ],
    })
    await api.push(photo)
    // Redelivered: stored once, and the file is not fetched again.
    const getFiles = api.calls('getFile').length
    await api.push(photo)
    expect(api.calls('getFile').length).toBe(getFiles)
    const pdf = api.addFile(Buffer.from('%PDF-1.4\n% test\n'), 'pdf')
    await api.push(
      messageUpdate(from, { document: { ...pdf, file_name: 'счёт.pdf', mime_type: 'application/pdf' } }),
    )
    const ogg = silentOggOpus(1500)
    const voice = api.addFile(ogg, 'oga')
    await api.push(messageUpdate(from, { voice: { ...voice, duration: 2, mime_type: 'audio/ogg' } }))
    const ms = await messagesOf(from.id)
    expect(ms.map((m) => [m.kind, m.text, m.file?.name, m.file?.type])).toEqual([
      ['file', 'Вот фото', 'photo.jpg', 'image/jpeg'],
      ['file', '', 'счёт.pdf', 'application/pdf'],
      ['voice', '', 'voice.ogg', 'audio/ogg'],
    ])
    expect(ms[0]?.file?.size).toBe(jpegLarge.length)
    expect(ms[2]?.file?.durationMs).toBe(2000)
    expect((await fileRow(ms[2]!.file!.id))?.size).toBe(ogg.length)
  })

  it('a wrong or missing secret is 401 and stores nothing; an unknown key, or a disconnected channel of the other tenant, is 404', async () => {
    const from = who()
    const u = messageUpdate(from, { text: 'подделка' })
    const before = await count()
    expect((await api.push(u, { secret: 'x'.repeat(32) })).status).toBe(401)
    expect((await api.push(u, { secret: null })).status).toBe(401)
    const [c] = await f.db.orm.select().from(channels).where(eq(channels.id, channelId))
    expect((await api.push(u, { secret: `${c!.secret}x` })).status).toBe(401)
    const body = JSON.stringify(u)
    const post = (key: string, secret: string) =>
      f.app.inject({
        method: 'POST',
        url: `/api/hooks/telegram_bot/${key}`,
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        payload: body,
      })
    expect((await post('A'.repeat(32), c!.secret!)).statusCode).toBe(404)
    expect((await post('../../etc', c!.secret!)).statusCode).toBe(404)
    const theirKey = 'other-tenant-key-0123456789abcdef'
    await f.db.orm.insert(channels).values({
      tenantId: f.otherTenantId,
      kind: 'telegram_bot',
      name: 'Their bot',
      connected: false,
      webhookKey: theirKey,
      secret: c!.secret,
      config: { token: api.token, apiBase: api.base },
    })
    expect((await post(theirKey, c!.secret!)).statusCode).toBe(404)
    // Their key is not ours, even for a kind that is: the key of another channel kind is 404 too.
    const viberKey = 'viber-channel-key-0123456789abcdef'
    await f.db.orm.insert(channels).values({
      tenantId,
      kind: 'viber',
      name: 'V',
      connected: true,
      webhookKey: viberKey,
      secret: c!.secret,
    })
    expect((await post(viberKey, c!.secret!)).statusCode).toBe(404)
    expect(await count()).toBe(before)
    expect(await chatOf(from.id)).toBeUndefined()
  })

  it('oversize and mislabelled files are kept as visible notes, never dropped; updates we do not take are ignored with 200', async () => {
    const from = who()
    const getFiles = api.calls('getFile').length
    // Declared over the 20 MB download limit: not even asked for.
    await api.push(
      messageUpdate(from, {
        caption: 'большой',
        document: { file_id: 'huge', file_unique_id: 'h', file_size: 25 * 1024 * 1024, file_name: 'big.pdf' },
      }),
    )
    expect(api.calls('getFile').length).toBe(getFiles)
    // Declared small in the message, but getFile says 21 MB (the stand-in refuses it, as Telegram does).
    const lying = api.addFile(Buffer.from('%PDF-1.4'), 'pdf', 21 * 1024 * 1024)
    await api.push(messageUpdate(from, { document: { ...lying, file_size: 1000, file_name: 'lies.pdf' } }))
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(300, 0)])
    const renamed = api.addFile(exe, 'pdf')
    await api.push(
      messageUpdate(from, {
        document: { ...renamed, file_name: 'invoice.pdf', mime_type: 'application/pdf' },
      }),
    )
    // Declared small everywhere, but the bytes run past 20 MB: the store stops reading and refuses.
    const long = api.addFile(
      Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(20 * 1024 * 1024 + 10)]),
      'pdf',
      1000,
    )
    await api.push(messageUpdate(from, { document: { ...long, file_size: 1000, file_name: 'long.pdf' } }))
    const tool = api.addFile(exe, 'exe')
    await api.push(messageUpdate(from, { caption: 'запусти', document: { ...tool, file_name: 'tool.exe' } }))
    await api.push(
      messageUpdate(from, {
        sticker: {
          file_id: 's',
          file_unique_id: 's',
          type: 'regular',
          width: 1,
          height: 1,
          is_animated: false,
          is_video: false,
          emoji: '🙂',
        },
      }),
    )
    // Not a message, and a group chat: ignored.
    expect(
      (await api.push({ update_id: 1, edited_message: messageUpdate(from, { text: 'x' }).message } as never))
        .status,
    ).toBe(200)
    const group = messageUpdate(from, { text: 'в группе' })
    ;(group.message as { chat: unknown }).chat = { id: -100123, type: 'group', title: 'G' }
    expect((await api.push(group)).status).toBe(200)
    expect(await chatOf(-100123)).toBeUndefined()
    const ms = await messagesOf(from.id)
    expect(ms.map((m) => m.file)).toEqual([null, null, null, null, null, null])
    expect(ms.map((m) => m.text)).toEqual([
      expect.stringMatching(/^большой\n\[document: .*over 20 MB/),
      expect.stringMatching(/^\[document: .*could not be fetched/),
      expect.stringMatching(/^\[invoice\.pdf: .*file type refused/),
      expect.stringMatching(/^\[document: .*over 20 MB/),
      expect.stringMatching(/^запусти\n\[tool\.exe: .*file type refused/),
      expect.stringMatching(/^\[Telegram sticker: .*not supported/),
    ])
  })

  it('NUL characters and lone surrogates in an update are stored as safe text', async () => {
    const from = { ...who(), first_name: 'Ив\u0000ан\u202e', last_name: '\ud800' }
    const r = await api.push(messageUpdate(from, { text: 'a\u0000b\ud800c' }))
    expect(r.status).toBe(200)
    const ms = await messagesOf(from.id)
    expect(ms.map((m) => m.text)).toEqual(['ab\ufffdc'])
    expect((await chatOf(from.id))?.clientName).toBe('Иван \ufffd')
  })

  async function acceptedChat() {
    const from = who()
    const u = messageUpdate(from, { text: 'Вопрос' })
    await api.push(u)
    const c = await chatOf(from.id)
    expect((await call('POST', `/api/chats/${c!.id}/accept`)).statusCode).toBe(200)
    const [first] = await messagesOf(from.id)
    return { from, chatId: c!.id, first: first!, telegramId: u.message!.message_id }
  }
  const delivered = async (id: string) => {
    await f.app.jobs.drain()
    const [m] = await f.db.orm.select().from(messages).where(eq(messages.id, id))
    return m!
  }

  it("an operator's text reply goes by sendMessage to the client's chat, replying to his message; Telegram's id is recorded", async () => {
    const { from, chatId, first, telegramId } = await acceptedChat()
    const r = await call('POST', `/api/chats/${chatId}/messages`, {
      clientMsgId: randomUUID(),
      text: 'Добрый день!',
      replyToId: first.id,
    })
    expect(r.statusCode).toBe(200)
    const sent = (r.json() as SendResponse).message
    const m = await delivered(sent.id)
    const last = api.calls('sendMessage').at(-1)
    expect(last?.params).toMatchObject({
      chat_id: from.id,
      text: 'Добрый день!',
      reply_parameters: { message_id: telegramId },
    })
    expect(m.externalId).toMatch(new RegExp(`^${from.id}:\\d+$`))
    expect(m.delivery).toBe('sent')
  })

  it('a text over 4096 characters goes as several messages split at a break; each part within the limit', async () => {
    const { from, chatId } = await acceptedChat()
    const text = `${'слово '.repeat(1000)}\n${'ещё '.repeat(400)}`
    const n = api.calls('sendMessage').length
    const r = await call('POST', `/api/chats/${chatId}/messages`, { clientMsgId: randomUUID(), text })
    await delivered((r.json() as SendResponse).message.id)
    const parts = api.calls('sendMessage').slice(n)
    expect(parts.length).toBe(2)
    for (const p of parts) {
      expect(p.params.chat_id).toBe(from.id)
      expect(String(p.params.text).length).toBeLessThanOrEqual(4096)
    }
    const squash = (s: string) => s.replace(/\s+/g, ' ').trim()
    expect(squash(parts.map((p) => p.params.text).join(' '))).toBe(squash(text))
    expect(splitText('x'.repeat(4097))).toEqual(['x'.repeat(4096), 'x'])
    expect(splitText(`${'a'.repeat(4095)}😀b`)).toEqual(['a'.repeat(4095), '😀b'])
  })

  it('a photo goes by sendPhoto as a multipart upload with its caption; a document by sendDocument', async () => {
    const { from, chatId } = await acceptedChat()
    const up = (name: string, bytes: Buffer, text?: string) =>
      f.app.inject({
        method: 'POST',
        url: `/api/chats/${chatId}/files?clientMsgId=${randomUUID()}&name=${encodeURIComponent(name)}${text ? `&text=${encodeURIComponent(text)}` : ''}`,
        headers: { ...auth(op), 'content-type': 'application/octet-stream' },
        payload: bytes,
      })
    const photo = await up('фото.jpg', jpegLarge, 'Вот схема')
    expect(photo.statusCode).toBe(200)
    const pm = await delivered((photo.json() as SendResponse).message.id)
    const sp = api.calls('sendPhoto').at(-1)
    expect(sp?.params).toMatchObject({ chat_id: String(from.id), caption: 'Вот схема' })
    expect(sp?.file?.bytes.equals(jpegLarge)).toBe(true)
    expect(sp?.file?.name).toBe('фото.jpg')
    expect(pm.externalId).toMatch(/^\d+:\d+$/)
    const doc = await up('план.pdf', Buffer.from('%PDF-1.4\n%%EOF\n'))
    await delivered((doc.json() as SendResponse).message.id)
    const sd = api.calls('sendDocument').at(-1)
    expect(sd?.file?.name).toBe('план.pdf')
    expect(sd?.params.caption).toBeUndefined()
  })

  it('an Ogg voice message goes by sendVoice with its length; a WebM one as a document', async () => {
    const { from, chatId } = await acceptedChat()
    const ogg = silentOggOpus(3000)
    const r = await f.app.inject({
      method: 'POST',
      url: `/api/chats/${chatId}/files?clientMsgId=${randomUUID()}&kind=voice&durationMs=3000`,
      headers: { ...auth(op), 'content-type': 'audio/ogg' },
      payload: ogg,
    })
    expect(r.statusCode, r.body).toBe(200)
    await delivered((r.json() as SendResponse).message.id)
    const sv = api.calls('sendVoice').at(-1)
    expect(sv?.params).toMatchObject({ chat_id: String(from.id), duration: '3' })
    expect(sv?.file?.bytes.equals(ogg)).toBe(true)
    expect(sv?.file?.name).toBe('voice.ogg')
    // Chromium records WebM, which Telegram does not play as a voice note: it goes as a document.
    const webm = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(300, 7)])
    const w = await f.app.inject({
      method: 'POST',
      url: `/api/chats/${chatId}/files?clientMsgId=${randomUUID()}&kind=voice&durationMs=1500`,
      headers: { ...auth(op), 'content-type': 'audio/webm' },
      payload: webm,
    })
    expect(w.statusCode, w.body).toBe(200)
    await delivered((w.json() as SendResponse).message.id)
    const sd = api.calls('sendDocument').at(-1)
    expect(sd?.params.chat_id).toBe(String(from.id))
    expect(sd?.file?.name).toBe('voice.webm')
    expect(sd?.file?.bytes.equals(webm)).toBe(true)
  })

  it('429 is retried when Telegram says, 5xx with backoff; 403 (the client blocked the bot) fails the message for good', async () => {
    const { chatId } = await acceptedChat()
    api.failNext('sendMessage', 429, 'Too Many Requests: retry after 7', 7)
    const r = await call('POST', `/api/chats/${chatId}/messages`, { clientMsgId: randomUUID(), text: 'раз' })
    const id = (r.json() as SendResponse).message.id
    await f.app.jobs.drain()
    const job = await jobByKey(f.db.orm, DELIVER_JOB, id)
    expect(job?.state).toBe('queued')
    expect(job!.runAt.getTime() - Date.now()).toBeGreaterThan(3000)
    // A Telegram outage is retried with backoff, the message still "sent" meanwhile.
    api.failNext('sendMessage', 502, 'Bad Gateway')
    const r3 = await call('POST', `/api/chats/${chatId}/messages`, { clientMsgId: randomUUID(), text: 'три' })
    const m3 = await delivered((r3.json() as SendResponse).message.id)
    expect(m3.delivery).toBe('sent')
    expect(await jobByKey(f.db.orm, DELIVER_JOB, m3.id)).toMatchObject({ state: 'queued', attempts: 1 })
    api.failNext('sendMessage', 403, 'Forbidden: bot was blocked by the user')
    const r2 = await call('POST', `/api/chats/${chatId}/messages`, { clientMsgId: randomUUID(), text: 'два' })
    const m2 = await delivered((r2.json() as SendResponse).message.id)
    expect(m2.delivery).toBe('failed')
    const chat = (await call('GET', `/api/chats/${chatId}`)).json() as { chat: ChatView }
    expect(chat.chat.state).toBe('active')
  })
})
