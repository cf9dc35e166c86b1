/**
 * SPEC T1, issue 8 §3: messengers and SMS through their providers' protocols. The providers are one
 * local stand-in (server/test/provider-standin.ts) that captures what the server sends; webhooks are
 * posted the way each provider posts them, with payloads shaped like their documented samples.
 */
import { createHmac, randomUUID } from 'node:crypto'
import type { APIRequestContext } from '@playwright/test'
import { type ProviderStandin, startProviderStandin } from '../server/test/provider-standin.ts'
import { connectChannels, type TestChannel } from './channels.ts'
import { expect, type FrontlineServer, test } from './fixtures.ts'
import { chooseStatus, operatorPhone } from './helpers.ts'

const hmac = (key: string, body: string) => createHmac('sha256', key).update(body).digest('hex')
const PHONE_ID = '106540352242922'
/** The secrets the providers give (config): Meta's app secrets sign, Viber's auth token signs and sends. */
const WA_APP_SECRET = 'wa-app-secret'
const FB_APP_SECRET = 'fb-app-secret'
const VIBER_TOKEN = 'viber-auth-token'

let stand: ProviderStandin
const ch: Partial<Record<'whatsapp' | 'viber' | 'messenger' | 'vk' | 'avito' | 'sms', TestChannel>> = {}

test.beforeAll(async ({ worker }) => {
  stand = await startProviderStandin()
  const base = { baseUrl: stand.url }
  const [whatsapp, viber, messenger, vk, avito, sms] = await connectChannels(worker, [
    {
      kind: 'whatsapp',
      config: { ...base, phoneNumberId: PHONE_ID, accessToken: 'wa-token', appSecret: WA_APP_SECRET },
    },
    // Viber fetches an operator's file by a public link to this server (publicBaseUrl).
    { kind: 'viber', config: { ...base, authToken: VIBER_TOKEN, publicBaseUrl: worker.baseURL } },
    { kind: 'messenger', config: { ...base, pageAccessToken: 'page-token', appSecret: FB_APP_SECRET } },
    { kind: 'vk', config: { ...base, accessToken: 'vk-token', confirmation: 'c0nf1rm' } },
    { kind: 'avito', config: { ...base, userId: '94235311', accessToken: 'avito-token' } },
    { kind: 'sms', config: { url: `${stand.url}/gateway` } },
  ])
  Object.assign(ch, { whatsapp, viber, messenger, vk, avito, sms })
})
test.afterAll(async () => stand?.close())

const json = (body: string, headers: Record<string, string> = {}) => ({
  data: body,
  headers: { 'content-type': 'application/json', ...headers },
})

/** An operator of the demo tenant over the API: available, accepts chats and replies. */
async function apiOperator(request: APIRequestContext, server: FrontlineServer, login: string) {
  const res = await request.post('/api/auth/login', { data: { login, password: server.password } })
  expect(res.ok(), await res.text()).toBe(true)
  const headers = { authorization: `Bearer ${((await res.json()) as { token: string }).token}` }
  expect((await request.put('/api/me/status', { headers, data: { status: 'available' } })).ok()).toBe(true)
  return {
    headers,
    /** The chat whose last message is `text` (New or In work), by its id. */
    /** The chat whose last message is `text` (a webhook's 200 says it is queued: the worker stores it a moment later). */
    async chatWith(text: string): Promise<string> {
      let id = ''
      await expect
        .poll(
          async () => {
            for (const tab of ['new', 'active']) {
              const r = await request.get(`/api/chats?tab=${tab}`, { headers })
              const { chats } = (await r.json()) as {
                chats: { id: string; lastMessage: { preview: string } | null }[]
              }
              id = chats.find((x) => x.lastMessage?.preview === text)?.id ?? id
            }
            return id
          },
          { message: `a chat ending with ${text}` },
        )
        .not.toBe('')
      return id
    },
    async messages(chatId: string) {
      const r = await request.get(`/api/chats/${chatId}/messages`, { headers })
      return ((await r.json()) as { messages: { text: string; author: string }[] }).messages
    },
    async reply(chatId: string, text: string) {
      await request.post(`/api/chats/${chatId}/accept`, { headers })
      const r = await request.post(`/api/chats/${chatId}/messages`, {
        headers,
        data: { clientMsgId: randomUUID(), text },
      })
      expect(r.ok(), await r.text()).toBe(true)
      return ((await r.json()) as { message: { id: string } }).message.id
    },
  }
}

