import { describe, expect, it } from 'vitest'
import { targets } from '../../test/dbs.ts'
import { gatewayKit, PNG } from './test-kit.ts'

describe.each(targets)('Messenger Platform on $name', (target) => {
  const k = gatewayKit(target, {
    messenger: (url) => ({ baseUrl: url, pageAccessToken: 'page-token', appSecret: 'fb-app-secret' }),
  })
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
    const path = `/api/hooks/messenger/${k.ch.messenger!.webhookKey}`
    const img = k.stand.serve(`fb-${psid}.png`, PNG, 'image/png')
    const raw = event(psid, {
      message: {
        mid: `m_${psid}`,
        text: 'hello fb',
        attachments: [{ type: 'image', payload: { url: img } }],
      },
    })
    expect((await k.post(path, raw, k.hub('wrong', raw))).statusCode).toBe(401)
    expect((await k.chatAt(k.ch.messenger!, psid)).chat).toBeUndefined()
    for (let i = 0; i < 2; i++)
      expect((await k.post(path, raw, k.hub('fb-app-secret', raw))).statusCode).toBe(200)
    const { chat, messages: ms } = await k.chatAt(k.ch.messenger!, psid)
    expect(ms.map((m) => [m.kind, m.text])).toEqual([['file', 'hello fb']])
    const id = await k.reply(chat!.id, 'FB reply')
    const call = await k.stand.waitFor(
      (c) => c.path === '/me/messages' && (c.json as { recipient?: { id?: string } })?.recipient?.id === psid,
    )
    expect(call.json).toMatchObject({
      recipient: { id: psid },
      messaging_type: 'RESPONSE',
      message: { text: 'FB reply' },
    })
    const mid = (await k.messageById(id))!.externalId!
    const delivered = event(psid, { delivery: { mids: [mid], watermark: Date.now() } })
    await k.post(path, delivered, k.hub('fb-app-secret', delivered))
    expect((await k.messageById(id))!.delivery).toBe('delivered')
    const read = event(psid, { read: { watermark: Date.now() + 1000 } })
    await k.post(path, read, k.hub('fb-app-secret', read))
    expect((await k.messageById(id))!.delivery).toBe('read')
  })

  it('at most 10 attachments of one webhook are fetched; the rest are stored with a note naming them', async () => {
    const psid = `${Date.now()}${Math.floor(Math.random() * 1000)}`
    const path = `/api/hooks/messenger/${k.ch.messenger!.webhookKey}`
    const attachments = Array.from({ length: 12 }, (_, i) => ({
      type: 'image',
      payload: { url: k.stand.serve(`many-${psid}-${i}.png`, PNG, 'image/png') },
    }))
    const raw = event(psid, { message: { mid: `m_${psid}`, text: 'много', attachments } })
    expect((await k.post(path, raw, k.hub('fb-app-secret', raw))).statusCode).toBe(200)
    const { messages: ms } = await k.chatAt(k.ch.messenger!, psid)
    expect(ms.filter((m) => m.kind === 'file')).toHaveLength(10)
    expect(ms.slice(10).map((m) => m.text)).toEqual(
      [10, 11].map(
        (i) =>
          `[Вложение не принято / attachment refused: many-${psid}-${i}.png — больше 10 вложений в одном запросе / more than 10 attachments in one webhook]`,
      ),
    )
  })
})
