/**
 * SPEC A4: with "Prefer names from the phone's contact book" on, a caller named by number takes the
 * name the phone's own book gives that number (K1, src/lib/phonebook), matched on E.164.
 */
import { phoneBookName } from '../../lib/phonebook/index.ts'
import { toE164 } from './phoneFormat.ts'

/** The phone-book name of a number as the call knows it (any format), or null. Reactive. */
export function bookName(raw: string | null | undefined): string | null {
  return raw ? phoneBookName(toE164(raw)) : null
}
