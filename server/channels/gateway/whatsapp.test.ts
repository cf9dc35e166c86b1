/** WhatsApp Cloud API (issue 8 §3): webhooks shaped like the provider's documented samples; sends captured by the stand-in. */
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { targets } from '../../test/dbs.ts'
import { auth } from '../../test/fixture.ts'
import { gatewayKit, PNG } from './test-kit.ts'

/** Meta's app secret (config.appSecret): the key of X-Hub-Signature-256. */
const APP_SECRET = 'wa-app-secret'

describe.each(targets)('WhatsApp Cloud API on $name', (target) => {
  const k = gatewayKit(target, {
    whatsapp: (url) => ({
      baseUrl: url,
      phoneNumberId: '106540352242922',
      accessToken: 'wa-token',
      appSecret: APP_SECRET,
    }),
  })
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

  it('answers the verification GET with the challenge only for the right verify token (the channel secret)', async () => {
    const url = `/api/hooks/whatsapp/${k.ch.whatsapp!.webhookKey}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=`
    const ok = await k.f.app.inject({ method: 'GET', url: `${url}${k.ch.whatsapp!.secret}` })
    expect([ok.statusCode, ok.body]).toEqual([200, '1158201444'])
    expect((await k.f.app.inject({ method: 'GET', url: `${url}nope` })).statusCode).toBe(403)
  })

  it('a signed message is stored once; a bad or missing signature is 401 and stores nothing', async () => {
    const wa = `1650555${Math.floor(Math.random() * 1e4)}`
    const raw = textFrom(wa, `wamid.${randomUUID()}`, 'Привет из WhatsApp')
    const path = `/api/hooks/whatsapp/${k.ch.whatsapp!.webhookKey}`
    expect((await k.post(path, raw, { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` })).statusCode).toBe(
      401,
    )
    expect((await k.post(path, raw)).statusCode).toBe(401)
    expect((await k.post(path, raw, k.hub('another-secret', raw))).statusCode).toBe(401)
    expect((await k.chatAt(k.ch.whatsapp!, wa)).chat).toBeUndefined()
    const good = await k.post(path, raw, k.hub(APP_SECRET, raw))
    expect(good.statusCode, good.body).toBe(200)
    expect((await k.post(path, raw, k.hub(APP_SECRET, raw))).statusCode).toBe(200)
    const { chat, messages: ms } = await k.chatAt(k.ch.whatsapp!, wa)
    expect(ms.map((m) => m.text)).toEqual(['Привет из WhatsApp'])
    expect(chat).toMatchObject({ clientName: 'Sheena Nelson', clientPhone: `+${wa}`, state: 'new' })
  })

  it('hostile input: NUL and a lone surrogate are stored as inert text; broken JSON with a good signature is 400', async () => {
    const wa = `1650999${Math.floor(Math.random() * 1e4)}`
    const path = `/api/hooks/whatsapp/${k.ch.whatsapp!.webhookKey}`
    const raw = textFrom(wa, `wamid.${randomUUID()}`, 'a\u0000b\ud800c<script>alert(1)</script>')
    expect((await k.post(path, raw, k.hub(APP_SECRET, raw))).statusCode).toBe(200)
    expect((await k.chatAt(k.ch.whatsapp!, wa)).messages.map((m) => m.text)).toEqual([
      'a\uFFFDb\uFFFDc<script>alert(1)</script>',
    ])
    const broken = '{"entry": ['
    expect((await k.post(path, broken, k.hub(APP_SECRET, broken))).statusCode).toBe(400)
    const huge = JSON.stringify({ entry: [], pad: 'x'.repeat(1024 * 1024) })
    expect((await k.post(path, huge, k.hub(APP_SECRET, huge))).statusCode).toBe(413)
  })

  it('an image is fetched by media id (url, then bytes) and kept as a file; a document that lies is refused as text', async () => {
    const wa = `1650666${Math.floor(Math.random() * 1e4)}`
    k.stand.serve('wa-media-img', PNG, 'image/png')
    k.stand.serve('wa-media-doc', Buffer.from('MZ not a pdf'), 'application/pdf')
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
    const r = await k.post(`/api/hooks/whatsapp/${k.ch.whatsapp!.webhookKey}`, raw, k.hub(APP_SECRET, raw))
    expect(r.statusCode, r.body).toBe(200)
    const { messages: ms } = await k.chatAt(k.ch.whatsapp!, wa)
    expect(ms[0]).toMatchObject({ kind: 'file', text: 'фото' })
    expect(ms[0]!.fileId).toBeTruthy()
    expect(ms[1]).toMatchObject({
      kind: 'text',
      text: '[Вложение не принято / attachment refused: invoice.pdf — тип файла не разрешён / file type not allowed]',
    })
  })

  it('a reply goes to /{phone-number-id}/messages with the bearer token; statuses move it to delivered and read', async () => {
    const wa = `1650777${Math.floor(Math.random() * 1e4)}`
    const raw = textFrom(wa, `wamid.${randomUUID()}`, 'нужна помощь')
    await k.post(`/api/hooks/whatsapp/${k.ch.whatsapp!.webhookKey}`, raw, k.hub(APP_SECRET, raw))
    const { chat } = await k.chatAt(k.ch.whatsapp!, wa)
    const id = await k.reply(chat!.id, 'Здравствуйте!')
    const call = await k.stand.waitFor(
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
    const sent = await k.messageById(id)
    expect(sent).toMatchObject({ delivery: 'sent' })
    expect(sent!.externalId).toMatch(/^wamid\.standin/)
    const status = (s: string) =>
      notification({
        statuses: [{ id: sent!.externalId, status: s, timestamp: '1750263773', recipient_id: wa }],
      })
    for (const s of ['delivered', 'read', 'delivered']) {
      const body = status(s)
      await k.post(`/api/hooks/whatsapp/${k.ch.whatsapp!.webhookKey}`, body, k.hub(APP_SECRET, body))
    }
    expect((await k.messageById(id))!.delivery).toBe('read')
  })

  it('probe 15 F1/F4: a call over 1,000 messages or statuses is refused whole (413); made-up status ids change nothing; a real one among them is applied', async () => {
    const path = `/api/hooks/whatsapp/${k.ch.whatsapp!.webhookKey}`
    const wa = `1650888${Math.floor(Math.random() * 1e4)}`
    const many = notification({
      contacts: [{ profile: { name: 'Flood' }, wa_id: wa }],
      messages: Array.from({ length: 1001 }, (_, i) => ({
        from: wa,
        id: `wamid.${randomUUID()}`,
        timestamp: '1749416383',
        type: 'text',
        text: { body: `m${i}` },
      })),
    })
    const refused = await k.post(path, many, k.hub(APP_SECRET, many))
    expect([refused.statusCode, refused.json().error.code]).toEqual([413, 'E_WEBHOOK_TOO_MANY'])
    expect((await k.chatAt(k.ch.whatsapp!, wa)).chat).toBeUndefined()
    const statuses = (ids: string[]) =>
      notification({
        statuses: ids.map((id) => ({ id, status: 'read', timestamp: '1750263773', recipient_id: wa })),
      })
    const tooMany = statuses(Array.from({ length: 1001 }, (_, i) => `wamid.fake${i}`))
    expect((await k.post(path, tooMany, k.hub(APP_SECRET, tooMany))).statusCode).toBe(413)
    // 1,000 made-up ids and one real one: the real one is read.
    const raw = textFrom(wa, `wamid.${randomUUID()}`, 'hi')
    await k.post(path, raw, k.hub(APP_SECRET, raw))
    const { chat } = await k.chatAt(k.ch.whatsapp!, wa)
    const id = await k.reply(chat!.id, 'ok')
    const ext = (await k.messageById(id))!.externalId!
    const mixed = statuses([...Array.from({ length: 999 }, (_, i) => `wamid.fake${i}`), ext])
    expect((await k.post(path, mixed, k.hub(APP_SECRET, mixed))).statusCode).toBe(200)
    expect((await k.messageById(id))!.delivery).toBe('read')
  })

  it('probe 15 F3: a made-up key is 404 before its body is read (a body over the size limit is not 413)', async () => {
    const big = `{"x":"${'a'.repeat(3 * 1024 * 1024)}"}`
    for (const key of [
      'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'short',
      k.ch.whatsapp!.webhookKey.toUpperCase(),
    ]) {
      const r = await k.post(`/api/hooks/whatsapp/${key}`, big)
      expect([r.statusCode, r.json().error.code], key).toEqual([404, 'E_NOT_FOUND'])
    }
    // The right key reads the body (and refuses it for its size).
    const ok = await k.post(`/api/hooks/whatsapp/${k.ch.whatsapp!.webhookKey}`, big)
    expect(ok.statusCode).toBe(413)
  })

  it('a file reply is uploaded to /{phone-number-id}/media, then sent as a document by its media id', async () => {
    const wa = `1650444${Math.floor(Math.random() * 1e4)}`
    const raw = textFrom(wa, `wamid.${randomUUID()}`, 'пришлите прайс')
    await k.post(`/api/hooks/whatsapp/${k.ch.whatsapp!.webhookKey}`, raw, k.hub(APP_SECRET, raw))
    const { chat } = await k.chatAt(k.ch.whatsapp!, wa)
    await k.f.app.inject({ method: 'POST', url: `/api/chats/${chat!.id}/accept`, headers: auth(k.token) })
    const up = await k.f.app.inject({
      method: 'POST',
      url: `/api/chats/${chat!.id}/files?clientMsgId=${randomUUID()}&name=prices.pdf&text=${encodeURIComponent('прайс')}`,
      headers: { ...auth(k.token), 'content-type': 'application/octet-stream' },
      payload: Buffer.from('%PDF-1.4 price list'),
    })
    expect(up.statusCode, up.body).toBe(200)
    await k.f.app.jobs.drain()
    const send = await k.stand.waitFor(
      (c) => c.path === '/106540352242922/messages' && (c.json as { to?: string })?.to === wa,
    )
    const upload = k.stand.calls[k.stand.calls.indexOf(send) - 1]!
    expect(upload.path).toBe('/106540352242922/media')
    expect(upload.headers.authorization).toBe('Bearer wa-token')
    expect(upload.body.toString('latin1')).toContain('%PDF-1.4 price list')
    expect(upload.body.toString('latin1')).toContain('name="messaging_product"')
    expect(send.json).toMatchObject({
      type: 'document',
      document: { id: (upload.answer as { id: string }).id, filename: 'prices.pdf', caption: 'прайс' },
    })
  })

  it('an image over the Cloud API’s 5 MB image limit goes as a document (as an image the provider refuses it)', async () => {
    const wa = `1650555${Math.floor(Math.random() * 1e4)}`
    const raw = textFrom(wa, `wamid.${randomUUID()}`, 'фото покрупнее')
    await k.post(`/api/hooks/whatsapp/${k.ch.whatsapp!.webhookKey}`, raw, k.hub(APP_SECRET, raw))
    const { chat } = await k.chatAt(k.ch.whatsapp!, wa)
    await k.f.app.inject({ method: 'POST', url: `/api/chats/${chat!.id}/accept`, headers: auth(k.token) })
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024 + 1 - PNG.length)])
    const up = await k.f.app.inject({
      method: 'POST',
      url: `/api/chats/${chat!.id}/files?clientMsgId=${randomUUID()}&name=big.png`,
      headers: { ...auth(k.token), 'content-type': 'application/octet-stream' },
      payload: big,
    })
    expect(up.statusCode, up.body).toBe(200)
    await k.f.app.jobs.drain()
    const send = await k.stand.waitFor(
      (c) => c.path === '/106540352242922/messages' && (c.json as { to?: string })?.to === wa,
    )
    expect(send.json).toMatchObject({ type: 'document', document: { filename: 'big.png' } })
  })

  it('a provider refusal (4xx) marks the reply failed', async () => {
    const wa = `1650888${Math.floor(Math.random() * 1e4)}`
    const raw = textFrom(wa, `wamid.${randomUUID()}`, 'hi')
    await k.post(`/api/hooks/whatsapp/${k.ch.whatsapp!.webhookKey}`, raw, k.hub(APP_SECRET, raw))
    k.stand.failNext(400)
    const id = await k.reply((await k.chatAt(k.ch.whatsapp!, wa)).chat!.id, 'will fail')
    expect((await k.messageById(id))!.delivery).toBe('failed')
  })

  it('a change for another phone number id is ignored (messages and statuses); the profile name loses its bidi controls', async () => {
    const wa = `1650333${Math.floor(Math.random() * 1e4)}`
    const path = `/api/hooks/whatsapp/${k.ch.whatsapp!.webhookKey}`
    const other = textFrom(wa, `wamid.${randomUUID()}`, 'not for us').replace(
      '"106540352242922"',
      '"999999999999"',
    )
    expect((await k.post(path, other, k.hub(APP_SECRET, other))).statusCode).toBe(200)
    expect((await k.chatAt(k.ch.whatsapp!, wa)).chat).toBeUndefined()
    const raw = textFrom(wa, `wamid.${randomUUID()}`, 'ours').replace(
      'Sheena Nelson',
      'Sheena\u202E\u2067 Nelson',
    )
    expect((await k.post(path, raw, k.hub(APP_SECRET, raw))).statusCode).toBe(200)
    const { chat, messages: ms } = await k.chatAt(k.ch.whatsapp!, wa)
    expect(ms.map((m) => m.text)).toEqual(['ours'])
    expect(chat!.clientName).toBe('Sheena Nelson')
  })
})
