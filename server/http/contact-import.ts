/**
 * /api/admin/contacts/import[/preview] (issue 12 §6, SPEC K3): the admin's CSV import of clients.
 * Thin: validate, call domain/contacts/import.
 */
import type { FastifyInstance } from 'fastify'
import {
  ContactImportSchema,
  CSV_MAX_CHARS,
  type ImportPreview,
  type ImportResult,
} from '../../contract/contact-import.ts'
import { audited } from '../domain/admin-audit/index.ts'
import { refuseIfCrmBook } from '../domain/contacts/crm-push.ts'
import { importCsv, previewCsv } from '../domain/contacts/import.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/**
 * Probe 13 #14: the body these routes take — the documented file (CSV_MAX_CHARS characters) as JSON,
 * up to 4 bytes a character (3 for any BMP character in UTF-8, 2 for an escaped quote or line break,
 * 4 for a surrogate pair's two characters) plus the envelope. The app-wide 64 KB limit would refuse a
 * file of 1,000 rows; the schema still caps the text at CSV_MAX_CHARS.
 */
export const IMPORT_BODY_LIMIT = CSV_MAX_CHARS * 4 + 1024

/** Registers the CSV import routes. */
export function contactImportRoutes(app: FastifyInstance, deps: AppDeps): void {
  // beforeBody: the admin is checked before a body of up to 2 MB is read and parsed.
  registerScope(app, deps, { auth: 'admin', beforeBody: true }, (r) => {
    // onRoute of this scope only: these two routes, not every admin route.
    r.app.addHook('onRoute', (route) => {
      route.bodyLimit = IMPORT_BODY_LIMIT
    })
    r.post(
      '/api/admin/contacts/import/preview',
      async (req): Promise<ImportPreview> => previewCsv(validate(ContactImportSchema, req.body).csv),
    )
    r.post('/api/admin/contacts/import', async (req, p): Promise<ImportResult> => {
      const { csv } = validate(ContactImportSchema, req.body)
      // A CRM's book is changed in the CRM (issue 12 §6).
      await refuseIfCrmBook(deps.db.orm, p.tenantId)
      // One audit row per import (issue 13 §2): its counts, not every contact.
      return audited(deps.db.orm, p.tenantId, {
        actorId: p.employeeId,
        action: 'contacts.import',
        entity: 'contacts',
        entityId: null,
        created: true,
        after: (r) => ({ rows: r.rows.length, bad: r.bad, created: r.created, updated: r.updated }),
        change: (tx) => importCsv(tx, p.tenantId, csv),
      })
    })
  })
}
