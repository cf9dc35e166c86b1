/**
 * Issue 12 §6, SPEC K3: the admin imports clients from a CSV file. The app sends the file's text; the
 * server parses it (csv-parse), answers a preview with the errors of each row, and imports the good
 * rows on a second call (upsert by external id, else by number).
 */
import * as v from 'valibot'
import { text } from './text.ts'

/** The largest file the import takes (characters) and the most rows. */
export const CSV_MAX_CHARS = 500_000
export const CSV_MAX_ROWS = 5000

/** POST /api/admin/contacts/import/preview and /api/admin/contacts/import. */
export const ContactImportSchema = v.strictObject({
  csv: v.pipe(text, v.minLength(1), v.maxLength(CSV_MAX_CHARS)),
})

/** Why a row is refused (the app words each in both languages). */
export type ImportRowError =
  | 'name_missing'
  | 'name_too_long'
  | 'phone_invalid'
  | 'email_invalid'
  | 'no_contact'
  | 'too_many'
  | 'external_id_too_long'
  | 'duplicate_external_id'
  | 'duplicate_phone'

export interface ImportRow {
  /** The line's number in the file (the header is line 1). */
  line: number
  name: string
  phones: string[]
  emails: string[]
  externalId: string | null
  errors: ImportRowError[]
}

export interface ImportPreview {
  rows: ImportRow[]
  good: number
  bad: number
}

export interface ImportResult extends ImportPreview {
  created: number
  updated: number
}

/** One contact a CRM pushes (POST /api/hooks/crm-contacts/:key). */
export const CrmContactSchema = v.strictObject({
  externalId: v.pipe(text, v.trim(), v.minLength(1), v.maxLength(100)),
  name: v.pipe(text, v.trim(), v.minLength(1), v.maxLength(100)),
  phones: v.optional(v.pipe(v.array(v.pipe(text, v.maxLength(40))), v.maxLength(20)), []),
  emails: v.optional(
    v.pipe(v.array(v.pipe(text, v.trim(), v.maxLength(254), v.email(), v.toLowerCase())), v.maxLength(20)),
    [],
  ),
})
export const CrmPushSchema = v.strictObject({
  contacts: v.pipe(v.array(CrmContactSchema), v.minLength(1), v.maxLength(500)),
})
export type CrmPush = v.InferOutput<typeof CrmPushSchema>

/** PUT /api/admin/crm-contacts: whether the book is the CRM's (read-only in the app). */
export const CrmContactsSettingsSchema = v.strictObject({ readOnly: v.boolean() })

/** The admin's view: the hook's path once a secret exists; the secret only when just made. */
export interface CrmContactsView {
  path: string | null
  readOnly: boolean
  secret?: string
}
/** POST /api/admin/crm-contacts/secret: the new path and secret (shown this once). */
export interface CrmContactsSecret {
  path: string
  readOnly: boolean
  secret: string
}
