/** The mail's parts as the chat takes them: one-line headers, addresses, ids, quotes, HTML as text. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { baseSubject, htmlToText, msgId, normalAddress, oneLine, parseMail, stripQuoted } from './mail.ts'

describe('e-mail parts', () => {
  it('a header value is one line whatever it holds: no CR, LF, NUL, other controls, bidi overrides or lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const v = oneLine(s)
        expect(v).not.toMatch(/[\p{Cc}\u202e]/u)
        expect(v).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/)
        expect(v.length).toBeLessThanOrEqual(998)
      }),
    )
    expect(oneLine('Hello\r\nBcc: x@y\u0000')).toBe('Hello Bcc: x@y')
  })

  it('addresses are lower-cased; what is not one address is null', () => {
    expect(normalAddress(' Ivan@Example.COM ')).toBe('ivan@example.com')
    for (const bad of [
      '',
      'no-at',
      'a@b@c',
      'a b@c.d',
      '<a@b.c>',
      'a@b.c\r\nBcc: d@e.f',
      `${'a'.repeat(65)}@b.c`,
    ])
      expect(normalAddress(bad), bad).toBeNull()
  })

  it('a Message-ID keeps its brackets; spaces, brackets or controls inside make it no id', () => {
    expect(msgId('<a.b@c>')).toBe('<a.b@c>')
    expect(msgId('a.b@c')).toBe('<a.b@c>')
    for (const bad of ['<a b@c>', '<a>b@c>', '<a@c>\r\nX: y', '']) expect(msgId(bad), bad).toBeNull()
  })

  it('a thread is named by its subject without reply and forward prefixes', () => {
    expect(baseSubject('Re: RE: Fwd: Счёт')).toBe('Счёт')
    expect(baseSubject('Ответ: Re[2]: Счёт')).toBe('Счёт')
    expect(baseSubject('Регистрация')).toBe('Регистрация')
  })

  it('the quoted history under a reply is cut with its attribution line; a mail that is all quote is kept', () => {
    expect(stripQuoted('Да, спасибо.\n\nВ пн, 1 дек. Анна написала:\n> Вопрос?\n>\n> ещё')).toBe(
      'Да, спасибо.',
    )
    expect(stripQuoted('Ok\n\nOn Mon, Anna <a@b.c> wrote:\n> q')).toBe('Ok')
    expect(stripQuoted('> only a quote')).toBe('> only a quote')
    expect(stripQuoted('> inline\nanswer')).toBe('> inline\nanswer')
  })

  it('HTML becomes text: no tags, images, scripts, styles, form values or link targets', () => {
    const t = htmlToText(
      '<style>p{color:red}</style><p>A&amp;B <a href="http://t.example/x">link</a></p><img src="http://t.example/p.gif" alt="ALT"><script>x()</script><textarea>T</textarea>',
    )
    expect(t).toBe('A&B link')
  })

  it('a mail without a Message-ID gets one from its bytes (the same mail twice, the same id)', async () => {
    const raw = Buffer.from('From: a@b.c\r\nTo: d@e.f\r\nSubject: s\r\n\r\nhi\r\n')
    const [one, two] = [await parseMail(raw), await parseMail(raw)]
    expect(one.messageId).toMatch(/^<[0-9a-f]{40}@frontline\.invalid>$/)
    expect(two.messageId).toBe(one.messageId)
    expect(one).toMatchObject({ fromAddress: 'a@b.c', subject: 's', text: 'hi', parents: [] })
  })

  it('any bytes parse to a mail whose every field is safe text (or the parser refuses; the SMTP server then answers 554)', async () => {
    const head = fc.constantFrom(
      '',
      'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n',
      'Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n',
      'Subject: =?utf-8?B?',
    )
    await fc.assert(
      fc.asyncProperty(head, fc.uint8Array({ maxLength: 400 }), async (h, bytes) => {
        const raw = Buffer.concat([Buffer.from(`From: a@b.c\r\n${h}`), Buffer.from(bytes)])
        const m = await parseMail(raw).catch(() => null)
        if (!m) return
        for (const v of [m.subject, m.fromName ?? '', ...m.attachments.map((a) => a.name)])
          expect(v).not.toMatch(/[\p{Cc}\u202e]/u)
        expect(m.text).not.toMatch(/[^\P{Cc}\t\n]/u)
        expect(m.messageId).toMatch(/^<[^\s<>]+>$/)
      }),
      { numRuns: 200 },
    )
  })

  it('a multipart without its boundary keeps its body as text, with a note saying why it is not split (probe 8 #11)', async () => {
    const raw = Buffer.from(
      'From: a@b.c\r\nSubject: s\r\nContent-Type: multipart/mixed\r\n\r\nhello body text\r\nmore\r\n',
    )
    const m = await parseMail(raw)
    expect(m.text).toBe(
      'hello body text\nmore\n\n[Письмо без границы частей (boundary), показано как текст / multipart mail without a boundary, shown as text]',
    )
  })

  it("a forwarded mail (message/rfc822 part) is kept as text: its From, Date, Subject and body; its attachments join the mail's (probe 8 #11)", async () => {
    const raw = Buffer.from(
      [
        'From: a@b.c',
        'Subject: fwd',
        'Content-Type: multipart/mixed; boundary="XX"',
        '',
        '--XX',
        'Content-Type: text/plain',
        '',
        'see below',
        '--XX',
        'Content-Type: message/rfc822',
        '',
        'From: "Orig" <orig@o.example>',
        'Subject: original\r\nBcc: x@y',
        'Date: Mon, 1 Jan 2024 10:00:00 +0000',
        'Content-Type: multipart/mixed; boundary="YY"',
        '',
        '--YY',
        'Content-Type: text/html',
        '',
        '<p>original <b>body</b></p><script>x()</script>',
        '--YY',
        'Content-Type: text/plain; name="inner.txt"',
        'Content-Disposition: attachment; filename="inner.txt"',
        '',
        'inner file',
        '--YY--',
        '--XX--',
        '',
      ].join('\r\n'),
    )
    const m = await parseMail(raw)
    expect(m.text).toBe(
      [
        'see below',
        '',
        '---------- Пересланное письмо / Forwarded message ----------',
        'От / From: Orig <orig@o.example>',
        'Дата / Date: 2024-01-01T10:00:00.000Z',
        'Тема / Subject: original',
        '',
        'original body',
      ].join('\n'),
    )
    expect(m.attachments.map((a) => [a.name, a.content.toString()])).toEqual([['inner.txt', 'inner file']])
  })
})
