/**
 * Phone number normalisation. libphonenumber-js is not available in this project's package list, so
 * this is the narrow rule set the product needs: keep digits and a leading +, and write Russian
 * national forms (8XXXXXXXXXX, 7XXXXXXXXXX, 9XXXXXXXXX) as E.164 +7XXXXXXXXXX.
 */

const SEPARATORS = /[\s\-().]/g

/** Normalise a dialled or stored number; null when it contains anything but digits, separators and a leading +. */
export function normalizeNumber(raw: string): string | null {
  const compact = raw.trim().replace(SEPARATORS, '')
  const m = /^(\+?)(\d+)$/.exec(compact)
  if (!m) return null
  const plus = m[1] === '+'
  const digits = m[2] ?? ''
  if (plus) return `+${digits}`
  // Russia: trunk prefix 8 or country code 7 with a 10-digit national number.
  if (digits.length === 11 && (digits[0] === '8' || digits[0] === '7')) return `+7${digits.slice(1)}`
  // A Russian mobile typed without any prefix (9XX XXX-XX-XX).
  if (digits.length === 10 && digits[0] === '9') return `+7${digits}`
  return digits
}

/** Is this normalised number long enough to be a public number (E.164 allows up to 15 digits)? */
export function isPublicNumber(normalized: string): boolean {
  const digits = normalized.replace(/^\+/, '')
  return digits.length >= 7 && digits.length <= 15
}

/** `sip:<number>@<host of gatewayUri>`; any user part or parameters of the gateway URI are dropped. */
export function gatewayTarget(gatewayUri: string, number: string): string {
  const rest = gatewayUri.replace(/^sips?:/i, '')
  const hostPart = rest.includes('@') ? rest.slice(rest.indexOf('@') + 1) : rest
  const host = hostPart.split(/[;?]/)[0] ?? hostPart
  return `sip:${number}@${host}`
}
