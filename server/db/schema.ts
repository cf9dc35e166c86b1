/**
 * The drizzle (pg-core) schema, shared by the PGlite and node-postgres drivers. It mirrors the SQL
 * migrations in ./migrations, which are the source of truth for the database itself.
 * Multi-tenant: every row carries tenant_id and every query filters by it (ARCHITECTURE "Data").
 */
import { sql } from 'drizzle-orm'
import {
  bigserial,
  boolean,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core'
import type { ClientChannel, Role } from '../../contract/api.ts'
import type {
  ChannelKind,
  ChatState,
  ChatTransferMark,
  DeliveryFailReason,
  DeliveryState,
  MessageAuthor,
  MessageKind,
  RequestInfo,
  TransferEndReason,
  TransferState,
} from '../../contract/chats.ts'
import type { StatusMatrix } from '../../contract/status.ts'

const id = () => uuid('id').primaryKey().default(sql`gen_random_uuid()`)
const tenantId = () => uuid('tenant_id').notNull()
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export type Strategy = 'parallel' | 'sequential' | 'round_robin' | 'longest_idle'
export interface Features {
  softphone: boolean
  omni: boolean
}

export const tenants = pgTable('tenants', {
  id: id(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  sipDomain: text('sip_domain').notNull().unique(),
  seats: integer('seats').notNull(),
  features: jsonb('features').$type<Features>().notNull(),
  statusMatrix: jsonb('status_matrix').$type<StatusMatrix>().notNull(),
  /** Where mobile and external calls go; null = the tenant's registered `gateway` account (0002). */
  sipGateway: text('sip_gateway'),
  createdAt: ts('created_at').notNull().defaultNow(),
  /** Issue 13: a suspended tenant's sessions and lines are cut and its logins refused (0105). */
  suspendedAt: ts('suspended_at'),
})

export const employees = pgTable('employees', {
  id: id(),
  tenantId: tenantId(),
  login: text('login').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  name: text('name').notNull(),
  role: text('role').$type<Role>().notNull(),
  extension: text('extension').notNull(),
  mobile: text('mobile'),
  email: text('email'),
  status: text('status').notNull(),
  statusSince: ts('status_since').notNull().defaultNow(),
  acceptButton: boolean('accept_button').notNull().default(true),
  createdAt: ts('created_at').notNull().defaultNow(),
  /** Issue 13: deactivated — no seat, no sign-in, history kept (0105). */
  deactivatedAt: ts('deactivated_at'),
  /** Probe 13 #13: an issued (admin/CLI) password must be replaced at first sign-in (0215). */
  passwordOneTime: boolean('password_one_time').notNull().default(false),
})

export const groups = pgTable('groups', {
  id: id(),
  tenantId: tenantId(),
  name: text('name').notNull(),
  extension: text('extension').notNull(),
  strategy: text('strategy').$type<Strategy>().notNull(),
  ringTimeoutSec: integer('ring_timeout_sec').notNull().default(20),
  rrCursor: uuid('rr_cursor'),
  /** A chat distribution target while on (0110). */
  takesChats: boolean('takes_chats').notNull().default(true),
})

export const groupMembers = pgTable(
  'group_members',
  {
    tenantId: tenantId(),
    groupId: uuid('group_id').notNull(),
    employeeId: uuid('employee_id').notNull(),
    position: integer('position').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.employeeId] })],
)

export const statusLog = pgTable('status_log', {
  id: id(),
  tenantId: tenantId(),
  employeeId: uuid('employee_id').notNull(),
  status: text('status').notNull(),
  at: ts('at').notNull().defaultNow(),
  /** Who set it when not the employee himself: a supervisor (S3, 0145). */
  setBy: uuid('set_by'),
})

export const sessions = pgTable('sessions', {
  id: id(),
  tenantId: tenantId(),
  employeeId: uuid('employee_id').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  userAgent: text('user_agent').notNull().default(''),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
  expiresAt: ts('expires_at').notNull(),
  revokedAt: ts('revoked_at'),
  /** Probe 13 #14: why it was revoked, told to its device ('password_changed', 'password_reset'); 0215. */
  revokedReason: text('revoked_reason'),
})

