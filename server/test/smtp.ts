/**
 * SMTP helpers for tests, the e2e and the bench: a capturing relay (a real smtp-server that keeps
 * every mail it is given, parsed) and a raw SMTP client speaking line by line (for what nodemailer
 * would not send: no SIZE declared, a 40 MB body, bytes of our choosing).
 */
import net from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface CapturedMail {
  envelope: { from: string; to: string[] }
  raw: string
  parsed: ParsedMail
}

/** A relay on a free port (or `port`) that keeps what it receives; `next()` waits for the next one. */
export async function captureRelay(port = 0) {
  const mails: CapturedMail[] = []
  const waiting: ((m: CapturedMail) => void)[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    onAuth: (_auth, _session, cb) => cb(null, { user: 'relay' }),
    onData(stream, session, callback) {
      const parts: Buffer[] = []
      stream.on('data', (b: Buffer) => parts.push(b))
      stream.on('end', () => {
        const raw = Buffer.concat(parts)
        simpleParser(raw).then((parsed) => {
          const m: CapturedMail = {
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            raw: raw.toString('utf8'),
            parsed,
          }
          const w = waiting.shift()
          if (w) w(m)
          else mails.push(m)
          callback()
        }, callback)
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()))
  const address = server.server.address() as net.AddressInfo
  return {
    port: address.port,
    url: `smtp://127.0.0.1:${address.port}`,
    /** The next mail received (one already waiting, or the next to arrive). */
    next(): Promise<CapturedMail> {
      const m = mails.shift()
      return m ? Promise.resolve(m) : new Promise((r) => waiting.push(r))
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

/** A raw SMTP conversation: `send(line)` answers the server's reply (its code and text). */
export async function rawSmtp(port: number, localAddress?: string) {
  const socket = net.connect({ port, host: '127.0.0.1', ...(localAddress && { localAddress }) })
  let buf = ''
  const replies: string[] = []
  const waiting: ((r: string) => void)[] = []
  socket.setEncoding('utf8')
  socket.on('data', (d: string) => {
    buf += d
    // A reply ends with a line "NNN text" (a space after the code; "NNN-" continues it).
    for (let m = /(^|\n)(\d{3}) [^\n]*\r?\n/.exec(buf); m; m = /(^|\n)(\d{3}) [^\n]*\r?\n/.exec(buf)) {
      const end = m.index + m[0].length
      const r = buf.slice(0, end).trim()
      buf = buf.slice(end)
      const w = waiting.shift()
      if (w) w(r)
      else replies.push(r)
    }
  })
  socket.on('error', () => {})
  const reply = () =>
    new Promise<string>((r) => {
      const x = replies.shift()
      if (x !== undefined) r(x)
      else waiting.push(r)
    })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('error', reject)
  })
  const greeting = await reply()
  return {
    greeting,
    /** Sends a command line; resolves with the reply. */
    async send(line: string): Promise<string> {
      socket.write(`${line}\r\n`)
      return reply()
    },
    /** Writes bytes without waiting for a reply (a DATA body). */
    write(data: string | Buffer): Promise<void> {
      return new Promise((r) => (socket.write(data) ? r() : socket.once('drain', () => r())))
    },
    reply,
    close() {
      socket.destroy()
    },
  }
}
