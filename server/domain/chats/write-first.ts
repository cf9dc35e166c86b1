/**
 * T10: an operator writes first to a client — by phone, e-mail or Telegram @username — through one of
 * the tenant's connected channels whose kind may write first to that kind of address (contract
 * WRITE_FIRST_REACH × CHANNEL_CAPABILITIES, data, no `if` on a channel name). In one transaction: the
 * client is found in the address book by the normalised address or created, the chat on that channel
 * and address is opened in the operator's In work (active, his), and the first message is appended —
 * which queues the channel's delivery job (rows.ts). A client's open chat on that channel is never
 * doubled: it is returned instead (with the message added when it is the operator's own chat).
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import {
  type AddressKind,
  type WriteFirst,
  type WriteFirstChannel,
  type WriteFirstFindResponse,
  writeFirstKinds,
} from '../../../contract/channels.ts'
import type { ChatView, MessageView } from '../../../contract/chats.ts'
import { type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { type Address, normaliseAddress } from '../channels/index.ts'
import { openChannelChat } from './inbound.ts'
import { appendMessage, lockChat, messageByClientId, publish } from './rows.ts'
import { chatViewById, messageViewsByIds, type Viewer } from './views.ts'

const { channels, chats, contacts } = schema

/** The address-book client with this address, or null. */
async function clientByAddress(q: Queryable, tenantId: string, a: Address) {
  const where =
    a.kind === 'phone'
      ? sql`${a.value} = ANY(${contacts.phones})`
      : a.kind === 'email'
        ? sql`EXISTS (SELECT 1 FROM unnest(${contacts.emails}) e WHERE lower(e) = ${a.value})`
        : sql`lower(${contacts.telegram}) IN (${a.value}, ${a.value.slice(1)})`
  const [row] = await q
    .select({ id: contacts.id, name: contacts.name })
    .from(contacts)
    .where(and(eq(contacts.tenantId, tenantId), where))
    .orderBy(asc(contacts.createdAt))
    .limit(1)
  return row ?? null
}

/** T10 Find: the address normalised, the connected channels that may write first to it, the client. */
export async function findWriteFirst(
  q: Queryable,
  tenantId: string,
  input: string,
): Promise<WriteFirstFindResponse> {
  const a = normaliseAddress(input)
  const rows = await q
    .select({ id: channels.id, kind: channels.kind, name: channels.name, address: channels.address })
    .from(channels)
    .where(
      and(
        eq(channels.tenantId, tenantId),
        eq(channels.connected, true),
        inArray(channels.kind, writeFirstKinds(a.kind)),
      ),
    )
    .orderBy(asc(channels.createdAt), asc(channels.id))
  return {
    address: a.value,
    addressKind: a.kind,
    channels: rows as WriteFirstChannel[],
    client: await clientByAddress(q, tenantId, a),
  }
}

const FIELD: Record<AddressKind, 'clientPhone' | 'clientEmail' | null> = {
  phone: 'clientPhone',
  email: 'clientEmail',
  username: null,
}

/** A new address-book client for this address. */
async function createClient(tx: Queryable, tenantId: string, a: Address, name: string | undefined) {
  const [row] = await tx
    .insert(contacts)
    .values({
      tenantId,
      name: name || a.value,
      phones: a.kind === 'phone' ? [a.value] : [],
      emails: a.kind === 'email' ? [a.value] : [],
      telegram: a.kind === 'username' ? a.value : null,
    })
    .returning({ id: contacts.id, name: contacts.name })
  if (!row) throw new Error('contact insert returned nothing')
  return row
}

export interface WriteFirstResult {
  chat: ChatView
  /** The first message, or null when the client's open chat is someone else's (nothing sent). */
  message: MessageView | null
  /** False when the client's open chat on that channel was returned. */
  created: boolean
}

/** T10 send: opens (or finds) the chat in the operator's In work and sends the first message. */
export async function writeFirst(q: Queryable, v: Viewer, input: WriteFirst): Promise<WriteFirstResult> {
  const a = normaliseAddress(input.address)
  return q.transaction(async (tx) => {
    // A retry of the same send (N3): the stored message and its chat.
    const again = await messageByClientId(tx, v.tenantId, input.clientMsgId)
    if (again) {
      // Only the same send again: my message in a chat on that channel with that address.
      const [at] = await tx
        .select({ channelId: chats.channelId, clientAddress: chats.clientAddress })
        .from(chats)
        .where(and(eq(chats.tenantId, v.tenantId), eq(chats.id, again.chatId)))
      if (
        again.authorId !== v.employeeId ||
        at?.channelId !== input.channelId ||
        at?.clientAddress !== a.value
      )
        throw new AppError('E_VALIDATION', ['clientMsgId: already used'])
      const [message] = await messageViewsByIds(tx, v.tenantId, [again.id])
      const chat = await chatViewById(tx, v.tenantId, again.chatId)
      if (!chat || !message) throw new Error('stored message vanished')
      return { chat, message, created: false }
    }
    const [channel] = await tx
      .select()
      .from(channels)
      .where(and(eq(channels.tenantId, v.tenantId), eq(channels.id, input.channelId)))
    // Another tenant's channel is no channel at all (404, no oracle); ours switched off is E_CHANNEL_OFF.
    if (!channel) throw new AppError('E_NOT_FOUND')
    if (!channel.connected) throw new AppError('E_CHANNEL_OFF')
    if (!writeFirstKinds(a.kind).includes(channel.kind as never)) throw new AppError('E_CHANNEL_CAPABILITY')
    const client =
      (await clientByAddress(tx, v.tenantId, a)) ?? (await createClient(tx, v.tenantId, a, input.clientName))
    const field = FIELD[a.kind]
    const { chat: opened, created } = await openChannelChat(tx, v.tenantId, {
      channelId: channel.id,
      clientAddress: a.value,
      clientName: client.name,
      ...(field ? { [field]: a.value } : {}),
    })
    let chat = opened
    if (created || (chat.state === 'new' && !chat.assigneeId)) {
      // Written first: straight into the writer's In work, linked to the address-book client.
      const [taken] = await tx
        .update(chats)
        .set({
          state: 'active',
          assigneeId: v.employeeId,
          acceptedAt: new Date(),
          contactId: chat.contactId ?? client.id,
        })
        .where(and(eq(chats.tenantId, v.tenantId), eq(chats.id, chat.id)))
        .returning()
      if (!taken) throw new Error('chat vanished under its lock')
      chat = taken
    }
    if (chat.state !== 'active' || chat.assigneeId !== v.employeeId) {
      // Someone else's open chat with this client: show it, send nothing.
      return {
        chat: (await chatViewById(tx, v.tenantId, chat.id)) as ChatView,
        message: null,
        created: false,
      }
    }
    const locked = (await lockChat(tx, v.tenantId, chat.id)) ?? chat
    const added = await appendMessage(tx, locked, {
      clientMsgId: input.clientMsgId,
      author: 'operator',
      authorId: v.employeeId,
      kind: 'text',
      text: input.text,
    })
    if (!added) throw new AppError('E_VALIDATION', ['clientMsgId: already used'])
    const out = await publish(tx, created ? null : opened, added.chat, [added.message.id])
    return { chat: out.chat, message: out.messages[0] ?? null, created }
  })
}