export const contacts = pgTable('contacts', {
  id: id(),
  tenantId: tenantId(),
  name: text('name').notNull(),
  phones: text('phones').array().notNull().default(sql`'{}'`),
  emails: text('emails').array().notNull().default(sql`'{}'`),
  telegram: text('telegram'),
  channels: jsonb('channels').$type<ClientChannel[]>().notNull().default(sql`'[]'::jsonb`),
  groupId: uuid('group_id'),
  managerId: uuid('manager_id'),
  createdAt: ts('created_at').notNull().defaultNow(),
  /** Issue 12 §6: the client's id in a CSV book or a CRM (migration 0150). */
  externalId: text('external_id'),
})

export const channels = pgTable('channels', {
  id: id(),
  tenantId: tenantId(),
  kind: text('kind').notNull(),
  name: text('name').notNull(),
  config: jsonb('config').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  connected: boolean('connected').notNull().default(false),
  autoCompleteMinutes: integer('auto_complete_minutes'),
  /** The unguessable path segment the provider's webhook calls (0031). */
  webhookKey: text('webhook_key'),
  /** The signature key of its webhooks, generated at connection (0031). */
  secret: text('secret'),
  /** What clients know it as: support@…, @bot, a phone number (0031). */
  address: text('address'),
  createdAt: ts('created_at').notNull().defaultNow(),
})

export const virtualNumbers = pgTable('virtual_numbers', {
  id: id(),
  tenantId: tenantId(),
  number: text('number').notNull().unique(),
  groupId: uuid('group_id'),
  /** "Sales", "website": what the number is for (0110). */
  name: text('name').notNull().default(''),
  source: text('source').notNull().default(''),
  /** Rings one employee instead of a group (0110; never both). */
  employeeId: uuid('employee_id'),
})

/** CRM card URL templates (0110). */
export const crmCards = pgTable('crm_cards', {
  tenantId: uuid('tenant_id').primaryKey(),
  templates: jsonb('templates').$type<{ name: string; url: string }[]>().notNull().default(sql`'[]'::jsonb`),
})

export const templates = pgTable('templates', {
  id: id(),
  tenantId: tenantId(),
  ownerId: uuid('owner_id'),
  name: text('name').notNull(),
  text: text('text').notNull(),
  allowedEmployeeIds: uuid('allowed_employee_ids').array().notNull().default(sql`'{}'`),
  /** Files sent along with the template's text (0023). */
  attachmentIds: uuid('attachment_ids').array().notNull().default(sql`'{}'`),
  createdAt: ts('created_at').notNull().defaultNow(),
})

/** Stored files of chats and templates (0023); the bytes are in server/files by sha256. */
export const files = pgTable('files', {
  id: id(),
  tenantId: tenantId(),
  sha256: text('sha256').notNull(),
  name: text('name').notNull(),
  type: text('type').notNull(),
  size: integer('size').notNull(),
  durationMs: integer('duration_ms'),
  uploadedByEmployee: uuid('uploaded_by_employee'),
  uploadedByVisitor: text('uploaded_by_visitor'),
  createdAt: ts('created_at').notNull().defaultNow(),
})

/** Chats (SPEC T2–T5, 0023): new → active → completed (server/domain/chats/state.ts). */
export const chats = pgTable('chats', {
  id: id(),
  tenantId: tenantId(),
  channel: text('channel').$type<ChannelKind>().notNull(),
  state: text('state').$type<ChatState>().notNull(),
  assigneeId: uuid('assignee_id'),
  groupIds: uuid('group_ids').array().notNull().default(sql`'{}'`),
  visitorId: text('visitor_id'),
  clientName: text('client_name'),
  clientPhone: text('client_phone'),
  clientEmail: text('client_email'),
  contactId: uuid('contact_id'),
  requestInfo: jsonb('request_info').$type<RequestInfo | null>(),
  createdAt: ts('created_at').notNull().defaultNow(),
  waitingSince: ts('waiting_since'),
  lastMessageAt: ts('last_message_at'),
  acceptedAt: ts('accepted_at'),
  completedAt: ts('completed_at'),
  completedBy: uuid('completed_by'),
  messageCount: integer('message_count').notNull().default(0),
  operatorReadN: integer('operator_read_n').notNull().default(0),
  clientReadN: integer('client_read_n').notNull().default(0),
  /** The connected channel it came through (null: website chat) and the client's address there (0031). */
  channelId: uuid('channel_id'),
  clientAddress: text('client_address'),
  /** T7: the sender's mark of the latest transfer (0065). */
  transfer: jsonb('transfer').$type<ChatTransferMark | null>(),
})

