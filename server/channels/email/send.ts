/**
 * An operator's reply out by e-mail (issue 8 §1): through the tenant's SMTP relay (the channel's
 * config `relayHost`, `relayPort`, `relaySecure`, `relayUser`, `relayPassword` — contract CHANNEL_CONFIG), or the server's default relay (SMTP_RELAY_URL) when
 * the channel names none. From is the channel's address, To the client's; Subject `Re: <the chat's
 * subject>`; In-Reply-To the client's last Message-ID and References its chain plus that id (RFC 5322
 * §3.6.4), so the client's mail program threads the reply under the mail it answers.
 *
 * Our Message-ID is made from the message's id, so a retried job sends the same Message-ID (a mail
 * program shows a duplicate once) and the client's reply to it finds the chat (receive.ts).
 */
import nodemailer from 'nodemailer'
import { type Deliverable, fileForRead } from '../../domain/chats/index.ts'
import { PermanentFailure } from '../../jobs/index.ts'
import { resolvePublic } from '../../net/address.ts'
import { providerAllowPrivate } from '../../net/provider-fetch.ts'
import type { ExternalAdapter, SendContext, Sent } from '../external.ts'
import { baseSubject, msgId, normalAddress, oneLine } from './mail.ts'
import { chatSubject, lastClientMail } from './receive.ts'

/** Where the channel's mail goes: nodemailer's SMTP transport options or a URL. */
type Relay =
  | string
  | {
      host: string
      port: number
      secure: boolean
      servername?: string
      auth?: { user: string; pass: string }
    }

/** The channel's relay from its config, else the default; null when there is none. */
export function relayOf(config: Record<string, unknown>, fallback: string | null): Relay | null {
  const { relayHost: host, relayPort: p, relaySecure, relayUser: user, relayPassword: pass } = config
  if (typeof host !== 'string' || !host) return fallback
  const port = typeof p === 'number' && Number.isInteger(p) ? p : 587
  const auth = typeof user === 'string' && typeof pass === 'string' ? { user, pass } : undefined
  return { host, port, secure: relaySecure === true, ...(auth && { auth }) }
}

/**
 * A tenant's own relay (typed by its admin, probe 12 #3) is reached only at a public address: the
 * host is resolved here (`resolvePublic`) and nodemailer connects to that address, with the name kept
 * for TLS (`servername`). The server's SMTP_RELAY_URL is the operator's and is not checked, nor is
 * anything when PROVIDER_ALLOW_PRIVATE=1 (tests, local stand-ins). A private address: PermanentFailure.
 */
export async function reachableRelay(relay: Relay, allowPrivate = providerAllowPrivate()): Promise<Relay> {
  if (typeof relay === 'string' || allowPrivate) return relay
  try {
    const address = await resolvePublic(relay.host)
    return address === relay.host ? relay : { ...relay, host: address, servername: relay.host }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EPRIVATE')
      throw new PermanentFailure(`relay refused: ${(e as Error).message}`)
    throw e
  }
}

/** The e-mail channel's sender. */
export class EmailAdapter implements ExternalAdapter {
  readonly kind = 'email' as const
  constructor(private readonly defaultRelay: string | null) {}

  async send(d: Deliverable, ctx: SendContext): Promise<Sent> {
    const from = normalAddress(d.channel.address)
    const to = normalAddress(d.chat.clientAddress)
    if (!from || !to) throw new PermanentFailure('e-mail channel or client without an address')
    const configured = relayOf(d.channel.config, this.defaultRelay)
    if (!configured) throw new PermanentFailure('no SMTP relay configured for the e-mail channel')
    const relay = configured === this.defaultRelay ? configured : await reachableRelay(configured)
    const tenantId = d.chat.tenantId
    const last = await lastClientMail(ctx.db, tenantId, d.chat.id)
    // The operator answered a particular mail (reply-to in the app): thread under that one.
    const parent = msgId(d.replyToExternalId) ?? last?.messageId ?? null
    const refs = parent ? [...(last?.refs ?? []).filter((r) => r !== parent), parent].slice(-20) : []
    // A chat the client began has his subject (answered "Re: …"); one we began (T10 write first) is
    // named by the first line of what we write.
    const theirs = await chatSubject(ctx.db, tenantId, d.chat.id)
    const subject = theirs !== null ? `Re: ${baseSubject(theirs) || '…'}` : firstLine(d.message.text) || '…'
    const attachments = []
    if (d.message.file) {
      const row = await fileForRead(ctx.db.orm, tenantId, d.message.file.id)
      const stored = row ? await ctx.files.stat(tenantId, row.sha256) : null
      if (!row || !stored) throw new PermanentFailure('the message file is gone')
      attachments.push({ filename: row.name, path: stored.path, contentType: row.type })
    }
    const domain = from.split('@')[1]
    const messageId = `<${d.message.id}@${domain}>`
    const transport = nodemailer.createTransport(relay as Parameters<typeof nodemailer.createTransport>[0])
    try {
      await transport.sendMail({
        from,
        to,
        subject,
        text: d.message.text,
        messageId,
        ...(parent && { inReplyTo: parent, references: refs }),
        attachments,
        // No X-Mailer naming our software and version to every client.
        xMailer: false,
      })
    } catch (e) {
      const code = (e as { responseCode?: number }).responseCode
      if (typeof code === 'number' && code >= 500) throw new PermanentFailure(`relay refused: ${code}`)
      throw e
    } finally {
      transport.close()
    }
    return { externalId: messageId }
  }
}

const firstLine = (s: string) => oneLine(s.split('\n', 1)[0], 78)
