/** The new-password rules the app checks before asking the server (probe 13 #14): 8+ characters, typed twice alike. */
import type { MessageKey } from '../../lib/i18n/index.ts'

export const MIN_PASSWORD = 8

/** What is wrong with a new password and its repeat, by field; empty when nothing is. */
export function newPasswordErrors(next: string, repeat: string): { next?: MessageKey; repeat?: MessageKey } {
  if (next.length < MIN_PASSWORD) return { next: 'password.tooShort' }
  if (repeat !== next) return { repeat: 'password.mismatch' }
  return {}
}
