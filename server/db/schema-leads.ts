/**
 * The drizzle mirror of 0060–0062 (issue 8 §6, §7, §9): leads, scheduled messages, the CRM webhook
 * and its deliveries. Kept beside schema.ts (not in it) so the features' tables are named in one place.
 */
import { sql } from 'drizzle-orm'
import { integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import type { RequestInfo } from '../../contract/chats.ts'
import type { LeadState, ScheduledState } from '../../contract/leads.ts'

const id = () => uuid('id').primaryKey().default(sql`gen_random_uuid()`)
const tenantId = () => uuid('tenant_id').notNull()
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/** Leads (0060, SPEC T11): new → taken → completed (server/domain/leads/). */
export const leads = pgTable('leads', {
  id: id(),
  tenantId: tenantId(),
  state: text('state').$type<LeadState>().notNull().default('new'),
  name: text('name').notNull(),
  phone: text('phone'),
  email: text('email'),
  comment: text('comment').notNull().default(''),
  visitorId: uuid('visitor_id'),
  requestInfo: jsonb('request_info').$type<RequestInfo | null>(),
  createdAt: ts('created_at').notNull().defaultNow(),
  takenBy: uuid('taken_by'),
  takenAt: ts('taken_at'),
  completedAt: ts('completed_at'),
})

/** Scheduled messages (0061, SPEC T12): the send is the job 'chat.scheduled' keyed by the id. */
export const scheduledMessages = pgTable('scheduled_messages', {
  id: id(),
  tenantId: tenantId(),
  chatId: uuid('chat_id').notNull(),
  authorId: uuid('author_id').notNull(),
  text: text('text').notNull(),
  sendAt: ts('send_at').notNull(),
  state: text('state').$type<ScheduledState>().notNull().default('scheduled'),
  messageId: uuid('message_id'),
  error: text('error'),
  createdAt: ts('created_at').notNull().defaultNow(),
})

/** The tenant's CRM webhook (0062, SPEC T13). */
export const crmWebhooks = pgTable('crm_webhooks', {
  tenantId: uuid('tenant_id').primaryKey(),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
})

/** One hand-off of a chat to the CRM (0062): the job 'crm.deliver' keyed by the id carries it. */
export const crmDeliveries = pgTable('crm_deliveries', {
  id: id(),
  tenantId: tenantId(),
  chatId: uuid('chat_id').notNull(),
  event: text('event').$type<'chat.completed' | 'chat.sent'>().notNull(),
  requestedBy: uuid('requested_by'),
  state: text('state').$type<'pending' | 'delivered' | 'failed'>().notNull().default('pending'),
  body: text('body'),
  attempts: integer('attempts').notNull().default(0),
  lastStatus: integer('last_status'),
  lastError: text('last_error'),
  createdAt: ts('created_at').notNull().defaultNow(),
  deliveredAt: ts('delivered_at'),
})
