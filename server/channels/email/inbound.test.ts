/**
 * Issue 8 §1, T1 e-mail in: a real SMTP exchange — nodemailer (or a raw socket) → our inbound server →
 * the tenant's Requests. Threading, HTML as text, attachments, and bad input: malformed MIME, a 40 MB
 * mail, hostile HTML, unknown and other tenants' addresses, a RSET, a channel gone mid-mail.
 */
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { beforeAll, describe, expect, it } from 'vitest'
import { type Db, schema } from '../../db/index.ts'
import { targets } from '../../test/dbs.ts'
import { rawSmtp } from '../../test/smtp.ts'
import { DEMO, OTHER, PNG, useEmailApp } from './test-app.ts'

const { channels, files } = schema

describe.each(targets)('e-mail in on $name', (target) => {
  const e = useEmailApp(target)
  const { smtpPort, client, mid, send, chatsOf } = e
  let db: Db
  let app: FastifyInstance
  let demoId: string
  let otherId: string
  beforeAll(() => {
    ;({ db, app, demoId, otherId } = e.x)
  })

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

  it('T6: a new chat records the address the client wrote to (requestInfo.to), as the channel knows it', async () => {
    await send({ from: 'to-test@client.example', to: DEMO.toUpperCase(), subject: 'Кому', text: 'Проверка' })
    const [c] = await chatsOf(demoId, 'to-test@client.example')
    expect(c!.chat.requestInfo).toMatchObject({ to: DEMO })
  })

  it('threading: a reply (In-Reply-To) from the client joins his chat, one from another address opens its own; a new subject from the same client while the chat is open joins it too', async () => {
    const first = mid()
    await send({ from: 'anna@client.example', subject: 'Счёт', text: 'Пришлите счёт', messageId: first })
    await send({
      from: 'anna@client.example',
      subject: 'Re: Счёт',
      text: 'И акт тоже, пожалуйста.\n\nOn Mon, Anna wrote:\n> Пришлите счёт',
      inReplyTo: first,
      references: [first],
      messageId: mid(),
    })
    await send({
      from: 'buh@client.example',
      subject: 'Re: Счёт',
      text: 'Я из бухгалтерии.',
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
    expect((await chatsOf(demoId, 'buh@client.example')).map((b) => b.messages.length)).toEqual([1])
    // The reply's quoted history is cut, its "Re:" subject is not repeated; a new subject is shown.
    expect(c!.messages.map((m) => m.text)).toEqual([
      'Счёт\n\nПришлите счёт',
      'И акт тоже, пожалуйста.',
      'Другой вопрос\n\nА доставка?',
    ])
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

  it('nothing of a long mail is lost: the refusal notes come first, the body goes on in further messages, and a body longer than five is also kept whole as mail.txt', async () => {
    const para = (i: number) => `Абзац ${i}: ${'текст письма '.repeat(40)}`
    const body18k = Array.from({ length: 36 }, (_, i) => para(i)).join('\n\n')
    expect(body18k.length).toBeGreaterThan(18_000)
    await send({
      from: 'long@client.example',
      subject: 'Длинное письмо',
      text: body18k,
      messageId: mid(),
      attachments: [
        {
          filename: 'invoice.exe',
          content: Buffer.from('MZ\x90\x00'),
          contentType: 'application/octet-stream',
        },
      ],
    })
    const [c] = await chatsOf(demoId, 'long@client.example')
    const texts = c!.messages.map((m) => m.text)
    expect(texts.length).toBe(2)
    expect(texts[0]).toContain('invoice.exe — тип файла не разрешён / file type not allowed')
    expect(texts.every((t) => t.length <= 10_000)).toBe(true)
    // Every paragraph arrived, the last one too (it was cut before, with the note after it).
    for (let i = 0; i < 36; i++) expect(texts.join('\n\n')).toContain(`Абзац ${i}:`)

    const body60k = Array.from({ length: 120 }, (_, i) => para(i)).join('\n\n')
    await send({ from: 'longer@client.example', subject: 'Очень длинное', text: body60k, messageId: mid() })
    const [d] = await chatsOf(demoId, 'longer@client.example')
    const kinds = d!.messages.map((m) => m.kind)
    expect(kinds).toEqual(['text', 'text', 'text', 'text', 'text', 'file'])
    expect(d!.messages[0]!.text).toContain('all of it is in mail.txt')
    const [f] = await db.orm.select().from(files).where(eq(files.id, d!.messages[5]!.fileId!))
    // The whole body (as the parser gives it: line ends may differ from what was sent).
    expect(f?.name).toBe('mail.txt')
    expect(Math.abs(f!.size - Buffer.byteLength(body60k, 'utf8'))).toBeLessThan(2000)
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

  it('a mail to another tenant naming a Message-ID of ours in In-Reply-To stays in that tenant: threading never crosses tenants or channels', async () => {
    const ours = mid()
    await send({ from: 'victim@client.example', subject: 'Секрет', text: 'наш разговор', messageId: ours })
    await client().sendMail({
      from: 'intruder@client.example',
      to: OTHER,
      subject: 'Re: Секрет',
      text: 'подслушать',
      messageId: mid(),
      inReplyTo: ours,
      references: [ours],
    })
    const [mine] = await chatsOf(demoId, 'victim@client.example')
    expect(mine!.messages.map((m) => m.text)).toEqual(['Секрет\n\nнаш разговор'])
    expect((await chatsOf(otherId, 'intruder@client.example')).map((c) => c.messages.length)).toEqual([1])
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

  it("probe 10 #4: a suspended tenant's address is refused at RCPT with a 5xx (a bounce, not silence); re-activated, it takes mail again", async () => {
    const other = eq(schema.tenants.id, otherId)
    await db.orm.update(schema.tenants).set({ suspendedAt: new Date() }).where(other)
    const s = await rawSmtp(smtpPort())
    try {
      await s.send('EHLO test')
      await s.send('MAIL FROM:<paused@client.example>')
      expect(await s.send(`RCPT TO:<${OTHER}>`)).toMatch(/^550 5\.2\.1 /)
      expect(await s.send(`RCPT TO:<${DEMO}>`)).toMatch(/^250 /)
    } finally {
      s.close()
      await db.orm.update(schema.tenants).set({ suspendedAt: null }).where(other)
    }
    const again = await rawSmtp(smtpPort())
    await again.send('EHLO test')
    await again.send('MAIL FROM:<paused@client.example>')
    expect(await again.send(`RCPT TO:<${OTHER}>`)).toMatch(/^250 /)
    again.close()
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

  it('closing the app stops its SMTP server', async () => {
    const port = smtpPort()
    await app.close()
    expect(app.smtp?.port).toBeNull()
    await expect(rawSmtp(port)).rejects.toThrow(/ECONNREFUSED/)
  })
})
