/**
 * A client's mail into the tenant's inbox (issue 8 §1, T1). A mail joins its sender's open chat on
 * this channel (one per channel and address, the base's rule — so a reply, or a new subject while a
 * chat is open, joins it) or opens one. Its In-Reply-To/References never move it into another
 * client's chat (probe 8 #5: anyone can name a Message-ID); who the sender is: `senderOf`.
 *
 * One mail becomes: a text message (the subject when it names a new thread, the body, and a note for
 * every attachment refused), then one file message per attachment kept. Attachments go through the
 * file store with their type checked by magic bytes (storeFile); one refused (type not allowed, bytes
 * not what the name says, too large) is never dropped silently: the text message says so, by name.
 * Redelivery of the same mail (same Message-ID) stores nothing twice.
 */
import { Readable } from 'node:stream'
import { and, desc, eq, ne } from 'drizzle-orm'
import { type Db, schema } from '../../db/index.ts'
import { receiveInbound, storeFile } from '../../domain/chats/index.ts'
import { AppError } from '../../errors.ts'
import { ATTACHMENT_BY_EXTENSION, extensionOf, type FileStore } from '../../files/index.ts'
import type { ChannelRow } from '../webhooks.ts'
import { baseSubject, fitText, normalAddress, type ParsedMail, splitText } from './mail.ts'
import { emailMails } from './schema.ts'

const { chats } = schema

/** A file type's usual extension (a mail part without a usable name is named by its type). */
const EXTENSION_OF_TYPE = new Map(
  Object.entries(ATTACHMENT_BY_EXTENSION)
    .toReversed()
    .map(([ext, r]) => [r.mime, ext]),
)

/** Why an attachment was refused, in both languages (the operator sees it in the chat). */
const REFUSED: Record<string, string> = {
  E_FILE_TYPE: 'тип файла не разрешён / file type not allowed',
  E_FILE_TOO_LARGE: 'файл слишком большой / file too large',
  E_TOO_MANY: 'больше 20 вложений в письме / more than 20 attachments in one mail',
}
const EMPTY_MAIL = '(пустое письмо / empty mail)'
/** A long mail's body shows in at most this many messages; longer, it is also kept whole as mail.txt. */
const TEXT_PARTS = 5
const MAIL_AS_FILE =
  '[Письмо длиннее — целиком во вложении mail.txt / the mail goes on — all of it is in mail.txt]'
/** Attachments kept per mail: each is a chat message; a mail of a thousand tiny parts is not a chat. */
const MAX_ATTACHMENTS = 20
const unverifiedNote = (address: string) =>
  `[Отправитель в заголовке From не подтверждён / header From not verified: ${address}]`
const refused = (name: string, reason: string) =>
  `[Вложение не принято / attachment refused: ${name} — ${reason}]`

/** Whose chat a mail joins, as far as anything checked it (docs/api.md, "Who a mail is from"). */
export interface Sender {
  /** The chat's client address: the header From when the envelope sender's domain agrees, else the envelope sender. */
  address: string
  /** The header From's name, when the address is the header's. */
  name: string | null
  /** The header From that was not taken (the envelope sender disagrees), for the note. */
  unverified: string | null
}

/** The envelope sender's domain is the header's, or a subdomain of it (a bounce address). */
const aligned = (header: string, envelope: string) => {
  const h = header.slice(header.lastIndexOf('@') + 1)
  const e = envelope.slice(envelope.lastIndexOf('@') + 1)
  return e === h || e.endsWith(`.${h}`)
}

/**
 * The mail's sender. The header From is what the client wrote from and what a reply goes to; the
 * envelope sender (MAIL FROM) is what the MX in front checked with SPF. When both are there and the
 * envelope's domain is not the header's, the header is anyone's claim: the mail is the envelope
 * sender's, and the header is named in a note. A null envelope sender (a bounce) takes the header.
 */
export function senderOf(mail: ParsedMail, envelopeFrom: string | null): Sender | null {
  const header = mail.fromAddress
  if (header && (!envelopeFrom || aligned(header, envelopeFrom)))
    return { address: header, name: mail.fromName, unverified: null }
  if (envelopeFrom) return { address: envelopeFrom, name: null, unverified: header }
  return null
}

/** The subject the chat is named by (its first client mail's), or null for a chat without one. */
export async function chatSubject(db: Db, tenantId: string, chatId: string): Promise<string | null> {
  const [first] = await db.orm
    .select({ subject: emailMails.subject })
    .from(emailMails)
    .where(and(eq(emailMails.tenantId, tenantId), eq(emailMails.chatId, chatId)))
    .orderBy(emailMails.receivedAt)
    .limit(1)
  return first ? first.subject : null
}

/** The client's last mail in the chat (our reply's In-Reply-To and References). */
export async function lastClientMail(db: Db, tenantId: string, chatId: string) {
  const [last] = await db.orm
    .select()
    .from(emailMails)
    .where(and(eq(emailMails.tenantId, tenantId), eq(emailMails.chatId, chatId)))
    .orderBy(desc(emailMails.receivedAt))
    .limit(1)
  return last ?? null
}

