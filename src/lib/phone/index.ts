/**
 * The PWA phone (SPEC C1–C10). Load it lazily — `await import('../lib/phone/index.ts')` — so the app
 * shell does not carry SIP.js. Pure state lives in state.ts (importable on its own for types/tests).
 */
export { type AudioStats, CallHandle } from './call.ts'
export { acquireLineLock, type LineLock } from './lock.ts'
export { listOutputDevices, setOutputDevice, startRingtone } from './media.ts'
export type { Recording } from './recorder.ts'
export { createPhoneStore, type PhoneStore } from './signals.ts'
export {
  credentialsFromSettings,
  Phone,
  type PhoneOptions,
  type PhoneSnapshot,
  type SipCredentials,
} from './sip.ts'
export * from './state.ts'