test('T1 gateway WhatsApp in/out, a bad signature and a replayed webhook refused, a duplicate provider id stored once', async ({
  browser,
  server,
  request,
}) => {
  test.setTimeout(90_000)
  const op = await operatorPhone(browser, server, 'op1@demo')
  await chooseStatus(op.page, /Available/)
  await op.page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Requests' }).click()
  const wa = `79161${Math.floor(1e5 + Math.random() * 8e5)}`
  const name = `Sheena ${randomUUID().slice(0, 6)}`
  const wamid = `wamid.${randomUUID()}`
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
                metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_ID },
                ...value,
              },
            },
          ],
        },
      ],
    })
  const raw = notification({
    contacts: [{ profile: { name }, wa_id: wa }],
    messages: [
      {
        from: wa,
        id: wamid,
        timestamp: '1749416383',
        type: 'text',
        text: { body: 'Здравствуйте, есть вопрос' },
      },
    ],
  })
  const hook = `/api/hooks/whatsapp/${ch.whatsapp!.webhookKey}`
  const signed = (body: string) => ({ 'x-hub-signature-256': `sha256=${hmac(WA_APP_SECRET, body)}` })
  // Forged: signed with another secret, or not at all → 401, nothing reaches the operator.
  const forged = await request.post(
    hook,
    json(raw, { 'x-hub-signature-256': `sha256=${hmac('guess', raw)}` }),
  )
  expect(forged.status()).toBe(401)
  expect((await request.post(hook, json(raw))).status()).toBe(401)
  // Meta delivers at least once: the same message twice is stored once.
  for (let i = 0; i < 2; i++) expect((await request.post(hook, json(raw, signed(raw)))).status()).toBe(200)
  const link = op.page.getByRole('link', { name: new RegExp(`^Open chat with ${name}`) })
  await expect(link).toBeVisible()
  await link.click()
  await expect(op.page.getByText('Здравствуйте, есть вопрос')).toHaveCount(1)
  await op.page.getByRole('button', { name: 'Accept chat' }).click()
  await op.page.getByRole('textbox', { name: 'Message' }).fill('Добрый день! Чем помочь?')
  await op.page.getByRole('button', { name: 'Send', exact: true }).click()
  // Out through the Cloud API's send endpoint, with the token and the documented body.
  const sent = await stand.waitFor(
    (c) => c.path === `/${PHONE_ID}/messages` && (c.json as { to?: string }).to === wa,
  )
  expect(sent.headers.authorization).toBe('Bearer wa-token')
  expect(sent.json).toMatchObject({
    messaging_product: 'whatsapp',
    to: wa,
    type: 'text',
    text: { body: 'Добрый день! Чем помочь?' },
  })
  // The provider's receipt (by the wamid its send answered) moves the message to read on screen.
  const wamidOut = (sent.answer as { messages: { id: string }[] }).messages[0]!.id
  const receiptFor = async (status: string) => {
    const body = notification({
      statuses: [{ id: wamidOut, status, timestamp: '1750263773', recipient_id: wa }],
    })
    expect((await request.post(hook, json(body, signed(body)))).status()).toBe(200)
  }
  await receiptFor('read')
  await expect(op.page.getByRole('img', { name: 'Read' }).last()).toBeVisible()
  // A provider refusal shows the message as not delivered, with Retry.
  stand.failNext(400)
  await op.page.getByRole('textbox', { name: 'Message' }).fill('this one the provider refuses')
  await op.page.getByRole('button', { name: 'Send', exact: true }).click()
  await expect(op.page.getByRole('button', { name: 'Retry sending' })).toBeVisible()
  // The Frontline gateway protocol (SMS): the same signed webhook twice — the replay is refused.
  const api = await apiOperator(request, server, 'op1@demo')
  const sms = JSON.stringify({
    type: 'message',
    id: `sms-${randomUUID()}`,
    from: { address: `+${wa}`, phone: `+${wa}` },
    text: 'SMS: перезвоните мне',
  })
  const ts = String(Math.floor(Date.now() / 1000))
  const smsHeaders = {
    'x-frontline-timestamp': ts,
    'x-frontline-signature': `sha256=${hmac(ch.sms!.secret, `${ts}.${sms}`)}`,
  }
  const smsHook = `/api/hooks/gateway/${ch.sms!.webhookKey}`
  expect((await request.post(smsHook, json(sms, smsHeaders))).status()).toBe(200)
  const replay = await request.post(smsHook, json(sms, smsHeaders))
  expect(replay.status()).toBe(409)
  expect(((await replay.json()) as { error: { code: string } }).error.code).toBe('E_REPLAYED')
  const smsChat = await api.chatWith('SMS: перезвоните мне')
  expect((await api.messages(smsChat)).map((m) => m.text)).toEqual(['SMS: перезвоните мне'])
  await op.context.close()
})

