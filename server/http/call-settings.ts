/** C5 transfer timeout: read by the operator's app (GET /api/calls/transfer-settings), set by an admin. */
import type { FastifyInstance } from 'fastify'
import { type CallSettings, CallSettingsSchema } from '../../contract/calls.ts'
import { audited, callSettingsSnapshot } from '../domain/admin-audit/index.ts'
import { callSettingsOf, setCallSettings } from '../domain/calls/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Registers the call settings routes. */
export function callSettingsRoutes(app: FastifyInstance, deps: AppDeps): void {
  registerScope(app, deps, { auth: 'employee' }, (r) => {
    r.get(
      '/api/calls/transfer-settings',
      async (_req, p): Promise<CallSettings> => callSettingsOf(deps.db.orm, p.tenantId),
    )
  })
  registerScope(app, deps, { auth: 'admin' }, (r) => {
    r.put('/api/admin/call-settings', async (req, p): Promise<CallSettings> => {
      const body = validate(CallSettingsSchema, req.body)
      return audited(deps.db.orm, p.tenantId, {
        actorId: p.employeeId,
        action: 'call_settings.update',
        entity: 'settings',
        entityId: null,
        snapshot: (tx) => callSettingsSnapshot(tx, p.tenantId),
        change: (tx) => setCallSettings(tx, p.tenantId, body),
      })
    })
  })
}
