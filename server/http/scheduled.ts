/**
 * Scheduled messages (SPEC T12): /api/chats/:id/scheduled and /api/scheduled/:id, thin over
 * server/domain/scheduled; and the job that sends them when due.
 */
import type { FastifyInstance } from 'fastify'
import { IdParam } from '../../contract/api.ts'
import {
  type ScheduledListResponse,
  type ScheduledView,
  ScheduleEditSchema,
  ScheduleSchema,
} from '../../contract/leads.ts'
import { tenantSuspended } from '../channels/webhooks.ts'
import {
  cancelScheduled,
  editScheduled,
  listScheduled,
  runScheduled,
  SCHEDULED_JOB,
  scheduleMessage,
} from '../domain/scheduled/index.ts'
import { Postpone } from '../jobs/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Registers the routes and the job handler. */
export function scheduledRoutes(app: FastifyInstance, deps: AppDeps): void {
  const db = () => deps.db.orm
  app.jobs.handle(SCHEDULED_JOB, async (job) => {
    const id = job.payload.scheduledId
    // Probe 10 #4: a suspended company sends nothing; the send waits for re-activation, not lost.
    if (job.tenantId && (await tenantSuspended(db(), job.tenantId)))
      throw new Postpone(new Date(Date.now() + 3600_000), 'tenant suspended')
    if (typeof id === 'string' && job.tenantId) await runScheduled(db(), job.tenantId, id)
  })

  registerScope(app, deps, { auth: 'employee', omni: true }, (r) => {
    r.get('/api/chats/:id/scheduled', async (req, p): Promise<ScheduledListResponse> => {
      const { id } = validate(IdParam, req.params)
      return { scheduled: await listScheduled(db(), p, id) }
    })
    r.post('/api/chats/:id/scheduled', async (req, p, reply): Promise<{ scheduled: ScheduledView }> => {
      const { id } = validate(IdParam, req.params)
      const body = validate(ScheduleSchema, req.body)
      reply.code(201)
      return { scheduled: await scheduleMessage(db(), p, id, body) }
    })
    r.patch('/api/scheduled/:id', async (req, p): Promise<{ scheduled: ScheduledView }> => {
      const { id } = validate(IdParam, req.params)
      return { scheduled: await editScheduled(db(), p, id, validate(ScheduleEditSchema, req.body)) }
    })
    r.delete('/api/scheduled/:id', async (req, p): Promise<{ scheduled: ScheduledView }> => {
      const { id } = validate(IdParam, req.params)
      return { scheduled: await cancelScheduled(db(), p, id) }
    })
  })
}