/** Stores one parsed mail for one channel (one tenant); returns the chat it went to. */
export async function receiveMail(
  db: Db,
  files: FileStore,
  channel: ChannelRow,
  mail: ParsedMail,
  envelopeFrom: string | null,
): Promise<{ chatId: string; created: boolean }> {
  const from = senderOf(mail, envelopeFrom)
  if (!from) throw new AppError('E_VALIDATION', ['from: no sender address'])
  // A mail joins only its sender's chat: an In-Reply-To naming another client's mail threads nothing.
  const clientAddress = from.address
  const tenantId = channel.tenantId
  // A redelivered mail (same Message-ID) stored whole already: its thread row is written last, so a
  // mail cut short by a failure is stored again (each message of it once, by its provider id).
  const [seen] = await db.orm
    .select({ chatId: emailMails.chatId })
    .from(emailMails)
    .innerJoin(chats, and(eq(chats.tenantId, emailMails.tenantId), eq(chats.id, emailMails.chatId)))
    .where(
      and(
        eq(emailMails.tenantId, tenantId),
        eq(emailMails.messageId, mail.messageId),
        eq(chats.channelId, channel.id),
      ),
    )
    .limit(1)
  if (seen) return { chatId: seen.chatId, created: false }
  // T6: the address the client wrote to (the channel's, as RCPT found it), kept on a new chat.
  const to = normalAddress(channel.address)
  const requestInfo = to ? { landingPage: null, referrer: null, utm: {}, to } : null
  const who = {
    channelId: channel.id,
    clientAddress,
    clientName: from.name,
    clientEmail: clientAddress,
    requestInfo,
  }

  const kept: { fileId: string; name: string }[] = []
  const notes: string[] = from.unverified ? [unverifiedNote(from.unverified)] : []
  for (const a of mail.attachments.slice(0, MAX_ATTACHMENTS)) {
    const ext = extensionOf(a.name)
    const typed = ATTACHMENT_BY_EXTENSION[ext]
      ? a.name
      : `${a.name}.${EXTENSION_OF_TYPE.get(a.contentType) ?? 'bin'}`
    try {
      const f = await storeFile(db.orm, files, {
        tenantId,
        name: typed,
        kind: 'file',
        body: Readable.from([a.content]),
        contentLength: a.content.length,
        uploadedBy: { visitorId: `email:${channel.id}` },
        // Each file is carried by a message right below: the unsent-uploads quota is not for this.
        unsentMaxBytes: Number.MAX_SAFE_INTEGER,
      })
      kept.push({ fileId: f.id, name: a.name })
    } catch (e) {
      const reason = e instanceof AppError ? REFUSED[e.code] : undefined
      if (!reason) throw e
      notes.push(refused(a.name, reason))
    }
  }
  for (const a of mail.attachments.slice(MAX_ATTACHMENTS)) notes.push(refused(a.name, REFUSED.E_TOO_MANY!))

  const subject = mail.subject
  let chatId: string | null = null
  let created = false
  const known = await db.orm
    .select({ chatId: chats.id })
    .from(chats)
    .where(
      and(
        eq(chats.tenantId, tenantId),
        eq(chats.channelId, channel.id),
        eq(chats.clientAddress, clientAddress),
        ne(chats.state, 'completed'),
      ),
    )
  const named = known[0] ? await chatSubject(db, tenantId, known[0].chatId) : null
  const showSubject = subject && (named === null || baseSubject(named) !== baseSubject(subject))
  // Nothing of a mail is lost (probe: a long mail's end and its refusal notes were cut): the subject and
  // the notes come first, then the body in messages of at most MESSAGE_MAX_CHARS; a body longer than
  // TEXT_PARTS of them is shown in part and kept whole as a text file below.
  const head = (extra: string[] = []) => [showSubject ? subject : '', ...notes, ...extra].filter(Boolean)
  const body = mail.text
  let parts = splitText([...head(), body].filter(Boolean).join('\n\n'))
  const asFile = parts.length > TEXT_PARTS
  if (asFile) parts = splitText([...head([MAIL_AS_FILE]), body].join('\n\n')).slice(0, TEXT_PARTS)
  const shown = parts
  if (asFile) {
    try {
      const f = await storeFile(db.orm, files, {
        tenantId,
        name: 'mail.txt',
        kind: 'file',
        body: Readable.from([Buffer.from(body, 'utf8')]),
        contentLength: Buffer.byteLength(body, 'utf8'),
        uploadedBy: { visitorId: `email:${channel.id}` },
        unsentMaxBytes: Number.MAX_SAFE_INTEGER,
      })
      kept.unshift({ fileId: f.id, name: 'mail.txt' })
    } catch (e) {
      if (!(e instanceof AppError)) throw e
      shown[shown.length - 1] = fitText(
        `${shown[shown.length - 1]}\n\n${refused('mail.txt', REFUSED[e.code] ?? e.code)}`,
      )
    }
  }
  if (shown.length || !kept.length) {
    for (const [i, text] of (shown.length ? shown : [EMPTY_MAIL]).entries()) {
      const r = await receiveInbound(db.orm, tenantId, {
        ...who,
        // The first part keeps the mail's own id (threading finds it); the rest are numbered.
        providerMsgId: i === 0 ? mail.messageId : `${mail.messageId}#text${i + 1}`,
        // A mail with nothing in it still arrived: the operator sees that it did.
        text,
      })
      chatId ??= r.chat.id
      created ||= r.created
    }
  }
  for (const [i, f] of kept.entries()) {
    const r = await receiveInbound(db.orm, tenantId, {
      ...who,
      providerMsgId: `${mail.messageId}#${i + 1}`,
      text: '',
      fileId: f.fileId,
    })
    chatId ??= r.chat.id
    created ||= r.created
  }
  if (!chatId) throw new Error('a mail stored no message')
  // The thread's memory: subject and References of each client mail (a redelivery adds nothing).
  await db.orm
    .insert(emailMails)
    .values({ tenantId, chatId, messageId: mail.messageId, subject, refs: mail.references })
    .onConflictDoNothing()
  return { chatId, created }
}
