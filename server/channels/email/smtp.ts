/**
 * The inbound SMTP server (issue 8 §1): tenants' e-mail channels receive here, on a port of their own
 * (SMTP_PORT). A recipient is accepted only when it is the address of a connected e-mail channel
 * (550 at RCPT otherwise: no mail is taken for nobody), so a mail reaches only the tenants it was
 * written to. The size limit is announced with SIZE (RFC 1870): a MAIL FROM declaring more is refused
 * there, a mail that streams past it is refused at the end of DATA with 552 — both before anything is
 * parsed or stored. A failure of ours after DATA answers 451, so the sending server retries later.
 *
 * No AUTH (this is an MX, not a submission server) and no STARTTLS here: TLS for mail from the
 * Internet is the job of the MTA in front (docs/architecture.md, "E-mail").
 */
import type { AddressInfo } from 'node:net'
import { and, eq, sql } from 'drizzle-orm'
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server'
import { type Db, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import type { FileStore } from '../../files/index.ts'
import type { ChannelRow } from '../webhooks.ts'
import { normalAddress, parseMail } from './mail.ts'
import { receiveMail } from './receive.ts'

const { channels } = schema

/** The largest mail taken (encoded, as it travels): ~25 MB of attachments after base64. */
export const SMTP_MAX_BYTES = 35 * 1024 * 1024

export interface SmtpOptions {
  port: number
  host?: string | undefined
  maxBytes?: number | undefined
  /** Where failures go (the app's log): look-ups, unparseable mail, storing. */
  onError?: (err: unknown, what: string) => void
}

/** An SMTP reply error (smtp-server sends `responseCode` and the message). */
function reply(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code })
}

/** The connected e-mail channel whose address this is (any tenant), or null. */
export async function emailChannelByAddress(db: Db, address: string): Promise<ChannelRow | null> {
  const [c] = await db.orm
    .select()
    .from(channels)
    .where(
      and(
        eq(channels.kind, 'email'),
        eq(channels.connected, true),
        sql`lower(${channels.address}) = ${address}`,
      ),
    )
    .limit(1)
  return c ?? null
}

/** The channels each session's accepted recipients named. */
const recipients = new WeakMap<SMTPServerSession, Map<string, ChannelRow>>()

function readAll(stream: SMTPServerDataStream): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    let kept = true
    stream.on('data', (b: Buffer) => {
      // Past the limit the rest is read and dropped (the client must finish DATA to hear 552).
      if (stream.sizeExceeded) kept = false
      if (kept) parts.push(b)
    })
    stream.once('end', () => resolve(kept && !stream.sizeExceeded ? Buffer.concat(parts) : null))
    stream.once('error', reject)
  })
}

/** The running inbound server: its port once listening (SMTP_PORT=0 picks one). */
export interface InboundSmtp {
  readonly port: number | null
  start(): Promise<void>
  stop(): Promise<void>
}

/** Creates the inbound SMTP server; `start()` listens, `stop()` closes it. */
export function inboundSmtp(db: Db, files: FileStore, opts: SmtpOptions): InboundSmtp {
  const maxBytes = opts.maxBytes ?? SMTP_MAX_BYTES
  const onError = opts.onError ?? (() => {})
  const server = new SMTPServer({
    name: 'frontline',
    banner: 'Frontline inbound mail',
    size: maxBytes,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    maxClients: 200,
    maxRecipients: 50,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    // A new transaction (MAIL FROM after RSET or a finished mail) starts with no recipients.
    onMailFrom(_address, session, callback) {
      recipients.delete(session)
      callback()
    },
    onRcptTo(address, session, callback) {
      const a = normalAddress(address.address)
      if (!a) return callback(reply(550, '5.1.3 Bad recipient address syntax'))
      emailChannelByAddress(db, a).then(
        (channel) => {
          if (!channel) return callback(reply(550, '5.1.1 No such mailbox here'))
          const seen = recipients.get(session) ?? new Map<string, ChannelRow>()
          seen.set(channel.id, channel)
          recipients.set(session, seen)
          callback()
        },
        (e: unknown) => {
          onError(e, 'smtp: recipient look-up failed')
          callback(reply(451, '4.3.0 Try again later'))
        },
      )
    },
    onData(stream, session, callback) {
      readAll(stream)
        .then(async (raw) => {
          const chosen = [...(recipients.get(session)?.values() ?? [])]
          recipients.delete(session)
          if (!raw) return callback(reply(552, '5.3.4 Message exceeds fixed maximum message size'))
          let mail: Awaited<ReturnType<typeof parseMail>>
          try {
            mail = await parseMail(raw)
          } catch (e) {
            onError(e, 'smtp: unparseable mail')
            return callback(reply(554, '5.6.0 Message could not be parsed'))
          }
          const envelopeFrom = session.envelope.mailFrom
            ? normalAddress(session.envelope.mailFrom.address)
            : null
          if (!mail.fromAddress && !envelopeFrom) return callback(reply(550, '5.1.7 No sender address'))
          try {
            for (const channel of chosen) await receiveMail(db, files, channel, mail, envelopeFrom)
          } catch (e) {
            // Disconnected between RCPT and the end of DATA: the mailbox is gone, as RCPT would now say.
            if (e instanceof AppError && e.code === 'E_CHANNEL_OFF')
              return callback(reply(550, '5.1.1 No such mailbox here'))
            onError(e, 'smtp: storing a mail failed')
            return callback(reply(451, '4.3.0 Try again later'))
          }
          callback(null, `Queued as ${mail.messageId}`)
        })
        .catch((e: unknown) => {
          onError(e, 'smtp: reading a mail failed')
          callback(reply(451, '4.3.0 Try again later'))
        })
    },
  })
  server.on('error', (e) => onError(e, 'smtp: server error'))
  let port: number | null = null
  return {
    get port() {
      return port
    },
    start: () =>
      new Promise<void>((resolve, reject) => {
        const fail = (e: Error) => reject(e)
        server.server.once('error', fail)
        server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
          server.server.off('error', fail)
          port = (server.server.address() as AddressInfo).port
          resolve()
        })
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (port === null) return resolve()
        port = null
        server.close(() => resolve())
      }),
  }
}
