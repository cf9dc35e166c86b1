/** Avito Messenger API (issue 8 §3): webhooks shaped like the provider's documented samples; sends captured by the stand-in. */
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { schema } from '../../db/index.ts'
import { targets } from '../../test/dbs.ts'
import { auth } from '../../test/fixture.ts'
import { gatewayKit, PNG } from './test-kit.ts'

describe.each(targets)('Avito Messenger API on $name', (target) => {
  const k = gatewayKit(target, {
    avito: (url) => ({ baseUrl: url, userId: '94235311', clientId: 'cid', clientSecret: 'csecret' }),
  })
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
    const path = `/api/hooks/avito/${k.ch.avito!.webhookKey}`
    const raw = webhook(chatId, `av-in-${chatId}`, { text: 'Ещё продаёте?' })
    for (let i = 0; i < 2; i++) expect((await k.post(path, raw)).statusCode).toBe(200)
    expect(
      (await k.post(path, webhook(chatId, `echo-${chatId}`, { text: 'наш ответ' }, 94235311))).statusCode,
    ).toBe(200)
    expect((await k.post(`/api/hooks/avito/${'x'.repeat(24)}`, raw)).statusCode).toBe(404)
    const { chat, messages: ms } = await k.chatAt(k.ch.avito!, chatId)
    expect(ms.map((m) => m.text)).toEqual(['Ещё продаёте?'])
    expect(chat!.requestInfo).toMatchObject({ listing: 'https://www.avito.ru/3124567890' })
    const id = await k.reply(chat!.id, 'Да, продаём')
    const call = await k.stand.waitFor(
      (c) => c.path === `/messenger/v1/accounts/94235311/chats/${chatId}/messages`,
    )
    const grant = k.stand.calls.find((c) => c.path === '/token')
    expect(grant?.json).toEqual({
      grant_type: 'client_credentials',
      client_id: 'cid',
      client_secret: 'csecret',
    })
    expect(call.headers.authorization).toBe(
      `Bearer ${(grant!.answer as { access_token: string }).access_token}`,
    )
    expect(call.json).toEqual({ message: { text: 'Да, продаём' }, type: 'text' })
    expect((await k.messageById(id))!.externalId).toMatch(/^av-/)
    const pdf = await k.f.app.inject({
      method: 'POST',
      url: `/api/chats/${chat!.id}/files?clientMsgId=${randomUUID()}&name=price.pdf`,
      headers: { ...auth(k.token), 'content-type': 'application/octet-stream' },
      payload: Buffer.from('%PDF-1.4 test'),
    })
    expect(pdf.statusCode).toBe(422)
    expect(pdf.json()).toMatchObject({ error: { code: 'E_CHANNEL_CAPABILITY' } })
    // Refused before the bytes are read: nothing kept.
    expect(await k.f.db.orm.select().from(schema.files).where(eq(schema.files.name, 'price.pdf'))).toEqual([])
    const webp = await k.f.app.inject({
      method: 'POST',
      url: `/api/chats/${chat!.id}/files?clientMsgId=${randomUUID()}&name=photo.webp`,
      headers: { ...auth(k.token), 'content-type': 'application/octet-stream' },
      payload: Buffer.from('RIFF0000WEBPVP8 '),
    })
    expect(webp.json()).toMatchObject({ error: { code: 'E_CHANNEL_CAPABILITY' } })
    const png = await k.f.app.inject({
      method: 'POST',
      url: `/api/chats/${chat!.id}/files?clientMsgId=${randomUUID()}&name=photo.png`,
      headers: { ...auth(k.token), 'content-type': 'application/octet-stream' },
      payload: PNG,
    })
    expect(png.statusCode, png.body).toBe(200)
    await k.f.app.jobs.drain()
    await k.stand.waitFor((c) => c.path === `/messenger/v1/accounts/94235311/chats/${chatId}/messages/image`)
    expect(k.stand.calls.some((c) => c.path === '/messenger/v1/accounts/94235311/uploadImages')).toBe(true)
  })
})
