/** Viber REST bot API (issue 8 §3): webhooks shaped like the provider's documented samples; sends captured by the stand-in. */
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { targets } from '../../test/dbs.ts'
import { hmacHex } from '../webhooks.ts'
import { gatewayKit } from './test-kit.ts'

describe.each(targets)('Viber REST bot API on $name', (target) => {
  const k = gatewayKit(target, { viber: (url) => ({ baseUrl: url, authToken: 'viber-auth-token' }) })
  const sign = (raw: string, secret = 'viber-auth-token') => ({
    'x-viber-content-signature': hmacHex(secret, raw),
  })
  const message = (sender: string, token: string, text: string) =>
    `{"event":"message","timestamp":1457764197627,"chat_hostname":"SN-376_","message_token":${token},"sender":{"id":"${sender}","name":"John McClane","language":"en","country":"UK","api_version":1},"message":{"type":"text","text":"${text}"},"silent":false}`

  it('checks X-Viber-Content-Signature, stores once by message_token (64-bit, exact), and sends to /pa/send_message', async () => {
    const sender = `01234567890A${randomUUID().slice(0, 8)}=`
    const path = `/api/hooks/viber/${k.ch.viber!.webhookKey}`
    const raw = message(sender, '4912661846655238145', 'hello viber')
    const twin = message(sender, '4912661846655238144', 'a different message')
    expect((await k.post(path, raw, sign(raw, 'wrong'))).statusCode).toBe(401)
    expect((await k.post(path, raw)).statusCode).toBe(401)
    expect((await k.chatAt(k.ch.viber!, sender)).chat).toBeUndefined()
    for (const body of [raw, raw, twin]) expect((await k.post(path, body, sign(body))).statusCode).toBe(200)
    const { chat, messages: ms } = await k.chatAt(k.ch.viber!, sender)
    expect(ms.map((m) => [m.text, m.externalId])).toEqual([
      ['hello viber', '4912661846655238145'],
      ['a different message', '4912661846655238144'],
    ])
    const id = await k.reply(chat!.id, 'Viber reply')
    const call = await k.stand.waitFor(
      (c) => c.path === '/pa/send_message' && (c.json as { receiver?: string })?.receiver === sender,
    )
    expect(call.headers['x-viber-auth-token']).toBe('viber-auth-token')
    expect(call.json).toMatchObject({
      receiver: sender,
      type: 'text',
      text: 'Viber reply',
      min_api_version: 1,
    })
    const ext = (await k.messageById(id))!.externalId!
    expect(ext).toMatch(/^50{14,}\d+$/)
    const seen = `{"event":"seen","timestamp":1457764197627,"message_token":${ext},"user_id":"${sender}"}`
    expect((await k.post(path, seen, sign(seen))).statusCode).toBe(200)
    expect((await k.messageById(id))!.delivery).toBe('read')
  })
})