/** A chat's messages (0023): `n` gap-free per chat, `client_msg_id` unique per tenant. */
export const messages = pgTable('messages', {
  id: id(),
  tenantId: tenantId(),
  chatId: uuid('chat_id').notNull(),
  n: integer('n').notNull(),
  clientMsgId: text('client_msg_id').notNull(),
  author: text('author').$type<MessageAuthor>().notNull(),
  authorId: uuid('author_id'),
  kind: text('kind').$type<MessageKind>().notNull(),
  text: text('text').notNull().default(''),
  replyToId: uuid('reply_to_id'),
  fileId: uuid('file_id'),
  at: ts('at').notNull().defaultNow(),
  delivery: text('delivery').$type<DeliveryState>().notNull().default('sent'),
  /** The provider's id of a message we sent (delivery receipts find it) or received (0031). */
  externalId: text('external_id'),
  /** Why its delivery failed, for the operator (0070). */
  failReason: text('fail_reason').$type<DeliveryFailReason>(),
  /** The provider's readable reason for it, in both languages, when the adapter has one (0085). */
  failDetail: text('fail_detail'),
})

/** Server-wide secrets (SIP ephemeral secret, internal secret): not tenant data, so no tenant_id. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
})

/** The change feed: `seq` orders a tenant's events; /api/ws streams and resumes from it. */
/**
 * Who may receive an event on the realtime feed. Omitted (null): every employee of the tenant.
 * Otherwise the union of: the employees named, the members of the groups named, and with `staff`
 * every supervisor and admin. Chat events name the chat's viewers before and after the change, so
 * an operator learns that a chat left his New.
 */
export interface Audience {
  employeeIds?: string[]
  groupIds?: string[]
  staff?: boolean
}

export const events = pgTable('events', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  tenantId: tenantId(),
  type: text('type').notNull(),
  payload: jsonb('payload').$type<unknown>().notNull(),
  at: ts('at').notNull().defaultNow(),
  /** Who may receive it (null: every employee of the tenant); see server/db/events.ts `Audience`. */
  audience: jsonb('audience').$type<Audience | null>(),
})

export type CallDirection = 'in' | 'out' | 'internal'
export type CallState = 'ringing' | 'answered' | 'ended' | 'failed'

/** What is left of a group hunt (sequential strategies): employee ids per target set, in order. */
export interface CallPlan {
  sets: string[][]
  /** How many sets were offered so far. */
  used: number
  timeoutSec: number
  /** Employees rung on their mobile through the gateway in the current set (who answered via it). */
  gatewayFor?: string[]
  /**
   * C5: a blind transfer's leg rings only while its grant lasts (ISO time; probe 11 items 4, 24): no set
   * rings past it, so the target stops ringing when the transferor's app says "Transfer failed".
   */
  deadline?: string
}

/** Call records (SPEC C8–C10), written only from Kamailio's route and dialog reports (0002). */
export const calls = pgTable('calls', {
  id: id(),
  tenantId: tenantId(),
  sipCallId: text('sip_call_id').notNull(),
  direction: text('direction').$type<CallDirection>().notNull(),
  state: text('state').$type<CallState>().notNull(),
  callerUser: text('caller_user').notNull(),
  fromNumber: text('from_number').notNull(),
  toNumber: text('to_number').notNull(),
  peerNumber: text('peer_number').notNull(),
  peerDigits: text('peer_digits').notNull().default(''),
  virtualNumber: text('virtual_number'),
  callerEmployeeId: uuid('caller_employee_id'),
  answeredById: uuid('answered_by_id'),
  groupId: uuid('group_id'),
  contactId: uuid('contact_id'),
  transferOfId: uuid('transfer_of_id'),
  offeredIds: uuid('offered_ids').array().notNull().default(sql`'{}'`),
  plan: jsonb('plan').$type<CallPlan>(),
  /** Employees this call is ringing now (the current set); empty once it is answered or over (0016). */
  ringingIds: uuid('ringing_ids').array().notNull().default(sql`'{}'`),
  startedAt: ts('started_at').notNull(),
  answeredAt: ts('answered_at'),
  endedAt: ts('ended_at'),
  durationSec: integer('duration_sec'),
  failureCode: integer('failure_code'),
  failureReason: text('failure_reason'),
  missed: boolean('missed').notNull().default(false),
  /** peerNumber was typed by a demo-site visitor, not known from the network (0011). */
  peerGiven: boolean('peer_given').notNull().default(false),
  handledById: uuid('handled_by_id'),
  handledAt: ts('handled_at'),
  handledHow: text('handled_how').$type<'mark' | 'callback'>(),
  /** A website visitor's call-back request (0125, C9), not a call that rang. */
  callbackRequest: boolean('callback_request').notNull().default(false),
  callbackName: text('callback_name'),
  visitorId: uuid('visitor_id'),
  /** Employees who declined this call when it was offered to them (0120; C10 My calls). */
  declinedIds: uuid('declined_ids').array().notNull().default(sql`'{}'`),
  /** Colleagues a transfer leg or a colleague's call rang who never got it (0225; their My calls). */
  missedByIds: uuid('missed_by_ids').array().notNull().default(sql`'{}'`),
  /** A consultation: the client's call its caller had answered when placing it (0226; C1). */
  consultOfId: uuid('consult_of_id'),
})

