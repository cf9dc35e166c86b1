/** Calls (SPEC C1–C10): routing requests, dialog reports, history, missed calls, recordings. */

export {
  CALLBACK_LIMITS,
  callbackHit,
  callbackNumber,
  OPEN_PER_NUMBER,
  requestCallback,
} from './callback.ts'
export { GATEWAY_USER, GUEST_PREFIX, GUEST_TTL_S } from './callers.ts'
export { callsToCut, endCutCall } from './cut.ts'
export { recordDeclined } from './declined.ts'
export { applyDialog, type DialogOutcome, type DialogReport } from './dialog.ts'
export { dropOldGuestHits, GUEST_LIMITS, type GuestLimit, guestHit } from './guest-limits.ts'
export { getCall, listCalls, listMissed, markHandled, recordingFor } from './history.ts'
export { lostRecords, reconcileCalls, reconcileOnce } from './reconcile.ts'
export { recordingType, saveRecording } from './recordings.ts'
export { digitsOf, reasonFor } from './records.ts'
export { type LineAddress, type RouteRequest, routeInvite } from './route.ts'
export { busyEmployees, gatewayUri, loadRouting, loadSnapshot, tenantByDomain } from './snapshot.ts'
export { transferTargetsFor } from './transfer.ts'
export {
  callSettingsOf,
  DEFAULT_CALL_SETTINGS,
  grantTransfer,
  type ReferReport,
  setCallSettings,
} from './transfer-grant.ts'
export { undoHandled } from './undo.ts'
export { CALL_WAKE_JOB, type CallWakeJob, WAKE_WAIT_SEC, wakeIds, wakeSecFor } from './wake.ts'
