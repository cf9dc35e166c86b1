/**
 * Probe 8 finding 5: whose chat a mail joins. A mail joins a chat only when its sender is that chat's
 * client: an In-Reply-To naming another client's mail, or a header From naming another client while the
 * envelope sender (the address the MX in front checked with SPF) is someone else's, opens the actual
 * sender's own chat. Nothing here is proof of identity without SPF/DKIM (docs/api.md, "Who a mail is from").
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { targets } from '../../test/dbs.ts'
import { DEMO, useEmailApp } from './test-app.ts'

describe.each(targets)('e-mail senders on $name', (target) => {
  const e = useEmailApp(target)
  const { client, mid, send, chatsOf } = e
  let demoId: string
  beforeAll(() => {
    demoId = e.x.demoId
  })
  const raw = (from: string, body: string, extra: string[] = []) =>
    [
      `From: ${from}`,
      `To: ${DEMO}`,
      'Subject: Re: Заказ',
      `Message-ID: ${mid()}`,
      ...extra,
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
      '',
    ].join('\r\n')

  it("a mail from another address with In-Reply-To naming a client's mail opens its sender's own chat; the client's reply joins his", async () => {
    const first = mid()
    await send({ from: 'victim1@client.example', subject: 'Заказ', text: 'мой заказ', messageId: first })
    await send({
      from: 'mallory1@evil.example',
      subject: 'Re: Заказ',
      text: 'подмена',
      messageId: mid(),
      inReplyTo: first,
      references: [first],
    })
    await send({
      from: 'Victim1@client.example',
      subject: 'Re: Заказ',
      text: 'дополнение',
      messageId: mid(),
      inReplyTo: first,
    })
    const [victim, ...more] = await chatsOf(demoId, 'victim1@client.example')
    expect(more).toEqual([])
    expect(victim!.messages.map((m) => m.text)).toEqual(['Заказ\n\nмой заказ', 'дополнение'])
    const [own] = await chatsOf(demoId, 'mallory1@evil.example')
    expect(own!.messages.map((m) => m.text)).toEqual(['Re: Заказ\n\nподмена'])
  })

  it("a header From naming a client with another domain's envelope sender goes to the envelope sender's chat, the header named in a note", async () => {
    await send({ from: 'victim2@client.example', subject: 'Заказ', text: 'мой заказ', messageId: mid() })
    const r = await client().sendMail({
      envelope: { from: 'mallory2@evil.example', to: [DEMO] },
      raw: raw('"Жертва" <victim2@client.example>', 'подмена'),
    })
    expect(r.response).toMatch(/^250 /)
    const [victim] = await chatsOf(demoId, 'victim2@client.example')
    expect(victim!.messages.map((m) => m.text)).toEqual(['Заказ\n\nмой заказ'])
    const [own] = await chatsOf(demoId, 'mallory2@evil.example')
    expect(own!.chat.clientName).toBeNull()
    expect(own!.messages[0]!.text).toContain('подмена')
    expect(own!.messages[0]!.text).toContain(
      '[Отправитель в заголовке From не подтверждён / header From not verified: victim2@client.example]',
    )
  })

  it("an envelope sender of the header's domain (or a subdomain of it: a bounce address) keeps the header From's chat", async () => {
    await send({ from: 'shop3@client.example', subject: 'Заказ', text: 'первое', messageId: mid() })
    await client().sendMail({
      envelope: { from: 'bounce+123@mail.client.example', to: [DEMO] },
      raw: raw('Shop <shop3@client.example>', 'второе'),
    })
    await client().sendMail({
      envelope: { from: 'other3@client.example', to: [DEMO] },
      raw: raw('Shop <shop3@client.example>', 'третье'),
    })
    const [c, ...more] = await chatsOf(demoId, 'shop3@client.example')
    expect(more).toEqual([])
    expect(c!.messages.map((m) => m.text)).toEqual(['Заказ\n\nпервое', 'второе', 'третье'])
    expect(await chatsOf(demoId, 'bounce+123@mail.client.example')).toEqual([])
  })
})
