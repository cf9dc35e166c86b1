/** Calls (SPEC C1–C10): routing requests, dialog reports, history, missed calls, recordings. */
export { applyDialog, type DialogOutcome } from './dialog.ts'
export { getCall, listCalls, listMissed, markHandled, recordingFor } from './history.ts'
export { lostRecords, reconcileCalls, reconcileOnce } from './reconcile.ts'
export { recordingType, saveRecording } from './recordings.ts'
export { digitsOf, reasonFor } from './records.ts'
export { routeInvite } from './route.ts'
export { busyEmployees, gatewayUri, loadRouting, loadSnapshot, tenantByDomain } from './snapshot.ts'
export { transferTargetsFor } from './transfer.ts'
