/** The net door: one signal saying whether the device is offline, fed by events and request outcomes. */
import { createSignal } from 'solid-js'
import { initialNet, type NetInput, netStep } from './state.ts'

export { isNetworkError, type NetInput, type NetState } from './state.ts'

const [net, setNet] = createSignal(initialNet(globalThis.navigator?.onLine))

/** True while the device is offline (browser event or a request that failed at the network level). */
export const offline = (): boolean => net() === 'offline'

/** Feed evidence in: the API client and the realtime link call this on every outcome. */
export function noteNetwork(input: NetInput): void {
  setNet((s) => netStep(s, input, globalThis.navigator?.onLine))
}

globalThis.addEventListener?.('online', () => noteNetwork('online'))
globalThis.addEventListener?.('offline', () => noteNetwork('offline'))
