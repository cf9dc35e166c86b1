/**
 * N1 §3: the incoming-call push to a closed app (server/domain/calls/wake.ts queues it with the route
 * answer that parks the call). Sent once, `Urgency: high`, with a TTL no longer than what is left of
 * the wait, so a push delivered late never rings; its tag is the call's (contract/push.ts `pushTag`),
 * so the missed-call push of the same call replaces the notification.
 */
import type { FastifyInstance } from 'fastify'
import type { CallPush } from '../../contract/push.ts'
import { CALL_WAKE_JOB, type CallWakeJob } from '../domain/calls/index.ts'
import { PermanentFailure } from '../jobs/index.ts'
import { sendPush } from '../push/index.ts'
import type { AppDeps } from './context.ts'

/** The push's payload for one waiting call. */
export function callPush(job: CallWakeJob): CallPush {
  return {
    kind: 'call',
    seq: job.seq,
    callId: job.callId,
    sipCallId: job.sipCallId,
    from: job.from,
    fromName: job.fromName,
    virtualNumber: job.virtualNumber,
    groupName: job.groupName,
    ringUntil: new Date(job.expiresAt).toISOString(),
  }
}

/** Registers the call wake-up's job handler. */
export function callWakeJobs(app: FastifyInstance, deps: AppDeps): void {
  app.jobs.handle(CALL_WAKE_JOB, async (job) => {
    const p = job.payload as unknown as CallWakeJob
    if (!job.tenantId || !Array.isArray(p.employeeIds)) throw new PermanentFailure('bad call wake job')
    const left = Math.floor((p.expiresAt - Date.now()) / 1000)
    // The call no longer waits for the app: a push now could only ring a call that is over.
    if (left < 1) return
    await sendPush(deps, job.tenantId, p.employeeIds, callPush(p), { urgency: 'high', ttl: left })
  })
}
