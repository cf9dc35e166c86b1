/**
 * SPEC A3: what the browser lets the app do, read live. Pages cannot revoke a permission —
 * the Settings screen explains where the browser does it.
 */
import { createSignal, onCleanup } from 'solid-js'
import type { MessageKey } from '../../lib/i18n/index.ts'

export type PermName = 'notifications' | 'microphone' | 'camera' | 'contacts'
export type PermState = 'granted' | 'denied' | 'prompt' | 'unsupported' | 'available'

export const PERMISSIONS: { name: PermName; label: MessageKey; why: MessageKey }[] = [
  { name: 'notifications', label: 'perm.notifications', why: 'perm.notifications.why' },
  { name: 'microphone', label: 'perm.microphone', why: 'perm.microphone.why' },
  { name: 'camera', label: 'perm.camera', why: 'perm.camera.why' },
  { name: 'contacts', label: 'perm.contacts', why: 'perm.contacts.why' },
]

type ContactsNavigator = Navigator & {
  contacts?: { select(props: string[], opts?: { multiple?: boolean }): Promise<unknown[]> }
}

function hasContactPicker(): boolean {
  return 'contacts' in navigator && 'ContactsManager' in window
}

/** Current state of one permission; uses the Permissions API where it exists. */
export async function queryPermission(name: PermName): Promise<PermState> {
  if (name === 'contacts') return hasContactPicker() ? 'available' : 'unsupported'
  if (name === 'notifications') {
    if (!('Notification' in window)) return 'unsupported'
    const p = Notification.permission
    return p === 'default' ? 'prompt' : p
  }
  if (!navigator.mediaDevices?.getUserMedia) return 'unsupported'
  try {
    const st = await navigator.permissions.query({ name: name as PermissionName })
    return st.state
  } catch {
    return 'prompt'
  }
}

/** Ask the browser for a permission (must run inside a user gesture). */
export async function requestPermission(name: PermName): Promise<PermState> {
  try {
    if (name === 'notifications') {
      if (!('Notification' in window)) return 'unsupported'
      await Notification.requestPermission()
    } else if (name === 'microphone' || name === 'camera') {
      const stream = await navigator.mediaDevices.getUserMedia(
        name === 'microphone' ? { audio: true } : { video: true },
      )
      for (const tr of stream.getTracks()) tr.stop()
    } else if (hasContactPicker()) {
      // The Contact Picker has no standing permission: the browser asks every time.
      await (navigator as ContactsNavigator).contacts?.select(['name', 'tel'], { multiple: false })
    }
  } catch {
    // Denied or dismissed: the state below says so.
  }
  return queryPermission(name)
}

/** A reactive map of all permission states, kept live via PermissionStatus.onchange. */
export function createPermissionStates() {
  const [states, setStates] = createSignal<Record<PermName, PermState>>({
    notifications: 'prompt',
    microphone: 'prompt',
    camera: 'prompt',
    contacts: 'unsupported',
  })
  const put = (n: PermName, s: PermState) => setStates((prev) => ({ ...prev, [n]: s }))
  const refresh = async () => {
    for (const p of PERMISSIONS) put(p.name, await queryPermission(p.name))
  }
  void refresh()
  const watchers: PermissionStatus[] = []
  for (const n of ['notifications', 'microphone', 'camera'] as const) {
    navigator.permissions
      ?.query({ name: n as PermissionName })
      .then((st) => {
        st.onchange = () => void queryPermission(n).then((s) => put(n, s))
        watchers.push(st)
      })
      .catch(() => {})
  }
  onCleanup(() => {
    for (const w of watchers) w.onchange = null
  })
  return {
    states,
    refresh,
    request: async (n: PermName) => put(n, await requestPermission(n)),
  }
}

/** The i18n key describing a state. */
export function stateLabel(s: PermState): MessageKey {
  switch (s) {
    case 'granted':
      return 'perm.granted'
    case 'denied':
      return 'perm.denied'
    case 'unsupported':
      return 'perm.unsupported'
    case 'available':
      return 'perm.contacts.granted'
    default:
      return 'perm.prompt'
  }
}
