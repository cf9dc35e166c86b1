/**
 * C8/C9 (probe 11, finding 11): the line a call came in on, as a list row says it — the virtual
 * number's name ("Sales"), never its digits when it has one; the formatted number when it has none.
 */
import type { CallView } from '../../../contract/calls.ts'
import { formatPhone } from './phoneFormat.ts'

/** "Sales", or "+7 495 120-45-60" for an unnamed line; null when the call came in on none. */
export function lineLabel(c: Pick<CallView, 'virtualNumber' | 'virtualNumberName'>): string | null {
  const name = c.virtualNumberName?.trim()
  if (name) return name
  return c.virtualNumber ? formatPhone(c.virtualNumber) : null
}
