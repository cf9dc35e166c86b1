/**
 * Solid state for screens: the line and the calls as a store, updated from the Phone. Screens read
 * these and call the actions; they never touch SIP.js (CONVENTIONS "Layer the phone like SIP.js").
 */
import { createStore, reconcile } from 'solid-js/store'
import type { Phone, PhoneSnapshot } from './sip.ts'
import { initialLine } from './state.ts'

export interface PhoneStore {
  readonly state: PhoneSnapshot
  /** Stop following the phone (on logout). */
  dispose(): void
}

/** Mirror a Phone into a Solid store; fine-grained: only changed calls re-render. */
export function createPhoneStore(phone: Phone): PhoneStore {
  const [state, setState] = createStore<PhoneSnapshot>({ line: initialLine, calls: [] })
  const dispose = phone.subscribe((snap) => setState(reconcile(snap, { key: 'id', merge: true })))
  return { state, dispose }
}
