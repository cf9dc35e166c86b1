/**
 * Issue 8 §1, T1 e-mail: a real SMTP exchange — nodemailer (or a raw socket) → our inbound server →
 * the tenant's Requests; an operator's reply → nodemailer → a capturing relay (a second smtp-server),
 * threaded to the client's mail. Bad input: malformed MIME, a 40 MB mail, hostile HTML, header
 * injection, unknown and other tenants' addresses, mislabelled attachments.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { and, asc, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import nodemailer, { type SendMailOptions } from 'nodemailer'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../app.ts'
import { type Db, loadSecrets, schema } from '../../db/index.ts'
import {
  acceptChat,
  openChannelChat,
  sendOperatorMessage,
  storeFile,
  type Viewer,
} from '../../domain/chats/index.ts'
import { setStatus } from '../../domain/status/index.ts'
import { createTenant, seedDemo } from '../../domain/tenants/index.ts'
import { FileStore } from '../../files/index.ts'
import { Hub } from '../../realtime/hub.ts'
import { type TestDb, targets } from '../../test/dbs.ts'
import { captureRelay, rawSmtp } from '../../test/smtp.ts'

const { channels, chats, employees, messages, files, tenants } = schema
const DEMO = 'support@demo.frontline.local'
const OTHER = 'help@other.example'
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082',
  'hex',
)

describe.each(targets)('e-mail channel on $name', (target) => {
  let t: TestDb
  let db: Db
  let hub: Hub
  let app: FastifyInstance
  let relay: Awaited<ReturnType<typeof captureRelay>>
  let dir: string
  let demoId: string
  let otherId: string
  let op1: Viewer
  let seq = 0

  beforeAll(async () => {
    t = await target.open()
    db = t.db
    await seedDemo(db, { password: 'demo-pass-1' })
    const [tenant] = await db.orm.select().from(tenants).where(eq(tenants.slug, 'demo'))
    demoId = tenant!.id
    otherId = await createTenant(db.orm, {
      name: 'Other',
      slug: 'other',
      sipDomain: 'other.frontline.local',
      seats: 1,
      features: { softphone: false, omni: true },
    })
    await db.orm
      .insert(channels)
      .values({ tenantId: otherId, kind: 'email', name: 'Mail', connected: true, address: OTHER })
    const [e] = await db.orm.select().from(employees).where(eq(employees.login, 'op1@demo'))
    op1 = { tenantId: demoId, employeeId: e!.id, role: e!.role }
    await setStatus(db, demoId, op1.employeeId, 'available')
    relay = await captureRelay()
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-email-'))
    hub = new Hub(db)
    await hub.start()
    app = await buildApp({
      db,
      secrets: await loadSecrets(db.orm, dir),
      hub,
      sipWsUrl: 'ws://127.0.0.1:8088',
      sipStatus: () => 'unavailable',
      distDir: path.join(dir, 'dist'),
      siteDir: path.join(dir, 'site'),
      filesDir: path.join(dir, 'files'),
      version: '0.0.0-test',
      logLevel: 'silent',
      jobOptions: { backoffMs: () => 0, pollMs: 50 },
      email: { port: 0, relayUrl: relay.url },
    })
    await app.ready()
  })
  afterAll(async () => {
    await hub?.stop()
    await app?.close()
    await relay?.close()
    await t?.dispose()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  const smtpPort = () => {
    const p = app.smtp?.port
    if (!p) throw new Error('the inbound SMTP server is not listening')
    return p
  }
  const client = () =>
    nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort(), secure: false, ignoreTLS: true })
  const mid = () => `<t${++seq}.${Date.now()}@client.example>`
  const send = (m: SendMailOptions) => client().sendMail({ to: DEMO, ...m })

  /** The tenant's chats of a client address, with their messages in order. */
  async function chatsOf(tenantId: string, address: string) {
    const rows = await db.orm
      .select()
      .from(chats)
      .where(and(eq(chats.tenantId, tenantId), eq(chats.clientAddress, address)))
    return Promise.all(
      rows.map(async (c) => ({
        chat: c,
        messages: await db.orm
          .select()
          .from(messages)
          .where(and(eq(messages.tenantId, tenantId), eq(messages.chatId, c.id)))
          .orderBy(asc(messages.n)),
      })),
    )
  }

  it('a mail to the demo address opens a chat in New with the subject and body; its Message-ID is kept; a redelivery stores nothing twice', async () => {
    const id = mid()
    const mail = {
      from: '"Иван Петров" <Ivan.Petrov@Client.Example>',
      subject: 'Не работает доставка',
      text: 'Здравствуйте! Заказ 123 не пришёл.',
      messageId: id,
    }
    await send(mail)
    await send(mail)
    const [c, ...more] = await chatsOf(demoId, 'ivan.petrov@client.example')
    expect(more).toEqual([])
    expect(c!.chat).toMatchObject({ state: 'new', channel: 'email', clientName: 'Иван Петров' })
    expect(c!.chat.clientEmail).toBe('ivan.petrov@client.example')
    expect(c!.messages.map((m) => [m.author, m.text, m.externalId])).toEqual([
      ['client', 'Не работает доставка\n\nЗдравствуйте! Заказ 123 не пришёл.', id],
    ])
  })

  it('threading: a reply (In-Reply-To) joins its chat even from another address; a new subject from the same client while the chat is open joins it too', async () => {
    const first = mid()
    await send({ from: 'anna@client.example', subject: 'Счёт', text: 'Пришлите счёт', messageId: first })
    await send({
      from: 'buh@client.example',
      subject: 'Re: Счёт',
      text: 'И акт тоже, пожалуйста.\n\nOn Mon, Anna wrote:\n> Пришлите счёт',
      inReplyTo: first,
      references: [first],
      messageId: mid(),
    })
    await send({
      from: 'ANNA@client.example',
      subject: 'Другой вопрос',
      text: 'А доставка?',
      messageId: mid(),
    })
    const [c, ...more] = await chatsOf(demoId, 'anna@client.example')
    expect(more).toEqual([])
    expect(await chatsOf(demoId, 'buh@client.example')).toEqual([])
    // The reply's quoted history is cut, its "Re:" subject is not repeated; a new subject is shown.
    expect(c!.messages.map((m) => m.text)).toEqual([
      'Счёт\n\nПришлите счёт',
      'И акт тоже, пожалуйста.',
      'Другой вопрос\n\nА доставка?',
    ])
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
    // The client answers our mail from another address: it still joins the chat.
    await send({
      from: 'olga.work@client.example',
      subject: 'Re: Возврат',
      text: 'Спасибо!',
      messageId: mid(),
      inReplyTo: got.parsed.messageId,
      references: [first, second, got.parsed.messageId!],
    })
    const [after] = await chatsOf(demoId, 'olga@client.example')
    expect(after!.messages.map((m) => [m.author, m.text])).toContainEqual(['client', 'Спасибо!'])
  })

  it('HTML mail is shown as text: scripts, styles, forms, tracking pixels and remote images are dropped, nothing is fetched', async () => {
    await send({
      from: 'html@client.example',
      subject: 'HTML',
      messageId: mid(),
      html: `<html><head><style>body{background:url(http://tracker.example/css.png)}</style>
        <script>alert('x')</script></head><body onload="steal()">
        <p>Добрый <b>день</b>!</p><img src="http://tracker.example/pixel.gif?u=1" width="1" height="1">
        <img src="https://cdn.example/logo.png" alt="LOGO-ALT">
        <form action="http://phish.example/"><input name="pw" value="SECRET-VALUE"><button>Войти</button></form>
        <iframe src="http://evil.example/"></iframe><a href="javascript:alert(1)">ссылка</a></body></html>`,
    })
    const [c] = await chatsOf(demoId, 'html@client.example')
    const text = c!.messages[0]!.text
    expect(text).toContain('Добрый день!')
    expect(text).toContain('ссылка')
    for (const bad of [
      '<',
      'alert',
      'tracker.example',
      'cdn.example',
      'LOGO-ALT',
      'SECRET-VALUE',
      'Войти',
      'evil.example',
      'background',
    ])
      expect(text).not.toContain(bad)
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

  it('attachments become chat files when their bytes are what their name says; an .exe or a mislabelled file is refused with a note in the chat, never silently', async () => {
    await send({
      from: 'files@client.example',
      subject: 'Файлы',
      text: 'Смотрите вложения',
      messageId: mid(),
      attachments: [
        { filename: 'photo.png', content: PNG, contentType: 'image/png' },
        {
          filename: 'setup.exe',
          content: Buffer.from('MZ\x90\x00 not really'),
          contentType: 'application/octet-stream',
        },
        {
          filename: 'invoice.pdf',
          content: Buffer.from('MZ pretending to be a PDF'),
          contentType: 'application/pdf',
        },
      ],
    })
    const [c] = await chatsOf(demoId, 'files@client.example')
    const [text, file, ...rest] = c!.messages
    expect(rest).toEqual([])
    expect(text!.text).toContain('Смотрите вложения')
    expect(text!.text).toContain('setup.exe — тип файла не разрешён / file type not allowed')
    expect(text!.text).toContain('invoice.pdf — тип файла не разрешён / file type not allowed')
    expect(file!.kind).toBe('file')
    const [f] = await db.orm.select().from(files).where(eq(files.id, file!.fileId!))
    expect(f).toMatchObject({ name: 'photo.png', type: 'image/png', size: PNG.length })
  })

  it('a mail cut short by a failure (its thread row never written) is stored whole on redelivery, each message once; an empty mail still shows', async () => {
    const id = mid()
    const mail = {
      from: 'again@client.example',
      subject: 'Снова',
      text: 'текст',
      messageId: id,
      attachments: [{ filename: 'photo.png', content: PNG, contentType: 'image/png' }],
    }
    await send(mail)
    const { emailMails } = await import('./schema.ts')
    await db.orm.delete(emailMails).where(eq(emailMails.messageId, id))
    await send(mail)
    const [c] = await chatsOf(demoId, 'again@client.example')
    expect(c!.messages.map((m) => m.kind)).toEqual(['text', 'file'])
    expect(await db.orm.select().from(emailMails).where(eq(emailMails.messageId, id))).toHaveLength(1)
    await send({ from: 'empty@client.example', messageId: mid(), text: '' })
    const [e] = await chatsOf(demoId, 'empty@client.example')
    expect(e!.messages.map((m) => m.text)).toEqual(['(пустое письмо / empty mail)'])
  })

  it('at most 20 attachments of one mail become files; the rest are named in a note', async () => {
    await send({
      from: 'many@client.example',
      subject: 'Много',
      text: 'файлы',
      messageId: mid(),
      attachments: Array.from({ length: 22 }, (_, i) => ({
        filename: `n${i + 1}.txt`,
        content: `файл ${i + 1}`,
      })),
    })
    const [c] = await chatsOf(demoId, 'many@client.example')
    const [text, ...rest] = c!.messages
    expect(rest.map((m) => m.kind)).toEqual(Array(20).fill('file'))
    expect(text!.text).toContain(
      'n21.txt — больше 20 вложений в письме / more than 20 attachments in one mail',
    )
    expect(text!.text).toContain('n22.txt')
    expect(text!.text).not.toContain('n20.txt')
  })

  it('malformed MIME (a multipart without its boundary, broken encodings) is taken as far as it parses; the server keeps serving', async () => {
    const raw = [
      'From: broken@client.example',
      `To: ${DEMO}`,
      'Subject: =?utf-8?B?!!!notbase64?=',
      'Content-Type: multipart/mixed; boundary="never-closed"',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '--never-closed',
      'Content-Type: text/plain; charset=x-unknown-charset',
      '',
      'Текст =C3=28 =ZZ',
      '',
    ].join('\r\n')
    const r = await client().sendMail({ envelope: { from: 'broken@client.example', to: [DEMO] }, raw })
    expect(r.response).toMatch(/^250 /)
    const [c] = await chatsOf(demoId, 'broken@client.example')
    expect(c!.messages).toHaveLength(1)
    expect(c!.messages[0]!.text).not.toContain('\u0000')
    await send({ from: 'after@client.example', subject: 'ещё', text: 'работает', messageId: mid() })
    expect(await chatsOf(demoId, 'after@client.example')).toHaveLength(1)
  })

  it('a 40 MB mail is refused with 552: when SIZE declares it at MAIL FROM, and when it streams past the limit in DATA; nothing is stored', async () => {
    const s = await rawSmtp(smtpPort())
    expect(await s.send('EHLO test')).toMatch(/250[- ]SIZE \d+/)
    expect(await s.send(`MAIL FROM:<big@client.example> SIZE=${40 * 1024 * 1024}`)).toMatch(/^552 /)
    expect(await s.send('MAIL FROM:<big@client.example>')).toMatch(/^250 /)
    expect(await s.send(`RCPT TO:<${DEMO}>`)).toMatch(/^250 /)
    expect(await s.send('DATA')).toMatch(/^354 /)
    await s.write(`From: big@client.example\r\nTo: ${DEMO}\r\nSubject: big\r\n\r\n`)
    const line = `${'A'.repeat(998)}\r\n`
    const chunk = line.repeat(1024)
    for (let sent = 0; sent < 40 * 1024 * 1024; sent += chunk.length) await s.write(chunk)
    await s.write('.\r\n')
    expect(await s.reply()).toMatch(/^552 /)
    s.close()
    expect(await chatsOf(demoId, 'big@client.example')).toEqual([])
  })

  it("an unknown recipient is refused at RCPT (550); a mail to another tenant's address reaches only that tenant; one to both reaches each once", async () => {
    const s = await rawSmtp(smtpPort())
    await s.send('EHLO test')
    await s.send('MAIL FROM:<x@client.example>')
    expect(await s.send('RCPT TO:<nobody@demo.frontline.local>')).toMatch(/^550 /)
    expect(await s.send('RCPT TO:<not an address>')).toMatch(/^5\d\d /)
    s.close()
    await client().sendMail({
      from: 'cross@client.example',
      to: OTHER,
      subject: 'other',
      text: 'для other',
      messageId: mid(),
    })
    expect(await chatsOf(demoId, 'cross@client.example')).toEqual([])
    const [o] = await chatsOf(otherId, 'cross@client.example')
    expect(o!.messages.map((m) => m.text)).toEqual(['other\n\nдля other'])
    await client().sendMail({
      from: 'both@client.example',
      to: [OTHER, DEMO],
      subject: 'both',
      text: 'обоим',
      messageId: mid(),
    })
    expect((await chatsOf(demoId, 'both@client.example')).map((c) => c.messages.length)).toEqual([1])
    expect((await chatsOf(otherId, 'both@client.example')).map((c) => c.messages.length)).toEqual([1])
  })

  it('a recipient of a transaction abandoned with RSET is not a recipient of the next one on the same connection', async () => {
    const s = await rawSmtp(smtpPort())
    await s.send('EHLO test')
    await s.send('MAIL FROM:<rset@client.example>')
    expect(await s.send(`RCPT TO:<${DEMO}>`)).toMatch(/^250 /)
    expect(await s.send('RSET')).toMatch(/^250 /)
    await s.send('MAIL FROM:<rset@client.example>')
    expect(await s.send(`RCPT TO:<${OTHER}>`)).toMatch(/^250 /)
    expect(await s.send('DATA')).toMatch(/^354 /)
    await s.write(`From: rset@client.example\r\nTo: ${OTHER}\r\nSubject: rset\r\n\r\nonly other\r\n.\r\n`)
    expect(await s.reply()).toMatch(/^250 /)
    s.close()
    expect(await chatsOf(demoId, 'rset@client.example')).toEqual([])
    expect(await chatsOf(otherId, 'rset@client.example')).toHaveLength(1)
  })

  it('a channel disconnected between RCPT and the end of DATA refuses the mail with 550 (not a retry-later 451)', async () => {
    const s = await rawSmtp(smtpPort())
    await s.send('EHLO test')
    await s.send('MAIL FROM:<late@client.example>')
    expect(await s.send(`RCPT TO:<${OTHER}>`)).toMatch(/^250 /)
    const other = and(eq(channels.tenantId, otherId), eq(channels.kind, 'email'))
    await db.orm.update(channels).set({ connected: false }).where(other)
    try {
      expect(await s.send('DATA')).toMatch(/^354 /)
      await s.write(`From: late@client.example\r\nTo: ${OTHER}\r\nSubject: late\r\n\r\nhi\r\n.\r\n`)
      expect(await s.reply()).toMatch(/^550 /)
    } finally {
      s.close()
      await db.orm.update(channels).set({ connected: true }).where(other)
    }
    expect(await chatsOf(otherId, 'late@client.example')).toEqual([])
  })

  it('a second tenant cannot connect an e-mail channel at an address already connected (any case): the mail cannot be routed to it', async () => {
    await expect(
      db.orm.insert(channels).values({
        tenantId: otherId,
        kind: 'email',
        name: 'Stolen',
        connected: true,
        address: DEMO.toUpperCase(),
      }),
    ).rejects.toThrow()
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
      body: (await import('node:stream')).Readable.from([PNG]),
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
      .set({ config: { ...ch!.config, smtp: { host: '127.0.0.1', port, secure: false } } })
      .where(eq(channels.id, ch!.id))
    try {
      const m = await sendOperatorMessage(db.orm, op1, c!.chat.id, {
        clientMsgId: crypto.randomUUID(),
        text: 'Ещё',
      })
      await app.jobs.drain()
      const [row] = await db.orm.select().from(messages).where(eq(messages.id, m.message.id))
      expect(row!.delivery).toBe('failed')
      expect(tries).toBe(1)
    } finally {
      await db.orm.update(channels).set({ config: ch!.config }).where(eq(channels.id, ch!.id))
      await new Promise<void>((r) => refusing.close(() => r()))
    }
  })

  it('closing the app stops its SMTP server', async () => {
    const port = smtpPort()
    await app.close()
    expect(app.smtp?.port).toBeNull()
    await expect(rawSmtp(port)).rejects.toThrow(/ECONNREFUSED/)
  })
})