test('T1 Viber, Messenger and VK stand-ins in/out with their signatures checked', async ({
  server,
  request,
}) => {
  const api = await apiOperator(request, server, 'op2@demo')
  const tag = randomUUID().slice(0, 8)
  // Viber: X-Viber-Content-Signature = hex HMAC-SHA256(auth token, body).
  const sender = `vb${tag}==`
  const viber = `{"event":"message","timestamp":1457764197627,"message_token":4912661846655238145,"sender":{"id":"${sender}","name":"John McClane"},"message":{"type":"text","text":"viber ${tag}"}}`
  const viberHook = `/api/hooks/viber/${ch.viber!.webhookKey}`
  expect(
    (await request.post(viberHook, json(viber, { 'x-viber-content-signature': hmac('x', viber) }))).status(),
  ).toBe(401)
  expect(
    (
      await request.post(viberHook, json(viber, { 'x-viber-content-signature': hmac(VIBER_TOKEN, viber) }))
    ).status(),
  ).toBe(200)
  await api.reply(await api.chatWith(`viber ${tag}`), `viber reply ${tag}`)
  const v = await stand.waitFor(
    (c) => c.path === '/pa/send_message' && (c.json as { text?: string }).text === `viber reply ${tag}`,
  )
  expect(v.headers['x-viber-auth-token']).toBe(VIBER_TOKEN)
  expect(v.json).toMatchObject({ receiver: sender, type: 'text', min_api_version: 1 })
  // Messenger: X-Hub-Signature-256 with the app secret; entry[].messaging[].
  const psid = `${Date.now()}`
  const fb = JSON.stringify({
    object: 'page',
    entry: [
      {
        id: '1',
        time: 1,
        messaging: [
          {
            sender: { id: psid },
            recipient: { id: '1' },
            timestamp: 1,
            message: { mid: `m_${tag}`, text: `fb ${tag}` },
          },
        ],
      },
    ],
  })
  const fbHook = `/api/hooks/messenger/${ch.messenger!.webhookKey}`
  expect(
    (await request.post(fbHook, json(fb, { 'x-hub-signature-256': `sha256=${hmac('x', fb)}` }))).status(),
  ).toBe(401)
  expect(
    (
      await request.post(fbHook, json(fb, { 'x-hub-signature-256': `sha256=${hmac(FB_APP_SECRET, fb)}` }))
    ).status(),
  ).toBe(200)
  await api.reply(await api.chatWith(`fb ${tag}`), `fb reply ${tag}`)
  const m = await stand.waitFor(
    (c) => c.path === '/me/messages' && (c.json as { recipient?: { id?: string } }).recipient?.id === psid,
  )
  expect(m.json).toMatchObject({ messaging_type: 'RESPONSE', message: { text: `fb reply ${tag}` } })
  // VK: the secret in the body; confirmation answered with the channel's string; "ok" to message_new.
  const vkHook = `/api/hooks/vk/${ch.vk!.webhookKey}`
  const conf = await request.post(
    vkHook,
    json(JSON.stringify({ type: 'confirmation', group_id: 1, secret: ch.vk!.secret })),
  )
  expect(await conf.text()).toBe('c0nf1rm')
  const peer = 2000000 + Math.floor(Math.random() * 1e6)
  const vk = (secret: string) =>
    JSON.stringify({
      type: 'message_new',
      group_id: 1,
      event_id: tag,
      v: '5.199',
      secret,
      object: { message: { id: 42, peer_id: peer, from_id: peer, text: `vk ${tag}`, date: 1 } },
    })
  expect((await request.post(vkHook, json(vk('wrong')))).status()).toBe(401)
  const ok = await request.post(vkHook, json(vk(ch.vk!.secret)))
  expect(await ok.text()).toBe('ok')
  await api.reply(await api.chatWith(`vk ${tag}`), `vk reply ${tag}`)
  const k = await stand.waitFor(
    (c) => c.path === '/method/messages.send' && (c.json as { peer_id?: string }).peer_id === String(peer),
  )
  expect(k.json).toMatchObject({ access_token: 'vk-token', message: `vk reply ${tag}`, v: '5.199' })
  expect((k.json as { random_id: string }).random_id).toMatch(/^-?\d+$/)
})

