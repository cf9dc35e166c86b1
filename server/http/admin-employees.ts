/**
 * Issue 13, SPEC A1: the admin's employees (/api/admin/employees…) and everyone's own password
 * (PUT /api/me/password). Thin: validate, call server/domain/employees or auth.
 */
import type { FastifyInstance } from 'fastify'
import {
  ChangePasswordSchema,
  CreateEmployeeSchema,
  EditEmployeeSchema,
  type EmployeeAdminView,
} from '../../contract/admin.ts'
import { IdParam } from '../../contract/api.ts'
import {
  changeOwnPassword,
  LoginThrottle,
  PASSWORD_CHANGE_LIMITS,
  PASSWORD_ISSUE_LIMITS,
} from '../domain/auth/index.ts'
import {
  createEmployeeByAdmin,
  deactivateEmployee,
  editEmployee,
  issuePassword,
  listEmployeesAdmin,
  reactivateEmployee,
  wouldIssuePassword,
} from '../domain/employees/index.ts'
import { AppError } from '../errors.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Registers the employees and own-password routes. */
export function adminEmployeeRoutes(app: FastifyInstance, deps: AppDeps): void {
  const actor = (p: { tenantId: string; employeeId: string }) => ({
    tenantId: p.tenantId,
    employeeId: p.employeeId,
  })
  // Probe 13 #15: each issued password is a hash; counted before it (per employee, and per company).
  const issueThrottle = new LoginThrottle(PASSWORD_ISSUE_LIMITS)
  registerScope(app, deps, { auth: 'admin' }, (r) => {
    r.get('/api/admin/employees', async (_req, p) => listEmployeesAdmin(deps.db.orm, p.tenantId))

    r.post('/api/admin/employees', async (req, p, reply) => {
      const body = validate(CreateEmployeeSchema, req.body)
      const out = await createEmployeeByAdmin(deps.db, actor(p), body)
      // The password is shown once: never kept by a cache on the way.
      reply.code(201).header('cache-control', 'no-store')
      return out
    })

    r.patch('/api/admin/employees/:id', async (req, p) => {
      const { id } = validate(IdParam, req.params)
      const employee: EmployeeAdminView = await editEmployee(
        deps.db,
        actor(p),
        id,
        validate(EditEmployeeSchema, req.body),
      )
      // `id` and `acceptButton` at the top: T3's answer before issue 13.
      return { employee, id: employee.id, acceptButton: employee.acceptButton }
    })

    r.post('/api/admin/employees/:id/password', async (req, p, reply) => {
      const { id } = validate(IdParam, req.params)
      // Counted before the hash, and only when there will be one (not a 404 or one's own id).
      if (await wouldIssuePassword(deps.db.orm, p.tenantId, p.employeeId, id)) {
        const counted = await issueThrottle.attempt(deps.db.orm, `issue\0${p.tenantId}`, id)
        if (!counted.admitted) throw new AppError('E_RATE_LIMITED')
      }
      reply.header('cache-control', 'no-store')
      return issuePassword(deps.db, actor(p), id)
    })

    r.post('/api/admin/employees/:id/deactivate', async (req, p) => {
      const { id } = validate(IdParam, req.params)
      return { employee: await deactivateEmployee(deps.db, actor(p), id) }
    })

    r.post('/api/admin/employees/:id/reactivate', async (req, p) => {
      const { id } = validate(IdParam, req.params)
      return { employee: await reactivateEmployee(deps.db, actor(p), id) }
    })
  })

  const pwThrottle = new LoginThrottle(PASSWORD_CHANGE_LIMITS)
  registerScope(app, deps, { auth: 'employee' }, (r) => {
    r.put('/api/me/password', async (req, p) =>
      changeOwnPassword(deps.db, pwThrottle, { ...p, ip: req.ip }, validate(ChangePasswordSchema, req.body)),
    )
  })
}
