/**
 * The inbound SMTP server (issue 8 §1): tenants' e-mail channels receive here, on a port of their own
 * (SMTP_PORT). A recipient is accepted only when it is the address of a connected e-mail channel
 * (550 at RCPT otherwise: no mail is taken for nobody), so a mail reaches only the tenants it was
 * written to. The size limit is announced with SIZE (RFC 1870): a MAIL FROM declaring more is refused
 * there, a mail that streams past it is refused at the end of DATA with 552 — both before anything is
 * parsed or stored. A failure of ours after DATA answers 451, so the sending server retries later.
 * A mail is spooled to a temp file as it streams in and parsed from it, a few at a time; one sender
 * cannot hold the server: see SmtpLimits (probe 8 #3, #4).
 *
 * No AUTH (this is an MX, not a submission server) and no STARTTLS here: TLS for mail from the
 * Internet is the job of the MTA in front (docs/architecture.md, "E-mail").
 */
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import fs from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { and, eq, sql } from 'drizzle-orm'
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server'
import { type Db, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import type { FileStore } from '../../files/index.ts'
import { type ChannelRow, tenantSuspended } from '../webhooks.ts'
import { type MailSource, normalAddress, parseMail } from './mail.ts'
import { receiveMail } from './receive.ts'

const { channels } = schema

/** The largest mail taken (encoded, as it travels): ~25 MB of attachments after base64. */
export const SMTP_MAX_BYTES = 35 * 1024 * 1024

/**
 * What one sender can hold (probe 8 #3, #4). A mail is spooled to a temp file as it streams in (never
 * whole in memory), then parsed and stored `parsing` at a time; at most `inFlight` transactions are
 * past MAIL FROM at once (more hear 451 4.3.2 and retry later). One IP keeps at most `perIp`
 * connections (421 past it), well below `maxClients`; a transaction (MAIL FROM to the end of DATA)
 * that takes longer than `transactionMs` — a DATA trickling a byte at a time — is cut with 421.
 */
export interface SmtpLimits {
  parsing: number
  inFlight: number
  perIp: number
  maxClients: number
  transactionMs: number
}

export const SMTP_LIMITS: SmtpLimits = {
  parsing: 2,
  inFlight: 16,
  perIp: 10,
  maxClients: 200,
  transactionMs: 10 * 60_000,
}

export interface SmtpOptions {
  port: number
  host?: string | undefined
  maxBytes?: number | undefined
  limits?: Partial<SmtpLimits> | undefined
  /** Where mails are spooled while they come in (a fresh directory under the OS's temp dir if unset). */
  spoolDir?: string | undefined
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

/** At most `n` tasks at once; the others wait their turn in order. */
export function semaphore(n: number) {
  let active = 0
  const waiting: (() => void)[] = []
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r))
    else active++
    try {
      return await task()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else active--
    }
  }
}

/**
 * Writes the DATA stream to `file` (hashing it as it goes); false when it grew past the size limit —
 * then the rest is read and dropped (the client must finish DATA to hear 552) and nothing kept.
 */
async function spool(
  stream: SMTPServerDataStream,
  file: string,
  hash: ReturnType<typeof createHash>,
  onAbort: (abort: () => void) => void,
) {
  const keep = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (stream.sizeExceeded) return done()
      hash.update(chunk)
      done(null, chunk)
    },
  })
  // A connection closed mid-DATA (cut by the deadline, or gone) ends the spooling with an error.
  onAbort(() => keep.destroy(new Error('connection closed during DATA')))
  await pipeline(stream, keep, createWriteStream(file, { mode: 0o600 }))
  return !stream.sizeExceeded
}