test('T1 Avito refuses a PDF in the client and on the server', async ({ browser, server, request }) => {
  const api = await apiOperator(request, server, 'op1@demo')
  const chatRef = `u2i-${randomUUID().slice(0, 12)}`
  const text = `Avito ${chatRef}: ещё продаёте?`
  const body = JSON.stringify({
    id: randomUUID(),
    version: 'v3.0.0',
    timestamp: 1700000000,
    payload: {
      type: 'message',
      value: {
        id: `av-${chatRef}`,
        chat_id: chatRef,
        user_id: 94235311,
        author_id: 777,
        type: 'text',
        content: { text },
        item_id: 3124567890,
      },
    },
  })
  expect((await request.post(`/api/hooks/avito/${ch.avito!.webhookKey}`, json(body))).status()).toBe(200)
  const chatId = await api.chatWith(text)
  await request.post(`/api/chats/${chatId}/accept`, { headers: api.headers })
  const op = await operatorPhone(browser, server, 'op1@demo')
  await op.page.goto(`/requests/${chatId}`)
  await expect(op.page.getByText(text)).toBeVisible()
  const uploads: string[] = []
  op.page.on('request', (r) => {
    if (r.url().includes(`/api/chats/${chatId}/files`)) uploads.push(r.url())
  })
  // The client: the picked PDF is refused with a line saying why, and never uploaded.
  await op.page
    .getByLabel('Attach files', { exact: true })
    .and(op.page.locator('input[type=file]'))
    .setInputFiles({
      name: 'price.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n%test\n'),
    })
  await expect(op.page.getByRole('alert')).toContainText(
    '“price.pdf” cannot be sent: this channel takes no files, only images',
  )
  expect(uploads).toEqual([])
  // The server: the same upload sent around the app is refused before its bytes are kept.
  const r = await request.post(`/api/chats/${chatId}/files?clientMsgId=${randomUUID()}&name=price.pdf`, {
    headers: { ...api.headers, 'content-type': 'application/octet-stream' },
    data: Buffer.from('%PDF-1.4\n%test\n'),
  })
  expect(r.status()).toBe(422)
  expect(((await r.json()) as { error: { code: string } }).error.code).toBe('E_CHANNEL_CAPABILITY')
  expect((await api.messages(chatId)).map((m) => m.text)).toEqual([text])
  await op.context.close()
})

test('T1 Viber: the operator attaches an image and the stand-in fetches it by its signed public link', async ({
  browser,
  server,
  request,
}) => {
  const api = await apiOperator(request, server, 'op1@demo')
  const tag = randomUUID().slice(0, 8)
  const sender = `vbf${tag}==`
  const text = `viber file ${tag}`
  const body = `{"event":"message","timestamp":1457764197627,"message_token":${4912661846655000000 + Math.floor(Math.random() * 1e5)},"sender":{"id":"${sender}","name":"Client ${tag}"},"message":{"type":"text","text":"${text}"}}`
  const hook = await request.post(
    `/api/hooks/viber/${ch.viber!.webhookKey}`,
    json(body, { 'x-viber-content-signature': hmac(VIBER_TOKEN, body) }),
  )
  expect(hook.status()).toBe(200)
  const chatId = await api.chatWith(text)
  await request.post(`/api/chats/${chatId}/accept`, { headers: api.headers })
  const op = await operatorPhone(browser, server, 'op1@demo')
  await op.page.goto(`/requests/${chatId}`)
  await expect(op.page.getByText(text)).toBeVisible()
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  )
  await op.page
    .locator('input[type=file][multiple]')
    .setInputFiles([{ name: 'схема.png', mimeType: 'image/png', buffer: png }])
  await expect(op.page.getByRole('img', { name: 'схема.png' })).toBeVisible()
  // Viber got a picture message whose media URL is ours, and fetching it gave the exact bytes.
  const sent = await stand.waitFor(
    (c) => c.path === '/pa/send_message' && c.json?.receiver === sender && c.json?.type === 'picture',
  )
  expect(String(sent.json?.media)).toMatch(
    new RegExp(`^${server.baseURL.replace(/\/$/, '')}/api/public-files/[\\w-]{70}/`),
  )
  expect(sent.fetched?.status).toBe(200)
  expect(sent.fetched?.type).toBe('image/png')
  expect(sent.fetched?.bytes.equals(png)).toBe(true)
  // The operator's message is not marked failed.
  await expect(op.page.getByRole('button', { name: 'Retry sending' })).toHaveCount(0)
  await op.context.close()
})
