/** Call transfer tables (issue 11 §1, migration 0115): server-side grants of blind-transfer legs, call settings. */
import { sql } from 'drizzle-orm'
import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/** A REFER Kamailio relayed: the party referred may call `target` once, from `transfereeConn`, until `expiresAt`. */
export const callTransferGrants = pgTable('call_transfer_grants', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  tenantId: uuid('tenant_id').notNull(),
  /** The call the REFER was sent in (calls.id). */
  callId: uuid('call_id').notNull(),
  referrerId: uuid('referrer_id').notNull(),
  /** The SIP user of the party referred (a guest line, the gateway, an extension). */
  transfereeUser: text('transferee_user').notNull(),
  /** Kamailio's connection of that party in the call (`c<conid>`): only it may use the grant. */
  transfereeConn: text('transferee_conn').notNull(),
  /** What the REFER named: the user part of its Refer-To in the tenant's domain. */
  target: text('target').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  expiresAt: ts('expires_at').notNull(),
  usedByCallId: text('used_by_call_id'),
  usedAt: ts('used_at'),
})

/** A tenant's call settings (C5 transfer timeout). */
export const callSettings = pgTable('call_settings', {
  tenantId: uuid('tenant_id').primaryKey(),
  transferTimeoutSec: integer('transfer_timeout_sec').notNull().default(30),
})
