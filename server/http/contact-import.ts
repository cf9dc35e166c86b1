/**
 * /api/admin/contacts/import[/preview] (issue 12 §6, SPEC K3): the admin's CSV import of clients.
 * Thin: validate, call domain/contacts/import.
 */
import type { FastifyInstance } from 'fastify'
import { ContactImportSchema, type ImportPreview, type ImportResult } from '../../contract/contact-import.ts'
import { audited } from '../domain/admin-audit/index.ts'
import { refuseIfCrmBook } from '../domain/contacts/crm-push.ts'
import { importCsv, previewCsv } from '../domain/contacts/import.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Registers the CSV import routes. */
export function contactImportRoutes(app: FastifyInstance, deps: AppDeps): void {
  registerScope(app, deps, { auth: 'admin' }, (r) => {
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
