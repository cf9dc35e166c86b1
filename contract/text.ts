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

/**
 * C0 and C1 controls (Unicode Cc) and the bidi marks, embeddings, overrides and isolates (U+061C,
 * U+200E/F, U+202A–202E, U+2066–2069) and the BOM: an RLO in a name shows `evil\u202Egpj.exe` as
 * `evilexe.jpg`, an ESC sequence colours a terminal, a CR/LF forges a line of a log or a table.
 */
export const UNSAFE_CONTROLS = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu

/**
 * A name on one line, inert: line breaks and tabs become a space, every other control and bidi
 * character is removed, runs of white space are one space, trimmed. Clients' names from providers
 * (server/channels/gateway/core.ts `inertName`) and staff and company names (contract/admin.ts) alike.
 */
export function oneLineName(s: string): string {
  return s
    .replace(UNSAFE_CONTROLS, (c) => (/\s/.test(c) ? ' ' : ''))
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * True for an ISO date-time that names a real instant PostgreSQL stores: no 30 February (JavaScript
 * would roll it to 2 March), a year within 1970–9999.
 */
export function isRealTimestamp(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12) return false
  if (d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return false
  return Number.isFinite(Date.parse(s))
}
