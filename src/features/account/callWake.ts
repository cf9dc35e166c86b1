/**
 * N1 §3 in Settings → This device: whether a call can wake this app while it is closed, and what to
 * do when it cannot. A call waits for a closed app only while this device's push subscription is
 * live and the account has a softphone line (the server wakes operators whose status takes calls).
 */
import type { MessageKey } from '../../lib/i18n/index.ts'
import type { PushState } from '../../lib/push/index.ts'

export interface CallWakeRow {
  state: MessageKey
  tone: 'granted' | 'denied' | 'available'
  todo?: MessageKey
}

/** The row for this device: its push state and whether the account has a phone line. */
export function callWakeRow(push: PushState, hasLine: boolean): CallWakeRow {
  if (!hasLine) return { state: 'device.calls.noLine', tone: 'denied', todo: 'device.calls.noLine.todo' }
  if (push === 'subscribed') return { state: 'device.calls.yes', tone: 'granted' }
  if (push === 'checking') return { state: 'device.push.checking', tone: 'available' }
  if (push === 'unsupported' || push === 'unreachable' || push === 'refused')
    return { state: 'device.calls.no', tone: 'denied', todo: 'device.calls.keepOpen.todo' }
  return { state: 'device.calls.no', tone: 'available', todo: 'device.calls.allow.todo' }
}
