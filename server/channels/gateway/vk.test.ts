/** VK Callback API (issue 8 §3): webhooks shaped like the provider's documented samples; sends captured by the stand-in. */
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { targets } from '../../test/dbs.ts'
import { vkRandomId } from './index.ts'
import { gatewayKit } from './test-kit.ts'

describe.each(targets)('VK Callback API on $name', (target) => {
  const k = gatewayKit(target, {
    vk: (url) => ({ baseUrl: url, accessToken: 'vk-token', confirmation: 'd8v2ve07' }),
  })
  const path = () => `/api/hooks/vk/${k.ch.vk!.webhookKey}`
  const messageNew = (peer: number, id: number, text: string, secret = k.ch.vk!.secret) =>
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
    const conf = await k.post(
      path(),
      JSON.stringify({ type: 'confirmation', group_id: 229876543, secret: k.ch.vk!.secret }),
    )
    expect([conf.statusCode, conf.body]).toEqual([200, 'd8v2ve07'])
    const peer = 100000 + Math.floor(Math.random() * 1e6)
    expect((await k.post(path(), messageNew(peer, 7, 'hi', 'wrong'))).statusCode).toBe(401)
    expect((await k.post(path(), JSON.stringify({ type: 'message_new', object: {} }))).statusCode).toBe(401)
    expect((await k.chatAt(k.ch.vk!, String(peer))).chat).toBeUndefined()
    for (let i = 0; i < 2; i++) {
      const r = await k.post(path(), messageNew(peer, 7, 'Привет, ВК'))
      expect([r.statusCode, r.body]).toEqual([200, 'ok'])
    }
    const { chat, messages: ms } = await k.chatAt(k.ch.vk!, String(peer))
    expect(ms.map((m) => m.text)).toEqual(['Привет, ВК'])
    const id = await k.reply(chat!.id, 'VK reply')
    const call = await k.stand.waitFor(
      (c) => c.path === '/method/messages.send' && (c.json as { peer_id?: string })?.peer_id === String(peer),
    )
    expect(call.json).toMatchObject({
      access_token: 'vk-token',
      v: '5.199',
      message: 'VK reply',
      random_id: String(vkRandomId(id)),
    })
    expect((await k.messageById(id))!.externalId).toMatch(/^\d+$/)
  })
})
