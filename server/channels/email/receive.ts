/**
 * A client's mail into the tenant's inbox (issue 8 §1, T1). Threading: a mail whose In-Reply-To or
 * References names a message of an open chat on this channel (a client mail we stored, or a reply we
 * sent — both keep their Message-ID in `messages.external_id`) joins that chat, whoever sent it;
 * otherwise the sender's address finds their open chat (one per channel and address, the base's rule
 * — so a new subject while a chat is open joins it too) or opens one.
 *
 * One mail becomes: a text message (the subject when it names a new thread, the body, and a note for
 * every attachment refused), then one file message per attachment kept. Attachments go through the
 * file store with their type checked by magic bytes (storeFile); one refused (type not allowed, bytes
 * not what the name says, too large) is never dropped silently: the text message says so, by name.
 * Redelivery of the same mail (same Message-ID) stores nothing twice.
 */
import { Readable } from 'node:stream'
import { and, desc, eq, inArray, ne } from 'drizzle-orm'
import { type Db, schema } from '../../db/index.ts'
import { receiveInbound, storeFile } from '../../domain/chats/index.ts'
import { AppError } from '../../errors.ts'
import { ATTACHMENT_BY_EXTENSION, extensionOf, type FileStore } from '../../files/index.ts'
import type { ChannelRow } from '../webhooks.ts'
import { baseSubject, fitText, normalAddress, type ParsedMail } from './mail.ts'
import { emailMails } from './schema.ts'

const { chats, messages } = schema

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
/** Attachments kept per mail: each is a chat message; a mail of a thousand tiny parts is not a chat. */
const MAX_ATTACHMENTS = 20
const refused = (name: string, reason: string) =>
  `[Вложение не принято / attachment refused: ${name} — ${reason}]`

/** The open chat on this channel that one of the mail's parent ids belongs to, or null. */
async function threadOf(db: Db, channel: ChannelRow, parents: string[]) {
  if (!parents.length) return null
  const rows = await db.orm
    .select({ address: chats.clientAddress, externalId: messages.externalId })
    .from(messages)
    .innerJoin(chats, and(eq(chats.tenantId, messages.tenantId), eq(chats.id, messages.chatId)))
    .where(
      and(
        eq(messages.tenantId, channel.tenantId),
        inArray(messages.externalId, parents),
        eq(chats.channelId, channel.id),
        ne(chats.state, 'completed'),
      ),
    )
  // The nearest parent wins (In-Reply-To before References, newest reference first).
  for (const p of parents) {
    const hit = rows.find((r) => r.externalId === p)
    if (hit?.address) return hit.address
  }
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
  const sender = mail.fromAddress ?? envelopeFrom
  if (!sender) throw new AppError('E_VALIDATION', ['from: no sender address'])
  const clientAddress = (await threadOf(db, channel, mail.parents)) ?? sender
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
    clientName: mail.fromName,
    clientEmail: sender,
    requestInfo,
  }

  const kept: { fileId: string; name: string }[] = []
  const notes: string[] = []
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
  const text = fitText([showSubject ? subject : '', mail.text, ...notes].filter(Boolean).join('\n\n'))
  if (text || !kept.length) {
    const r = await receiveInbound(db.orm, tenantId, {
      ...who,
      providerMsgId: mail.messageId,
      // A mail with nothing in it still arrived: the operator sees that it did.
      text: text || EMPTY_MAIL,
    })
    chatId = r.chat.id
    created = r.created
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
