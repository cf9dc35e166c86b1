/**
 * The one string schema of every request field (bodies, queries, params, WebSocket messages, the
 * internal Kamailio routes): PostgreSQL text and jsonb cannot hold a NUL character, and UTF-8 cannot
 * encode a lone surrogate, so either reached the database and came back as a 500. Refused here, they
 * are a coded 400 (E_VALIDATION) before any handler runs. Use `text` where `v.string()` would go, and
 * pipe the field's own rules after it: `v.pipe(text, v.trim(), v.maxLength(64))`.
 * contract/text.test.ts walks every exported schema and fails on a bare `v.string()`.
 */
import * as v from 'valibot'

export const TEXT_MESSAGE = 'must not contain NUL characters or unpaired surrogates'

/** True for a string PostgreSQL can store: no U+0000, every surrogate in a pair. */
export function isStorableText(s: string): boolean {
  if (s.includes('\u0000')) return false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0xd800 || c > 0xdfff) continue
    const next = s.charCodeAt(i + 1)
    if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false
    i++
  }
  return true
}

/** A string without NUL or lone surrogates; the base of every string field of a request. */
export const text = v.pipe(v.string(), v.check(isStorableText, TEXT_MESSAGE))
