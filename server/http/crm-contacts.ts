/**
 * Issue 12 §6, SPEC K3: a CRM pushes contacts (POST /api/hooks/crm-contacts/:key, signed), the admin
 * makes its secret and says whether the book is the CRM's (/api/admin/crm-contacts). A CRM's book is
 * read-only in the app: the client edits of server/http/contacts.ts are refused with
 * E_CONTACTS_READ_ONLY by a hook here (their code stays as it is).
 */
import type { FastifyInstance } from 'fastify'
import { CrmContactsSettingsSchema, CrmPushSchema } from '../../contract/contact-import.ts'
import { keepRawJson, parseJson } from '../channels/webhooks.ts'
import type { Queryable } from '../db/index.ts'
import { audited, crmContactsSnapshot } from '../domain/admin-audit/index.ts'
import { authenticate } from '../domain/auth/index.ts'
import {
  checkCrmPush,
  crmContactsView,
  newCrmContactsSecret,
  refuseIfCrmBook,
  setCrmContactsReadOnly,
  upsertCrmContacts,
} from '../domain/contacts/crm-push.ts'
import { AppError } from '../errors.ts'
import { type AppDeps, bearer, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** The app's own client edits, refused while the book is the CRM's. */
const EDITS = new Set(['POST /api/contacts/clients', 'POST /api/contacts/clients/:id/contacts'])

/** Registers the CRM contact routes and the read-only guard. */
export function crmContactRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.addHook('preHandler', async (req) => {
    if (!EDITS.has(`${req.method} ${req.routeOptions.url}`)) return
    const p = await authenticate(deps.db.orm, bearer(req))
    await refuseIfCrmBook(deps.db.orm, p.tenantId)
  })

  registerScope(app, deps, { auth: 'public', logLevel: 'warn' }, (r) => {
    keepRawJson(r.app)
    r.post('/api/hooks/crm-contacts/:key', async (req) => {
      if (!Buffer.isBuffer(req.body)) throw new AppError('E_BAD_REQUEST')
      const tenantId = await checkCrmPush(
        deps.db.orm,
        (req.params as { key?: string }).key,
        req.headers,
        req.body,
      )
      return upsertCrmContacts(deps.db, tenantId, validate(CrmPushSchema, parseJson(req.body)))
    })
  })

  /** A change of the contact source with its audit row (the secret as its hint) in one transaction. */
  const sourceChange = <R>(
    p: { tenantId: string; employeeId: string },
    action: string,
    run: (tx: Queryable) => Promise<R>,
  ) =>
    audited(deps.db.orm, p.tenantId, {
      actorId: p.employeeId,
      action,
      entity: 'crm',
      entityId: null,
      snapshot: (tx) => crmContactsSnapshot(tx, p.tenantId),
      change: run,
    })

  registerScope(app, deps, { auth: 'admin' }, (r) => {
    r.get('/api/admin/crm-contacts', async (_req, p) => crmContactsView(deps.db.orm, p.tenantId))
    r.post('/api/admin/crm-contacts/secret', async (_req, p) =>
      sourceChange(p, 'crm_contacts.secret', (tx) => newCrmContactsSecret(tx, p.tenantId)),
    )
    r.put('/api/admin/crm-contacts', async (req, p) => {
      const { readOnly } = validate(CrmContactsSettingsSchema, req.body)
      return sourceChange(p, 'crm_contacts.update', (tx) => setCrmContactsReadOnly(tx, p.tenantId, readOnly))
    })
  })
}
