/**
 * An end-to-end test door (FRONTLINE_TEST_HOOKS=1 only, like ./test-hooks.ts): POST
 * /internal/test/status-log appends known rows to an employee's status log, so the S4 spec can check
 * the report against a log whose times it chose (a spec cannot wait hours in each status).
 * Loopback with the internal secret. Rows are only appended: the log stays append-only.
 */
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import * as v from 'valibot'
import { text } from '../../contract/text.ts'
import { schema } from '../db/index.ts'
import { tenantBySlug } from '../domain/leads/index.ts'
import { AppError } from '../errors.ts'
import { internalAllowed } from '../sip/index.ts'
import { type AppDeps, validate } from './context.ts'

const StatusLogSchema = v.strictObject({
  tenant: v.pipe(text, v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/)),
  login: v.pipe(text, v.maxLength(64)),
  marks: v.pipe(
    v.array(v.strictObject({ status: v.pipe(text, v.maxLength(32)), at: v.pipe(text, v.isoTimestamp()) })),
    v.maxLength(100),
  ),
})

/** Registers the door when the environment asks for it. */
export function statusLogTestHook(app: FastifyInstance, deps: AppDeps): void {
  if (process.env.FRONTLINE_TEST_HOOKS !== '1') return
  app.post('/internal/test/status-log', { config: { auth: 'internal' } }, async (req) => {
    if (!internalAllowed(req.ip, req.headers['x-internal-secret'], deps.secrets.internalSecret))
      throw new AppError('E_NOT_FOUND')
    const body = validate(StatusLogSchema, req.body)
    const q = deps.db.orm
    const tenantId = await tenantBySlug(q, body.tenant)
    const [e] = await q
      .select({ id: schema.employees.id })
      .from(schema.employees)
      .where(and(eq(schema.employees.tenantId, tenantId), eq(schema.employees.login, body.login)))
    if (!e) throw new AppError('E_NOT_FOUND')
    await q
      .insert(schema.statusLog)
      .values(body.marks.map((m) => ({ tenantId, employeeId: e.id, status: m.status, at: new Date(m.at) })))
    return { employeeId: e.id }
  })
}
