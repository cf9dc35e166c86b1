/**
 * N1 §3, calls reach a closed app (the pattern of RFC 8599, `webpush` type): when a set of targets
 * names operators whose app is closed but can be woken, the route answer tells Kamailio to wait for
 * their REGISTER (pbx/README.md "Waking a closed app") and this queues the incoming-call push, in the
 * transaction that writes the call record — the push exists exactly when the ringing call does.
 *
 * The push is sent by the job CALL_WAKE_JOB (server/http/call-wake.ts): `Urgency: high`, a TTL no
 * longer than the wait (a late push must never ring), and the call's tag, so the missed-call push of
 * the same call replaces the notification.
 */
import { enqueueJob, lastSeq, type Tx } from '../../db/index.ts'
import type { Target } from '../routing/index.ts'
import type { CallRow } from './views.ts'

/** The durable job that sends one call's incoming-call push to the operators being woken. */
export const CALL_WAKE_JOB = 'call.wake'

/** How long a call waits for a woken app when its set has no ring timeout of its own (tm: 60 s). */
export const WAKE_WAIT_SEC = 30

/** The job's payload: what the incoming-call push says, and to whom. */
export interface CallWakeJob {
  employeeIds: string[]
  /** Server call id (history, missed calls). */
  callId: string
  /** SIP Call-ID: the woken page answers the INVITE carrying it. */
  sipCallId: string
  /** The caller as the app shows it: their number (or extension), and the contact's name if known. */
  from: string
  fromName: string | null
  /** The company number the client dialled (C8), if any. */
  virtualNumber: string | null
  groupName: string | null
  /** Seconds the call waits for the app: the push's TTL. */
  ttlSec: number
  /** Epoch ms after which the push is pointless (the call no longer waits). */
  expiresAt: number
  /** The tenant's change feed once this call's record is in it (the app renders after it). */
  seq: number
}

/** The employees of `targets` whose app is to be woken, each once. */
export function wakeIds(targets: readonly Target[]): string[] {
  return [...new Set(targets.flatMap((t) => (t.wake && t.employeeId ? [t.employeeId] : [])))]
}

/** Seconds a set waits for a woken app: its ring timeout, else WAKE_WAIT_SEC. */
export function wakeSecFor(timeoutSec: number): number {
  return timeoutSec > 0 ? timeoutSec : WAKE_WAIT_SEC
}

/** Queues the incoming-call push for the employees being woken for `row`'s set number `attempt`. */
export async function queueCallWake(
  tx: Tx,
  row: CallRow,
  o: {
    employeeIds: string[]
    attempt: number
    ttlSec: number
    fromName: string | null
    groupName: string | null
    now: Date
  },
): Promise<void> {
  if (!o.employeeIds.length) return
  const payload: CallWakeJob = {
    employeeIds: o.employeeIds,
    callId: row.id,
    sipCallId: row.sipCallId,
    from: row.direction === 'internal' ? row.fromNumber : row.peerNumber || row.fromNumber,
    fromName: o.fromName,
    virtualNumber: row.virtualNumber,
    groupName: o.groupName,
    ttlSec: o.ttlSec,
    expiresAt: o.now.getTime() + o.ttlSec * 1000,
    seq: await lastSeq(tx, row.tenantId),
  }
  await enqueueJob(tx, {
    kind: CALL_WAKE_JOB,
    key: `${row.id}:${o.attempt}`,
    tenantId: row.tenantId,
    payload: payload as unknown as Record<string, unknown>,
    runAt: o.now,
    // A call push that fails is not retried: by the time a retry went out the call would be over.
    maxAttempts: 1,
  })
}
