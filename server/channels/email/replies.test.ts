/**
 * Issue 8 §1, T1 e-mail out: an operator's reply → nodemailer → the tenant's relay (a capturing
 * smtp-server here), threaded to the client's mail so his mail program shows it under it; header
 * injection that must not reach a header we write; files; a relay's refusal.
 */
import path from 'node:path'
import { Readable } from 'node:stream'
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { SMTPServer } from 'smtp-server'
import { beforeAll, describe, expect, it } from 'vitest'
import { type Db, schema } from '../../db/index.ts'
import {
  acceptChat,
  openChannelChat,
  sendOperatorMessage,
  storeFile,
  type Viewer,
} from '../../domain/chats/index.ts'
import { messageViewsByIds } from '../../domain/chats/views.ts'
import { FileStore } from '../../files/index.ts'
import { targets } from '../../test/dbs.ts'
import { DEMO, type EmailApp, PNG, useEmailApp } from './test-app.ts'

const { channels, messages } = schema

describe.each(targets)('e-mail out on $name', (target) => {
  const e = useEmailApp(target)
  const { client, mid, send, chatsOf } = e
  let db: Db
  let app: FastifyInstance
  let relay: EmailApp['relay']
  let dir: string
  let demoId: string
  let op1: Viewer
  beforeAll(() => {
    ;({ db, app, relay, dir, demoId, op1 } = e.x)
  })

  it("the operator's reply leaves through the relay threaded to the client's mail (From, To, Re: subject, In-Reply-To, References), and the client's answer to it joins the chat", async () => {
    const first = mid()
    await send({
      from: 'olga@client.example',
      subject: 'Возврат',
      text: 'Хочу вернуть товар',
      messageId: first,
    })
    const second = mid()
    await send({
      from: 'olga@client.example',
      subject: 'Re: Возврат',
      text: 'Номер заказа 77',
      messageId: second,
      inReplyTo: first,
      references: [first],
    })
    const [c] = await chatsOf(demoId, 'olga@client.example')
    await acceptChat(db.orm, op1, c!.chat.id)
    const sent = await sendOperatorMessage(db.orm, op1, c!.chat.id, {
      clientMsgId: crypto.randomUUID(),
      text: 'Оформили возврат.\nBcc: evil@example.com',
    })
    const got = await relay.next()
    expect(got.envelope).toEqual({ from: DEMO, to: ['olga@client.example'] })
    expect(got.parsed.subject).toBe('Re: Возврат')
    expect(got.parsed.inReplyTo).toBe(second)
    expect(got.parsed.references).toEqual([first, second])
    expect(got.parsed.text?.trim()).toBe('Оформили возврат.\nBcc: evil@example.com')
    expect(got.parsed.headers.has('bcc')).toBe(false)
    await app.jobs.drain()
    const [stored] = await db.orm.select().from(messages).where(eq(messages.id, sent.message.id))
    expect(stored!.externalId).toBe(got.parsed.messageId)
    // The client answers our mail: it joins the chat. From another address it is that address's own
    // chat (probe 8 #5: anyone can name our Message-ID).
    const answer = {
      subject: 'Re: Возврат',
      inReplyTo: got.parsed.messageId,
      references: [first, second, got.parsed.messageId!],
    }
    await send({ from: 'olga@client.example', text: 'Спасибо!', messageId: mid(), ...answer })
    await send({ from: 'olga.work@client.example', text: 'И ещё', messageId: mid(), ...answer })
    const [after] = await chatsOf(demoId, 'olga@client.example')
    expect(after!.messages.map((m) => [m.author, m.text])).toContainEqual(['client', 'Спасибо!'])
    expect(after!.messages.map((m) => m.text)).not.toContain('И ещё')
    expect(await chatsOf(demoId, 'olga.work@client.example')).toHaveLength(1)
  })

  it('header injection: CR/LF and NUL in an encoded subject and sender name are cleaned, and our reply carries no injected header', async () => {
    const raw = [
      // The name decodes to "Mallory\r\nBcc: victim@example.com".
      'From: =?utf-8?B?TWFsbG9yeQ0KQmNjOiB2aWN0aW1AZXhhbXBsZS5jb20=?= <mallory@client.example>',
      `To: ${DEMO}`,
      'Subject: =?utf-8?Q?Hello=0D=0ABcc:_victim@example.com=00?=',
      `Message-ID: ${mid()}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'body',
      '',
    ].join('\r\n')
    await client().sendMail({ envelope: { from: 'mallory@client.example', to: [DEMO] }, raw })
    const [c] = await chatsOf(demoId, 'mallory@client.example')
    expect(c!.chat.clientName).toBe('Mallory Bcc: victim@example.com')
    expect(c!.messages[0]!.text).toBe('Hello Bcc: victim@example.com\n\nbody')
    await acceptChat(db.orm, op1, c!.chat.id)
    await sendOperatorMessage(db.orm, op1, c!.chat.id, { clientMsgId: crypto.randomUUID(), text: 'ok' })
    const got = await relay.next()
    expect(got.parsed.subject).toBe('Re: Hello Bcc: victim@example.com')
    expect(got.parsed.headers.has('bcc')).toBe(false)
    expect(got.envelope.to).toEqual(['mallory@client.example'])
  })

  it('a chat we began (T10 write first) goes out named by its first line, not "Re:", with no In-Reply-To', async () => {
    const [ch] = await db.orm
      .select()
      .from(channels)
      .where(and(eq(channels.tenantId, demoId), eq(channels.kind, 'email')))
    const { chat } = await db.orm.transaction((tx) =>
      openChannelChat(tx, demoId, { channelId: ch!.id, clientAddress: 'first@client.example' }),
    )
    await acceptChat(db.orm, op1, chat.id)
    await sendOperatorMessage(db.orm, op1, chat.id, {
      clientMsgId: crypto.randomUUID(),
      text: 'Ваш заказ готов\nЗаберите в любой день.',
    })
    const got = await relay.next()
    expect(got.envelope.to).toEqual(['first@client.example'])
    expect(got.parsed.subject).toBe('Ваш заказ готов')
    expect(got.parsed.inReplyTo).toBeUndefined()
    expect(got.parsed.references).toBeUndefined()
  })

  it("an operator's file goes as an attachment of the reply; a relay refusing with 5xx marks the message failed, not retried", async () => {
    await send({ from: 'att@client.example', subject: 'Фото', text: 'Пришлите фото', messageId: mid() })
    const [c] = await chatsOf(demoId, 'att@client.example')
    await acceptChat(db.orm, op1, c!.chat.id)
    const store = new FileStore(path.join(dir, 'files'))
    const f = await storeFile(db.orm, store, {
      tenantId: demoId,
      name: 'photo.png',
      kind: 'file',
      body: Readable.from([PNG]),
      uploadedBy: { employeeId: op1.employeeId },
    })
    await sendOperatorMessage(db.orm, op1, c!.chat.id, {
      clientMsgId: crypto.randomUUID(),
      text: 'Вот',
      fileId: f.id,
    })
    const got = await relay.next()
    expect(got.parsed.attachments.map((a) => [a.filename, a.contentType, a.content.equals(PNG)])).toEqual([
      ['photo.png', 'image/png', true],
    ])
    // The tenant's own relay (channel config) refuses the recipient for good.
    let tries = 0
    const refusing = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (_a, _s, cb) => {
        tries++
        cb(Object.assign(new Error('5.1.1 no such user'), { responseCode: 550 }))
      },
    })
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', () => r()))
    const port = (refusing.server.address() as { port: number }).port
    const [ch] = await db.orm
      .select()
      .from(channels)
      .where(and(eq(channels.tenantId, demoId), eq(channels.kind, 'email')))
    await db.orm
      .update(channels)
      .set({ config: { ...ch!.config, relayHost: '127.0.0.1', relayPort: port, relaySecure: false } })
      .where(eq(channels.id, ch!.id))
    try {
      const m = await sendOperatorMessage(db.orm, op1, c!.chat.id, {
        clientMsgId: crypto.randomUUID(),
        text: 'Ещё',
      })
      await app.jobs.drain()
      const [row] = await db.orm.select().from(messages).where(eq(messages.id, m.message.id))
      expect(row!.delivery).toBe('failed')
      // The reason reaches the app's message view (shown under the "!").
      expect(row!.failReason).toBe('rejected')
      const [view] = await messageViewsByIds(db.orm, demoId, [m.message.id])
      expect(view?.failReason).toBe('rejected')
      expect(tries).toBe(1)
    } finally {
      await db.orm.update(channels).set({ config: ch!.config }).where(eq(channels.id, ch!.id))
      await new Promise<void>((r) => refusing.close(() => r()))
    }
  })
})
