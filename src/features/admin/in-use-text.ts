/**
 * Probe 13 #4, #8: a refusal because something still uses what the admin removes (a group a number
 * rings or a channel's chats go only to; an employee a number rings) names those things in its details
 * (numbers, channel names). The admin reads them with the message, so he knows what to change first.
 */
import { errorMessage, type Lang } from '../../../contract/errors.ts'

/** Codes whose details name what is in the way. */
const NAMING = new Set(['E_GROUP_IN_USE', 'E_EMPLOYEE_IN_USE'])

/** The coded message in `l`, with the named things after it when the code has them. */
export function inUseMessage(code: string, details: readonly string[], l: Lang): string {
  const base = errorMessage(code, l)
  return NAMING.has(code) && details.length ? `${base} (${details.join(', ')})` : base
}
