/**
 * Probe 8 #3 and #4: what one sender can hold of the inbound SMTP server. Mails are spooled to disk
 * (the spool is empty once each is answered), a bounded number of transactions at once (451 4.3.2 past
 * it, the sender retries), a bounded number of connections per IP (421 past it, other IPs unaffected),
 * and a deadline for a whole transaction (a DATA trickling forever is cut with 421).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { targets } from '../../test/dbs.ts'
import { rawSmtp } from '../../test/smtp.ts'
import { semaphore } from './smtp.ts'
import { DEMO, useEmailApp } from './test-app.ts'

describe('semaphore', () => {
  it('runs at most n tasks at once, the others in order as places free up', async () => {
    const run = semaphore(2)
    let active = 0
    let most = 0
    const started: number[] = []
    const gates: (() => void)[] = []
    const tasks = Array.from({ length: 5 }, (_, i) =>
      run(async () => {
        started.push(i)
        most = Math.max(most, ++active)
        await new Promise<void>((r) => gates.push(r))
        active--
        return i
      }),
    )
    await new Promise((r) => setImmediate(r))
    expect(started).toEqual([0, 1])
    while (gates.length) {
      gates.shift()!()
      await new Promise((r) => setImmediate(r))
    }
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4])
    expect(started).toEqual([0, 1, 2, 3, 4])
    expect(most).toBe(2)
  })
})

describe.each(targets)('inbound SMTP limits on $name', (target) => {
  const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-spool-test-'))
  afterAll(() => fs.rmSync(spoolDir, { recursive: true, force: true }))
  const e = useEmailApp(target, {
    limits: { inFlight: 1, perIp: 3, transactionMs: 3000 },
    spoolDir,
    maxBytes: 64 * 1024,
  })
  const { smtpPort, chatsOf } = e
  const start = async (from: string, localAddress?: string) => {
    const s = await rawSmtp(smtpPort(), localAddress)
    await s.send('EHLO test')
    return { s, mail: () => s.send(`MAIL FROM:<${from}>`) }
  }
  const head = (from: string) => `From: ${from}\r\nTo: ${DEMO}\r\nSubject: limits\r\n\r\n`

  it('one transaction at a time (inFlight 1): another MAIL FROM hears 451 4.3.2 while a mail streams in, and is taken once it is stored; the spool is left empty', async () => {
    const a = await start('first@client.example')
    expect(await a.mail()).toMatch(/^250 /)
    expect(await a.s.send(`RCPT TO:<${DEMO}>`)).toMatch(/^250 /)
    expect(await a.s.send('DATA')).toMatch(/^354 /)
    await a.s.write(`${head('first@client.example')}first part\r\n`)
    const b = await start('second@client.example')
    expect(await b.mail()).toMatch(/^451 4\.3\.2 /)
    await a.s.write('second part\r\n.\r\n')
    expect(await a.s.reply()).toMatch(/^250 /)
    expect(await b.mail()).toMatch(/^250 /)
    expect(await b.s.send(`RCPT TO:<${DEMO}>`)).toMatch(/^250 /)
    expect(await b.s.send('DATA')).toMatch(/^354 /)
    await b.s.write(`${head('second@client.example')}${'x'.repeat(70 * 1024)}\r\n.\r\n`)
    expect(await b.s.reply()).toMatch(/^552 /)
    for (const x of [a, b]) await x.s.send('QUIT')
    const [c] = await chatsOf(e.x.demoId, 'first@client.example')
    expect(c!.messages.map((m) => m.text)).toEqual(['limits\n\nfirst part\nsecond part'])
    expect(await chatsOf(e.x.demoId, 'second@client.example')).toEqual([])
    expect(fs.readdirSync(spoolDir)).toEqual([])
  })

  it('a DATA trickling past the transaction deadline is cut with 421 and nothing is stored; the next mail is taken', async () => {
    const a = await start('slow@client.example')
    await a.mail()
    await a.s.send(`RCPT TO:<${DEMO}>`)
    expect(await a.s.send('DATA')).toMatch(/^354 /)
    await a.s.write(head('slow@client.example'))
    // A byte now and then keeps the idle timeout away; the transaction's deadline is not.
    const trickle = setInterval(() => void a.s.write('.').catch(() => {}), 200)
    try {
      expect(await a.s.reply()).toMatch(/^421 4\.4\.2 /)
    } finally {
      clearInterval(trickle)
      a.s.close()
    }
    expect(await chatsOf(e.x.demoId, 'slow@client.example')).toEqual([])
    const b = await start('fast@client.example')
    expect(await b.mail()).toMatch(/^250 /)
    await b.s.send(`RCPT TO:<${DEMO}>`)
    await b.s.send('DATA')
    await b.s.write(`${head('fast@client.example')}quick\r\n.\r\n`)
    expect(await b.s.reply()).toMatch(/^250 /)
    b.s.close()
    expect(fs.readdirSync(spoolDir)).toEqual([])
  })

  it('one IP keeps at most perIp connections (the next hears 421 4.7.0); another IP is still served', async () => {
    const open = [
      await rawSmtp(smtpPort(), '127.0.0.5'),
      await rawSmtp(smtpPort(), '127.0.0.5'),
      await rawSmtp(smtpPort(), '127.0.0.5'),
    ]
    expect(open.map((s) => s.greeting.slice(0, 3))).toEqual(['220', '220', '220'])
    const refused = await rawSmtp(smtpPort(), '127.0.0.5')
    expect(refused.greeting).toMatch(/^421 4\.7\.0 /)
    const other = await rawSmtp(smtpPort(), '127.0.0.6')
    expect(other.greeting).toMatch(/^220 /)
    for (const s of [...open, refused, other]) s.close()
  })
})
