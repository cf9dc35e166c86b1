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
  createdAt: ts('created_at').notNull().defaultNow(),
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
})

export const groups = pgTable('groups', {
  id: id(),
  tenantId: tenantId(),
  name: text('name').notNull(),
  extension: text('extension').notNull(),
  strategy: text('strategy').$type<Strategy>().notNull(),
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
})

export const channels = pgTable('channels', {
  id: id(),
  tenantId: tenantId(),
  kind: text('kind').notNull(),
  name: text('name').notNull(),
  config: jsonb('config').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  connected: boolean('connected').notNull().default(false),
  autoCompleteMinutes: integer('auto_complete_minutes'),
})

export const virtualNumbers = pgTable('virtual_numbers', {
  id: id(),
  tenantId: tenantId(),
  number: text('number').notNull().unique(),
  groupId: uuid('group_id'),
})

export const templates = pgTable('templates', {
  id: id(),
  tenantId: tenantId(),
  ownerId: uuid('owner_id'),
  name: text('name').notNull(),
  text: text('text').notNull(),
  allowedEmployeeIds: uuid('allowed_employee_ids').array().notNull().default(sql`'{}'`),
})

/** Server-wide secrets (SIP ephemeral secret, internal secret): not tenant data, so no tenant_id. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
})

/** The change feed: `seq` orders a tenant's events; /api/ws streams and resumes from it. */
export const events = pgTable('events', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  tenantId: tenantId(),
  type: text('type').notNull(),
  payload: jsonb('payload').$type<unknown>().notNull(),
  at: ts('at').notNull().defaultNow(),
})