/** Reads the DATA stream to its end, keeping nothing. */
const drain = (stream: SMTPServerDataStream) =>
  new Promise<void>((resolve, reject) => {
    stream.on('data', () => {})
    stream.once('end', resolve)
    stream.once('error', reject)
  })

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
  const limits = { ...SMTP_LIMITS, ...opts.limits }
  const parsing = semaphore(limits.parsing)
  let inFlight = 0
  let spoolDir: string | null = null
  let seq = 0
  /** Open connections per remote IP (session ids). */
  const byIp = new Map<string, Set<string>>()
  /** A transaction's deadline timer, per session id. */
  const deadlines = new Map<string, NodeJS.Timeout>()
  /** How to stop spooling a session's DATA, while it streams in. */
  const spooling = new Map<string, () => void>()
  const endTransaction = (sessionId: string) => {
    clearTimeout(deadlines.get(sessionId))
    deadlines.delete(sessionId)
    spooling.delete(sessionId)
  }
  const busy = () => reply(451, '4.3.2 Too many mails at once, try again later')
  const server = new SMTPServer({
    name: 'frontline',
    banner: 'Frontline inbound mail',
    size: maxBytes,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    maxClients: limits.maxClients,
    maxRecipients: 50,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    onConnect(session, callback) {
      const ip = session.remoteAddress
      const open = byIp.get(ip) ?? new Set<string>()
      if (open.size >= limits.perIp)
        return callback(reply(421, '4.7.0 Too many connections from your address, try again later'))
      open.add(session.id)
      byIp.set(ip, open)
      callback()
    },
    onClose(session) {
      spooling.get(session.id)?.()
      endTransaction(session.id)
      const open = byIp.get(session.remoteAddress)
      open?.delete(session.id)
      if (open?.size === 0) byIp.delete(session.remoteAddress)
    },
    // A new transaction (MAIL FROM after RSET or a finished mail) starts with no recipients.
    onMailFrom(_address, session, callback) {
      recipients.delete(session)
      if (inFlight >= limits.inFlight) return callback(busy())
      // The whole transaction has a deadline: a DATA trickling a byte at a time is not "idle".
      endTransaction(session.id)
      deadlines.set(
        session.id,
        setTimeout(() => {
          deadlines.delete(session.id)
          for (const c of server.connections)
            if (c.id === session.id) {
              c.send(421, '4.4.2 Transaction took too long, closing connection')
              c.close()
            }
        }, limits.transactionMs).unref(),
      )
      callback()
    },
    onRcptTo(address, session, callback) {
      const a = normalAddress(address.address)
      if (!a) return callback(reply(550, '5.1.3 Bad recipient address syntax'))
      emailChannelByAddress(db, a)
        .then(async (channel) => ({
          channel,
          off: !!channel && (await tenantSuspended(db.orm, channel.tenantId)),
        }))
        .then(
          ({ channel, off }) => {
            if (!channel) return callback(reply(550, '5.1.1 No such mailbox here'))
            // Probe 10 #4: a suspended company takes no mail; the sender gets a bounce, never silence.
            if (off) return callback(reply(550, '5.2.1 Mailbox disabled: this company is suspended'))
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
      const chosen = [...(recipients.get(session)?.values() ?? [])]
      recipients.delete(session)
      if (inFlight >= limits.inFlight || !spoolDir) {
        drain(stream).then(
          () => {
            endTransaction(session.id)
            callback(busy())
          },
          () => callback(busy()),
        )
        return
      }
      inFlight++
      const file = path.join(spoolDir, `${process.pid}-${++seq}.eml`)
      const done = (err: Error | null, message?: string) => {
        inFlight--
        // The spooled copy is gone before the sender hears the answer.
        fs.rm(file, { force: true })
          .catch((e: unknown) => onError(e, 'smtp: removing a spooled mail failed'))
          .finally(() => callback(err, message))
      }
      const hash = createHash('sha256')
      spool(stream, file, hash, (abort) => spooling.set(session.id, abort))
        .then(async (kept) => {
          endTransaction(session.id)
          if (!kept) return done(reply(552, '5.3.4 Message exceeds fixed maximum message size'))
          const src: MailSource = { path: file, sha256: hash.digest('hex') }
          // Parsing and storing hold the mail's parts in memory: a few mails at a time.
          await parsing(async () => {
            let mail: Awaited<ReturnType<typeof parseMail>>
            try {
              mail = await parseMail(src)
            } catch (e) {
              onError(e, 'smtp: unparseable mail')
              return done(reply(554, '5.6.0 Message could not be parsed'))
            }
            const envelopeFrom = session.envelope.mailFrom
              ? normalAddress(session.envelope.mailFrom.address)
              : null
            if (!mail.fromAddress && !envelopeFrom) return done(reply(550, '5.1.7 No sender address'))
            try {
              for (const channel of chosen) await receiveMail(db, files, channel, mail, envelopeFrom)
            } catch (e) {
              // Disconnected between RCPT and the end of DATA: the mailbox is gone, as RCPT would now say.
              if (e instanceof AppError && e.code === 'E_CHANNEL_OFF')
                return done(reply(550, '5.1.1 No such mailbox here'))
              onError(e, 'smtp: storing a mail failed')
              return done(reply(451, '4.3.0 Try again later'))
            }
            done(null, `Queued as ${mail.messageId}`)
          })
        })
        .catch((e: unknown) => {
          onError(e, 'smtp: reading a mail failed')
          done(reply(451, '4.3.0 Try again later'))
        })
    },
  })
  server.on('error', (e) => onError(e, 'smtp: server error'))
  let port: number | null = null
  return {
    get port() {
      return port
    },
    start: async () => {
      spoolDir = opts.spoolDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'frontline-smtp-')))
      await new Promise<void>((resolve, reject) => {
        const fail = (e: Error) => reject(e)
        server.server.once('error', fail)
        server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
          server.server.off('error', fail)
          port = (server.server.address() as AddressInfo).port
          resolve()
        })
      })
    },
    stop: async () => {
      if (port !== null) {
        port = null
        await new Promise<void>((resolve) => server.close(() => resolve()))
      }
      for (const t of deadlines.values()) clearTimeout(t)
      deadlines.clear()
      if (spoolDir && !opts.spoolDir) await fs.rm(spoolDir, { recursive: true, force: true })
      spoolDir = null
    },
  }
}
