/**
 * A5/T1 seams: every connectable kind, connected through the admin API (`POST /api/admin/channels`)
 * with exactly the settings its adapter reads (contract CHANNEL_CONFIG), takes one client message in
 * (webhook, Bot API update or mail) and sends one operator reply out to its stand-in — so a channel an
 * admin connects works end to end, not only one written into the database by a test. Secrets are
 * answered once and masked on every read. The Telegram bot's connection (getMe, setWebhook with the
 * admin's secret) and disconnection (deleteWebhook) go through the same API.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type ChannelSecretResponse,
  CONNECTABLE_KINDS,
  type ConnectableKind,
} from '../../contract/channels.ts'
import { buildApp } from '../app.ts'
import { loadSecrets, schema } from '../db/index.ts'
import { setStatus } from '../domain/status/index.ts'
import { seedDemo } from '../domain/tenants/index.ts'
import { Hub } from '../realtime/hub.ts'
import { targets } from '../test/dbs.ts'
import { type ProviderStandin, startProviderStandin } from '../test/provider-standin.ts'
import { captureRelay } from '../test/smtp.ts'
import { frontlineHeaders } from './gateway/frontline.ts'
import { client, messageUpdate } from './telegram/samples.ts'
import { BotApiStandIn } from './telegram/stand-in.ts'
import { hmacHex } from './webhooks.ts'

const { chats, messages } = schema
const hub = (secret: string, raw: string) => ({ 'x-hub-signature-256': `sha256=${hmacHex(secret, raw)}` })

describe.each(targets)('channels connected by the admin API, end to end, on $name', (target) => {
  let app: FastifyInstance
  let base = ''
  let dir = ''
  let dispose: (() => Promise<void>) | undefined
  let stopHub: (() => Promise<void>) | undefined
  let stand: ProviderStandin
  let bot: BotApiStandIn
  let relay: Awaited<ReturnType<typeof captureRelay>>
  let admin: Record<string, string>
  let op: Record<string, string>
  let db: Awaited<ReturnType<(typeof targets)[number]['open']>>['db']

  beforeAll(async () => {
    const t = await target.open()
    dispose = () => t.dispose()
    db = t.db
    await seedDemo(db, { password: 'demo-pass-1' })
    const h = new Hub(db)
    await h.start()
    stopHub = () => h.stop()
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-connected-'))
    app = await buildApp({
      db,
      secrets: await loadSecrets(db.orm, dir),
      hub: h,
      sipWsUrl: 'ws://127.0.0.1:8088',
      sipStatus: () => 'unavailable',
      distDir: path.join(dir, 'dist'),
      siteDir: path.join(dir, 'site'),
      filesDir: path.join(dir, 'files'),
      version: '0.0.0-test',
      logLevel: 'silent',
      jobOptions: { backoffMs: () => 0, pollMs: 50 },
      // No default relay: the e-mail channel's replies must go where the admin's settings say.
      email: { port: 0, relayUrl: null },
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
    stand = await startProviderStandin()
    bot = await new BotApiStandIn().start()
    relay = await captureRelay()
    const login = async (l: string) => {
      const r = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: l, password: 'demo-pass-1' }),
      })
      const j = (await r.json()) as { token: string; me: { id: string; tenantId: string } }
      return j
    }
    admin = { authorization: `Bearer ${(await login('admin@demo')).token}` }
    const o = await login('op1@demo')
    op = { authorization: `Bearer ${o.token}` }
    await setStatus(db, o.me.tenantId, o.me.id, 'available')
  }, 120_000)
  afterAll(async () => {
    await stand?.close()
    await bot?.stop()
    await relay?.close()
    await app?.close()
    await stopHub?.()
    await dispose?.()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  const api = async (method: string, url: string, body?: unknown, headers = admin) => {
    const r = await fetch(`${base}${url}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: r.status, body: (await r.json()) as Record<string, unknown> & ChannelSecretResponse }
  }
  const connect = async (kind: ConnectableKind, config: Record<string, unknown>, address?: string) => {
    const r = await api('POST', '/api/admin/channels', { kind, name: `Admin ${kind}`, address, config })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    return r.body
  }
  const post = (url: string, raw: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: raw,
    })
  const chatAt = async (channelId: string, address: string) => {
    const [chat] = await db.orm
      .select()
      .from(chats)
      .where(and(eq(chats.channelId, channelId), eq(chats.clientAddress, address)))
    return chat
  }
  /** op1 accepts the client's chat and replies; the delivery job runs. Returns the stored message. */
  const reply = async (chatId: string, text: string) => {
    await api('POST', `/api/chats/${chatId}/accept`, {}, op)
    const r = await api('POST', `/api/chats/${chatId}/messages`, { clientMsgId: randomUUID(), text }, op)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    await app.jobs.drain()
    const id = (r.body as unknown as { message: { id: string } }).message.id
    return (await db.orm.select().from(messages).where(eq(messages.id, id)))[0]!
  }
  const tested = new Set<ConnectableKind>()

  /** One message in through `deliver`, one reply out; returns the reply's stored row. */
  async function roundTrip(
    kind: ConnectableKind,
    channelId: string,
    address: string,
    deliver: () => Promise<unknown>,
  ) {
    const r = await deliver()
    if (r instanceof Response) expect(r.status, await r.clone().text()).toBe(200)
    // A gateway's 200 means "queued" (gateway/ingest.ts): its worker stores the message a moment later.
    await app.ingest.drain()
    const chat = await chatAt(channelId, address)
    expect(chat, `${kind}: the client's chat`).toBeDefined()
    const m = await reply(chat!.id, `Ответ ${kind}`)
    expect(m.delivery, kind).not.toBe('failed')
    expect(m.externalId, kind).toBeTruthy()
    tested.add(kind)
    return m
  }

  it('WhatsApp: Meta signs with config.appSecret, the verify token is the secret answered once; the reply goes to /{phoneNumberId}/messages', async () => {
    const s = await connect('whatsapp', {
      baseUrl: stand.url,
      phoneNumberId: '106540352242922',
      accessToken: 'wa-token-abcdefgh',
      appSecret: 'meta-app-secret-0001',
    })
    expect(s.webhookUrl).toBe(`${base}/api/hooks/whatsapp/${s.webhookKey}`)
    expect(s.channel.config).toMatchObject({ accessToken: '••••efgh', appSecret: '••••0001' })
    const verify = await fetch(
      `${s.webhookUrl}?hub.mode=subscribe&hub.challenge=42&hub.verify_token=${encodeURIComponent(s.secret)}`,
    )
    expect([verify.status, await verify.text()]).toEqual([200, '42'])
    const wa = '16505551234'
    const raw = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
                contacts: [{ profile: { name: 'Sheena' }, wa_id: wa }],
                messages: [
                  {
                    from: wa,
                    id: `wamid.${randomUUID()}`,
                    timestamp: '1',
                    type: 'text',
                    text: { body: 'hi' },
                  },
                ],
              },
            },
          ],
        },
      ],
    })
    expect((await post(`/api/hooks/whatsapp/${s.webhookKey}`, raw, hub(s.secret, raw))).status).toBe(401)
    const m = await roundTrip('whatsapp', s.channel.id, wa, () =>
      post(`/api/hooks/whatsapp/${s.webhookKey}`, raw, hub('meta-app-secret-0001', raw)),
    )
    const call = await stand.waitFor((c) => c.path === '/106540352242922/messages')
    expect(call.headers.authorization).toBe('Bearer wa-token-abcdefgh')
    expect(call.json).toMatchObject({ text: { body: m.text } })
  })

  it('Messenger: config.appSecret signs, pageAccessToken sends', async () => {
    const s = await connect('messenger', {
      baseUrl: stand.url,
      pageAccessToken: 'page-token-abcd',
      appSecret: 'fb-app-secret-0002',
    })
    const psid = `${Date.now()}`
    const raw = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: '1234',
          time: 1,
          messaging: [
            {
              sender: { id: psid },
              recipient: { id: '1234' },
              timestamp: 1,
              message: { mid: `m_${psid}`, text: 'hi fb' },
            },
          ],
        },
      ],
    })
    await roundTrip('messenger', s.channel.id, psid, () =>
      post(`/api/hooks/messenger/${s.webhookKey}`, raw, hub('fb-app-secret-0002', raw)),
    )
    const call = await stand.waitFor((c) => c.path === '/me/messages')
    expect(JSON.stringify(call.json)).toContain(psid)
  })

  it('Viber: config.authToken signs the callbacks and is sent as X-Viber-Auth-Token', async () => {
    const s = await connect('viber', { baseUrl: stand.url, authToken: 'viber-auth-token-0003' })
    const sender = '01234567890A=viber'
    const raw = `{"event":"message","timestamp":1,"message_token":4912661846655238145,"sender":{"id":"${sender}","name":"John"},"message":{"type":"text","text":"hi viber"}}`
    await roundTrip('viber', s.channel.id, sender, () =>
      post(`/api/hooks/viber/${s.webhookKey}`, raw, {
        'x-viber-content-signature': hmacHex('viber-auth-token-0003', raw),
      }),
    )
    const call = await stand.waitFor((c) => c.path === '/pa/send_message')
    expect(call.headers['x-viber-auth-token']).toBe('viber-auth-token-0003')
  })

  it('VK: the secret answered once is the Callback API secret; config.confirmation answers confirmation', async () => {
    const s = await connect('vk', {
      baseUrl: stand.url,
      accessToken: 'vk-token-0004',
      confirmation: 'd8v2ve07',
    })
    const conf = await post(
      `/api/hooks/vk/${s.webhookKey}`,
      JSON.stringify({ type: 'confirmation', group_id: 1, secret: s.secret }),
    )
    expect(await conf.text()).toBe('d8v2ve07')
    const peer = 123456
    const raw = JSON.stringify({
      group_id: 1,
      type: 'message_new',
      event_id: randomUUID(),
      v: '5.199',
      object: {
        message: { date: 1, from_id: peer, id: 7, out: 0, peer_id: peer, text: 'hi vk', attachments: [] },
      },
      secret: s.secret,
    })
    await roundTrip('vk', s.channel.id, String(peer), () => post(`/api/hooks/vk/${s.webhookKey}`, raw))
    const call = await stand.waitFor((c) => c.path === '/method/messages.send')
    expect(call.json).toMatchObject({ access_token: 'vk-token-0004' })
  })

  it('Avito: userId and OAuth client credentials', async () => {
    const s = await connect('avito', {
      baseUrl: stand.url,
      userId: '94235311',
      clientId: 'cid',
      clientSecret: 'csecret-0005',
    })
    expect(s.channel.config).toMatchObject({ clientId: 'cid', clientSecret: '••••' }) // short secrets: no tail shown
    const chatId = 'u2i-admin-connected'
    const raw = JSON.stringify({
      id: randomUUID(),
      version: 'v3.0.0',
      timestamp: 1,
      payload: {
        type: 'message',
        value: {
          id: 'av-in-1',
          chat_id: chatId,
          user_id: 94235311,
          author_id: 555,
          created: 1,
          type: 'text',
          content: { text: 'hi avito' },
          item_id: 3124567890,
        },
      },
    })
    await roundTrip('avito', s.channel.id, chatId, () => post(`/api/hooks/avito/${s.webhookKey}`, raw))
    await stand.waitFor((c) => c.path === `/messenger/v1/accounts/94235311/chats/${chatId}/messages`)
    // T6: what the info sheet reads — the listing the client wrote about.
    const chat = await chatAt(s.channel.id, chatId)
    const info = await api('GET', `/api/chats/${chat!.id}/info`, undefined, op)
    expect(info.body).toMatchObject({
      requestInfo: { listing: 'https://www.avito.ru/3124567890' },
      channel: { kind: 'avito', name: 'Admin avito' },
      clientAddress: chatId,
    })
  })

  it('gateway kinds (Telegram personal, Auto.ru, SMS): config.url, signed with the secret answered once, one path /api/hooks/gateway/<key>', async () => {
    for (const kind of ['telegram', 'autoru', 'sms'] as const) {
      const s = await connect(kind, { url: `${stand.url}/gateway` })
      expect(s.webhookUrl).toBe(`${base}/api/hooks/gateway/${s.webhookKey}`)
      const phone = `+7916${String(1000000 + CONNECTABLE_KINDS.indexOf(kind))}`
      const raw = JSON.stringify({
        type: 'message',
        id: `${kind}-${randomUUID()}`,
        from: { address: phone, phone },
        text: `hi ${kind}`,
      })
      await roundTrip(kind, s.channel.id, phone, () =>
        post(new URL(s.webhookUrl).pathname, raw, frontlineHeaders(s.secret, raw)),
      )
      const call = await stand.waitFor(
        (c) => c.path === '/gateway' && (c.json as { channel?: string })?.channel === kind,
      )
      expect(call.json).toMatchObject({ to: phone, text: `Ответ ${kind}` })
    }
  })

  it('Telegram bot: connecting checks the token (getMe) and sets the webhook with the admin’s key and secret; disconnecting deletes it', async () => {
    const bad = await api('POST', '/api/admin/channels', {
      kind: 'telegram_bot',
      name: 'Bad',
      config: { token: '999:AAH-not-the-standin-token-000000', apiBase: bot.base },
    })
    expect([bad.status, (bad.body as unknown as { error: { code: string } }).error.code]).toEqual([
      502,
      'E_PROVIDER',
    ])
    const s = await connect('telegram_bot', { token: bot.token, apiBase: bot.base })
    expect(s.channel.config.token).toBe(`••••${bot.token.slice(-4)}`)
    expect(JSON.stringify(s)).not.toContain(bot.token)
    expect(bot.webhook).toEqual({ url: s.webhookUrl, secret: s.secret })
    expect(s.webhookUrl).toBe(`${base}/api/hooks/telegram_bot/${s.webhookKey}`)
    expect(s.channel).toMatchObject({ connected: true, address: `@${bot.bot.username}` })
    const from = client(777001)
    await roundTrip('telegram_bot', s.channel.id, String(from.id), async () => {
      const r = await bot.push(messageUpdate(from, { text: 'hi bot' }))
      expect(r.status).toBe(200)
    })
    expect(bot.calls('sendMessage').at(-1)?.params).toMatchObject({
      chat_id: from.id,
      text: 'Ответ telegram_bot',
    })
    // Rotating the secret tells Telegram the new one.
    const rot = await api('POST', `/api/admin/channels/${s.channel.id}/secret`)
    expect(bot.webhook).toEqual({ url: rot.body.webhookUrl, secret: rot.body.secret })
    const off = await api('POST', `/api/admin/channels/${s.channel.id}/disconnect`)
    expect(off.status).toBe(200)
    expect(bot.calls('deleteWebhook').length).toBe(1)
  })

  it('E-mail: the relay settings (relayHost, relayPort, relaySecure) carry the reply; mail to the address opens the chat', async () => {
    const address = 'sales@demo.frontline.local'
    const s = await connect(
      'email',
      { relayHost: '127.0.0.1', relayPort: relay.port, relaySecure: false },
      address,
    )
    expect(s.channel.webhookPath).toBeNull()
    const smtp = nodemailer.createTransport({
      host: '127.0.0.1',
      port: app.smtp!.port!,
      secure: false,
      ignoreTLS: true,
    })
    await roundTrip('email', s.channel.id, 'client@mail.example', async () => {
      await smtp.sendMail({ from: 'client@mail.example', to: address, subject: 'Вопрос', text: 'hi mail' })
    })
    const mail = await relay.next()
    expect(mail.envelope).toMatchObject({ from: address, to: ['client@mail.example'] })
    expect(mail.parsed.text).toContain('Ответ email')
    // T6: what the info sheet reads — the address the client wrote to.
    const chat = await chatAt(s.channel.id, 'client@mail.example')
    const info = await api('GET', `/api/chats/${chat!.id}/info`, undefined, op)
    expect(info.body).toMatchObject({
      requestInfo: { to: address },
      channel: { kind: 'email', address },
      clientAddress: 'client@mail.example',
    })
  })

  it('A5: with the omnichannel option off, provider webhooks and mail are still stored (nothing is lost) while the chat API refuses; on again, the chats are there', async () => {
    const sms = await connect('sms', { url: `${stand.url}/gateway` })
    const address = 'off@demo.frontline.local'
    await connect('email', {}, address)
    expect((await api('PATCH', '/api/admin/features', { omni: false })).status).toBe(200)
    const phone = '+79160009999'
    try {
      const raw = JSON.stringify({
        type: 'message',
        id: `off-${randomUUID()}`,
        from: { address: phone },
        text: 'omni off',
      })
      expect(
        (await post(new URL(sms.webhookUrl).pathname, raw, frontlineHeaders(sms.secret, raw))).status,
      ).toBe(200)
      const smtp = nodemailer.createTransport({
        host: '127.0.0.1',
        port: app.smtp!.port!,
        secure: false,
        ignoreTLS: true,
      })
      await smtp.sendMail({
        from: 'off-client@mail.example',
        to: address,
        subject: 'Off',
        text: 'omni off mail',
      })
      const refused = await api('GET', '/api/chats?tab=new', undefined, op)
      expect([refused.status, (refused.body as unknown as { error: { code: string } }).error.code]).toEqual([
        403,
        'E_OMNI_OFF',
      ])
    } finally {
      expect((await api('PATCH', '/api/admin/features', { omni: true })).status).toBe(200)
    }
    const list = await api('GET', '/api/chats?tab=new', undefined, op)
    const ids = (list.body as unknown as { chats: { id: string }[] }).chats.map((c) => c.id)
    for (const [channelId, who] of [
      [sms.channel.id, phone],
      [undefined, 'off-client@mail.example'],
    ] as const) {
      const [chat] = await db.orm
        .select()
        .from(chats)
        .where(
          channelId
            ? and(eq(chats.channelId, channelId), eq(chats.clientAddress, who))
            : eq(chats.clientAddress, who),
        )
      expect(chat, who).toBeDefined()
      expect(ids, who).toContain(chat!.id)
    }
  })

  it('every connectable kind was connected by the API and carried a message each way', () => {
    expect([...tested].sort()).toEqual([...CONNECTABLE_KINDS].sort())
  })
})
