/** SPEC A4 settings kept on the device (idb-keyval, readable by the service worker too). */
import { get, set } from 'idb-keyval'
import { createSignal } from 'solid-js'
import { setPhoneNamesOn } from '../../lib/phonebook/index.ts'

export type StartPage = 'calls' | 'requests' | 'contacts' | 'onsite'
export const START_PAGES: StartPage[] = ['calls', 'requests', 'contacts', 'onsite']

export interface DeviceSettings {
  startPage: StartPage
  preferPhoneNames: boolean
  /** SPEC A3: the first-run permission walk-through was finished or skipped. */
  walkthroughDone: boolean
}

const DEFAULTS: DeviceSettings = { startPage: 'calls', preferPhoneNames: false, walkthroughDone: false }
const KEY = 'settings'

const [settings, setSettingsSignal] = createSignal<DeviceSettings>(DEFAULTS)

/** Current device settings (reactive). */
export { settings }

/** Load settings from IndexedDB (called once at boot). */
export async function loadSettings(): Promise<void> {
  const raw = (await get<Partial<DeviceSettings>>(KEY).catch(() => undefined)) ?? {}
  setSettingsSignal({
    startPage: START_PAGES.includes(raw.startPage as StartPage) ? (raw.startPage as StartPage) : 'calls',
    preferPhoneNames: raw.preferPhoneNames === true,
    walkthroughDone: raw.walkthroughDone === true,
  })
  setPhoneNamesOn(settings().preferPhoneNames)
}

/** Change and persist some settings. */
export async function updateSettings(patch: Partial<DeviceSettings>): Promise<void> {
  const next = { ...settings(), ...patch }
  setSettingsSignal(next)
  setPhoneNamesOn(next.preferPhoneNames)
  await set(KEY, next)
}
