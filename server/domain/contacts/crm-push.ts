/**
 * Issue 12 §6, SPEC K3: a CRM pushes contacts, upserted by its external id. The call is signed like
 * the gateway protocol (channels/gateway/frontline.ts): `X-Frontline-Timestamp` (unix seconds) and
 * `X-Frontline-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>`; a timestamp
 * more than 5 minutes away, or a signature seen before, is E_REPLAYED. The secret is made per tenant
 * and shown to the admin once. With `readOnly` the book is the CRM's: the app's edits are refused.
 */
import crypto from 'node:crypto'
import { and, eq, sql } from 'drizzle-orm'
import type { CrmContactsSecret, CrmContactsView, CrmPush } from '../../../contract/contact-import.ts'
import { frontlineSignature, REPLAY_WINDOW_S } from '../../channels/gateway/frontline.ts'
import { refuseIfSuspended, sameSecret } from '../../channels/webhooks.ts'
import { appendEvent, type Db, type Queryable, queryRows, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { normalisePhone } from '../channels/index.ts'
import { getClient } from './index.ts'

const { contacts } = schema

interface Source {
  tenant_id: string
  hook_key: string
  secret: string
  read_only: boolean
}

const pathOf = (key: string) => `/api/hooks/crm-contacts/${key}`

async function sourceOf(q: Queryable, tenantId: string): Promise<Source | undefined> {
  const [s] = await queryRows<Source>(q, sql`SELECT * FROM crm_contact_sources WHERE tenant_id = ${tenantId}`)
  return s
}

/** The admin's view of the tenant's CRM contact source. */
export async function crmContactsView(q: Queryable, tenantId: string): Promise<CrmContactsView> {
  const s = await sourceOf(q, tenantId)
  return { path: s ? pathOf(s.hook_key) : null, readOnly: s?.read_only ?? false }
}

/** A new key and secret (the old ones stop working); the secret is answered this once. */
export async function newCrmContactsSecret(q: Queryable, tenantId: string): Promise<CrmContactsSecret> {
  const key = crypto.randomBytes(18).toString('base64url')
  const secret = crypto.randomBytes(32).toString('base64url')
  const [s] = await queryRows<Source>(
    q,
    sql`INSERT INTO crm_contact_sources (tenant_id, hook_key, secret) VALUES (${tenantId}, ${key}, ${secret})
        ON CONFLICT (tenant_id) DO UPDATE SET hook_key = EXCLUDED.hook_key, secret = EXCLUDED.secret
        RETURNING *`,
  )
  return { path: pathOf(key), readOnly: s?.read_only ?? false, secret }
}

/** Whether the book is the CRM's (needs a secret first: a CRM that cannot push would freeze it). */
export async function setCrmContactsReadOnly(q: Queryable, tenantId: string, readOnly: boolean) {
  const rows = await queryRows<Source>(
    q,
    sql`UPDATE crm_contact_sources SET read_only = ${readOnly} WHERE tenant_id = ${tenantId} RETURNING *`,
  )
  if (!rows.length) throw new AppError('E_VALIDATION', ['readOnly: make the CRM secret first'])
  return crmContactsView(q, tenantId)
}

/** E_CONTACTS_READ_ONLY when the tenant's clients come from the CRM. */
export async function refuseIfCrmBook(q: Queryable, tenantId: string): Promise<void> {
  if ((await sourceOf(q, tenantId))?.read_only) throw new AppError('E_CONTACTS_READ_ONLY')
}

/** The tenant of a signed push, after the signature and replay checks. */
export async function checkCrmPush(
  q: Queryable,
  key: unknown,
  headers: Record<string, unknown>,
  raw: Buffer,
  now = Date.now(),
): Promise<string> {
  if (typeof key !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(key)) throw new AppError('E_NOT_FOUND')
  const [s] = await queryRows<Source>(q, sql`SELECT * FROM crm_contact_sources WHERE hook_key = ${key}`)
  if (!s) throw new AppError('E_NOT_FOUND')
  await refuseIfSuspended(q, s.tenant_id)
  const ts = headers['x-frontline-timestamp']
  const sig = headers['x-frontline-signature']
  if (typeof ts !== 'string' || !/^\d{1,12}$/.test(ts) || typeof sig !== 'string')
    throw new AppError('E_BAD_SIGNATURE')
  const expected = frontlineSignature(s.secret, ts, raw)
  if (!sameSecret(sig.toLowerCase(), expected)) throw new AppError('E_BAD_SIGNATURE')
  if (Math.abs(now / 1000 - Number(ts)) > REPLAY_WINDOW_S) throw new AppError('E_REPLAYED')
  const fresh = await queryRows(
    q,
    sql`INSERT INTO crm_contact_replays (tenant_id, signature) VALUES (${s.tenant_id}, ${expected.slice(7)})
        ON CONFLICT DO NOTHING RETURNING 1 AS ok`,
  )
  if (!fresh.length) throw new AppError('E_REPLAYED')
  return s.tenant_id
}

/** Upserts the pushed contacts by external id, in one transaction; each is announced. */
export function upsertCrmContacts(db: Db, tenantId: string, push: CrmPush) {
  const items = push.contacts.map((c, i) => {
    const phones: string[] = []
    for (const p of c.phones) {
      try {
        const e = normalisePhone(p)
        if (!phones.includes(e)) phones.push(e)
      } catch {
        throw new AppError('E_VALIDATION', [`contacts.${i}.phones: not a phone number`])
      }
    }
    return { ...c, phones, emails: [...new Set(c.emails)] }
  })
  return db.orm.transaction(async (tx) => {
    let created = 0
    let updated = 0
    for (const c of items) {
      const [row] = await tx
        .select({ id: contacts.id })
        .from(contacts)
        .where(and(eq(contacts.tenantId, tenantId), eq(contacts.externalId, c.externalId)))
        .for('update')
      let id = row?.id
      if (id) {
        await tx
          .update(contacts)
          .set({ name: c.name, phones: c.phones, emails: c.emails })
          .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id)))
        updated++
      } else {
        const [made] = await tx
          .insert(contacts)
          .values({ tenantId, name: c.name, phones: c.phones, emails: c.emails, externalId: c.externalId })
          .returning({ id: contacts.id })
        id = made?.id as string
        created++
      }
      await appendEvent(tx, tenantId, 'client.updated', { client: await getClient(tx, tenantId, id) })
    }
    return { created, updated }
  })
}