export const callRecordings = pgTable(
  'call_recordings',
  {
    tenantId: tenantId(),
    callId: uuid('call_id').notNull(),
    employeeId: uuid('employee_id').notNull(),
    sha256: text('sha256').notNull(),
    type: text('type').$type<'audio/webm' | 'audio/ogg'>().notNull(),
    size: integer('size').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.callId, t.employeeId] })],
)

export const sipRegistrations = pgTable(
  'sip_registrations',
  {
    tenantId: tenantId(),
    username: text('username').notNull(),
    contacts: integer('contacts').notNull(),
    expiresAt: ts('expires_at').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.username] })],
)

export const sipGuests = pgTable('sip_guests', {
  username: text('username').primaryKey(),
  tenantId: tenantId(),
  expiresAt: ts('expires_at').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  /** The website visitor the line was issued to (0024). */
  visitorId: uuid('visitor_id'),
})

/** Website visitors (0024): the id the signed visitor token carries; T6 request info at first contact. */
export const visitors = pgTable('visitors', {
  id: id(),
  tenantId: tenantId(),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
  name: text('name'),
  requestInfo: jsonb('request_info').$type<RequestInfo | null>(),
})

/** Durable jobs (0030, server/jobs/): claimed with SKIP LOCKED under a lease. */
export const jobs = pgTable('jobs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  tenantId: uuid('tenant_id'),
  kind: text('kind').notNull(),
  key: text('key'),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  runAt: ts('run_at').notNull().defaultNow(),
  state: text('state')
    .$type<'queued' | 'running' | 'done' | 'failed' | 'cancelled'>()
    .notNull()
    .default('queued'),
  attempts: integer('attempts').notNull().default(0),
  maxAttempts: integer('max_attempts').notNull().default(10),
  lockedUntil: ts('locked_until'),
  lastError: text('last_error'),
  createdAt: ts('created_at').notNull().defaultNow(),
  doneAt: ts('done_at'),
})

/** Chat transfer offers (0065, T7): server/domain/chats/transfer-state.ts. */
export const chatTransfers = pgTable('chat_transfers', {
  id: id(),
  tenantId: tenantId(),
  chatId: uuid('chat_id').notNull(),
  fromId: uuid('from_id').notNull(),
  toKind: text('to_kind').$type<'employee' | 'group'>().notNull(),
  toId: uuid('to_id').notNull(),
  offeredTo: uuid('offered_to').array().notNull(),
  declinedBy: uuid('declined_by').array().notNull().default(sql`'{}'`),
  comment: text('comment').notNull().default(''),
  state: text('state').$type<TransferState>().notNull().default('offered'),
  reason: text('reason').$type<TransferEndReason | null>(),
  createdAt: ts('created_at').notNull().defaultNow(),
  deadline: ts('deadline').notNull(),
  decidedAt: ts('decided_at'),
  decidedBy: uuid('decided_by'),
  handoverAt: ts('handover_at'),
})

/** The chat lifecycle's tenant settings (0065): transfer timeout (T7), closing text (T8). */
export const chatSettings = pgTable('chat_settings', {
  tenantId: uuid('tenant_id').primaryKey(),
  transferTimeoutSec: integer('transfer_timeout_sec').notNull().default(30),
  closingText: text('closing_text').notNull().default(''),
})
