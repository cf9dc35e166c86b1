/**
 * Issue 13 leftover: the device section gives each piece of advice once. Several rows share a cause
 * (notifications not allowed yet: the notification row, the push row and the call-wake row all said
 * "Allow notifications above"); the advice stays on the first row with that cause.
 */
import type { MessageKey } from '../../lib/i18n/index.ts'

/** Advice keys that say the same thing: the fix is one action. */
const SAME_CAUSE: Partial<Record<MessageKey, string>> = {
  'device.push.permission.todo': 'allow-notifications',
  'device.calls.allow.todo': 'allow-notifications',
  'perm.deniedHow': 'notifications-blocked',
}

/** The rows with every repeated piece of advice removed (kept on its first row). */
export function adviseOnce<R extends { todo?: MessageKey }>(rows: R[]): R[] {
  const given = new Set<string>()
  return rows.map((r) => {
    if (!r.todo) return r
    const cause = SAME_CAUSE[r.todo] ?? r.todo
    if (given.has(cause)) return { ...r, todo: undefined }
    given.add(cause)
    return r
  })
}
