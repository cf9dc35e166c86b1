/**
 * C8: numbers shown one way everywhere (libphonenumber-js, international format: "+7 916 400 00 00"),
 * and a search query read the way people type numbers ("8 916 400 00 00" is the same number as
 * "+7 916 400 00 00"). The small `min` metadata keeps this out of the login route's bundle weight
 * (it is imported by the calls and contacts features only).
 */
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/min'

/** Numbers without a country code are read as this region's (the server's DEFAULT_REGION too). */
export const DEFAULT_REGION: CountryCode = 'RU'

/** Only what people write in numbers: digits, spaces, + ( ) - . — an extension or `guest-…` stays as is. */
const PHONE_LIKE = /^[\d\s+().-]{7,}$/

/** A phone number in international format; extensions, guest users and non-numbers unchanged. */
export function formatPhone(raw: string): string {
  const s = raw.trim()
  if (!PHONE_LIKE.test(s)) return raw
  const p = parsePhoneNumberFromString(s, DEFAULT_REGION)
  return p?.isValid() ? p.formatInternational() : raw
}

/**
 * The digits a number query is looked up by: a whole valid number becomes its national significant
 * number (so "8 916…", "+7 916…" and "7916…" all find "+79164000000", whose digits end with it);
 * a part of a number keeps its digits, without a leading trunk 8 ("8 916 555" → "916555"). Null when the query is not a number (a name).
 */
export function numberQuery(q: string): string | null {
  const s = q.trim()
  const digits = s.replace(/\D/g, '')
  if (!digits || digits.length !== s.replace(/[\s()+.-]/g, '').length) return null
  const p = digits.length >= 10 ? parsePhoneNumberFromString(s, DEFAULT_REGION) : undefined
  if (p?.isValid()) return String(p.nationalNumber)
  // A part of a Russian number typed with the trunk prefix ("8 916 555"): its national digits.
  if (DEFAULT_REGION === 'RU' && digits.length >= 5 && digits.startsWith('8') && !s.includes('+'))
    return digits.slice(1)
  return digits
}

/** The query as history search reads it: a whole number as its national digits, anything else as typed. */
export function searchQuery(q: string): string {
  return numberQuery(q) ?? q
}

/** A number as E.164 ("8 916 400-00-00" → "+79164000000"); null when it is not a valid phone number. */
export function toE164(raw: string): string | null {
  const s = raw.trim()
  if (!PHONE_LIKE.test(s)) return null
  const p = parsePhoneNumberFromString(s, DEFAULT_REGION)
  return p?.isValid() ? p.number : null
}
