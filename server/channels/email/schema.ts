/** The e-mail channel's own table (migration 0040): per client mail, its subject and References. */
import { sql } from 'drizzle-orm'
import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

export const emailMails = pgTable('email_mails', {
  tenantId: uuid('tenant_id').notNull(),
  chatId: uuid('chat_id').notNull(),
  /** RFC 5322 Message-ID with its angle brackets, as the mail carried it (or ours, when it had none). */
  messageId: text('message_id').notNull(),
  subject: text('subject').notNull().default(''),
  refs: text('refs').array().notNull().default(sql`'{}'`),
  receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
})
