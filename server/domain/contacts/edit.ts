/**
 * SPEC K3: a new client, or a number / e-mail added to an existing one; the call or chat it came
 * from is linked to him; every app's address book hears `client.updated` in the same transaction.
 */
import { and, eq } from 'drizzle-orm'
import type { ClientView } from '../../../contract/api.ts'
import type { AddClientContact, NewClient } from '../../../contract/client-contacts.ts'
import { appendEvent, type Db, type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'

const { calls, chats, contacts } = schema
const digits = (s: string) => s.replace(/\D/g, '')

/** Links the call and/or chat (of this tenant) to the client. */
async function link(tx: Queryable, tenantId: string, id: string, x: { callId?: string; chatId?: string }) {
  if (x.callId)
    await tx
      .update(calls)
      .set({ contactId: id })
      .where(and(eq(calls.tenantId, tenantId), eq(calls.id, x.callId)))
  if (x.chatId)
    await tx
      .update(chats)
      .set({ contactId: id })
      .where(and(eq(chats.tenantId, tenantId), eq(chats.id, x.chatId)))
}

/** How the door reads a client as the apps see him (its `getClient`; passed in to keep imports one-way). */
export type ReadClient = (q: Queryable, tenantId: string, id: string) => Promise<ClientView>

async function announce(read: ReadClient, tx: Queryable, tenantId: string, id: string): Promise<ClientView> {
  const client = await read(tx, tenantId, id)
  await appendEvent(tx, tenantId, 'client.updated', { client })
  return client
}

/** A new client of the tenant. */
export function createClientWith(
  read: ReadClient,
  db: Db,
  tenantId: string,
  x: NewClient,
): Promise<ClientView> {
  return db.orm.transaction(async (tx) => {
    const [row] = await tx
      .insert(contacts)
      .values({
        tenantId,
        name: x.name,
        phones: x.phone ? [x.phone] : [],
        emails: x.email ? [x.email] : [],
      })
      .returning({ id: contacts.id })
    if (!row) throw new Error('contact insert returned nothing')
    await link(tx, tenantId, row.id, x)
    return announce(read, tx, tenantId, row.id)
  })
}

/** Adds a number and/or e-mail to a client (one he already has is not added twice). */
export function addClientContactWith(
  read: ReadClient,
  db: Db,
  tenantId: string,
  id: string,
  x: AddClientContact,
): Promise<ClientView> {
  return db.orm.transaction(async (tx) => {
    const [c] = await tx
      .select({ phones: contacts.phones, emails: contacts.emails })
      .from(contacts)
      .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id)))
      .for('update')
    if (!c) throw new AppError('E_NOT_FOUND')
    const phones =
      x.phone && !c.phones.some((p) => digits(p) === digits(x.phone ?? ''))
        ? [...c.phones, x.phone]
        : c.phones
    const emails =
      x.email && !c.emails.some((e) => e.toLowerCase() === x.email) ? [...c.emails, x.email] : c.emails
    if (phones.length > 20 || emails.length > 20) throw new AppError('E_VALIDATION', ['at most 20 each'])
    await tx
      .update(contacts)
      .set({ phones, emails })
      .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id)))
    await link(tx, tenantId, id, x)
    return announce(read, tx, tenantId, id)
  })
}
