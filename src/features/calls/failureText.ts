/**
 * C8 call details: why a call failed, in the app's language. The server keeps the SIP reason phrase
 * (RFC 3261 §21, in English); a Russian screen showed "487 Cancelled by the caller". Codes we know are
 * said in words; any other keeps the server's phrase after its code.
 */
import type { MessageKey } from '../../lib/i18n/index.ts'

const WORDS: Partial<Record<number, MessageKey>> = {
  404: 'calls.sip.404',
  408: 'calls.sip.408',
  480: 'calls.sip.480',
  486: 'calls.sip.486',
  487: 'calls.sip.487',
  603: 'calls.sip.603',
}

/** The message key for a failure code, or null: show "code reason" as the server said it. */
export function failureKey(code: number | null): MessageKey | null {
  return code === null ? null : (WORDS[code] ?? null)
}
