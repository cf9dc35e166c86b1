/**
 * Probe 13 UI #1/#2: an employee's "to mobile" number as people write it ("+7 916 123-45-67",
 * "8 916 123 45 67", "(916) 123-45-67") read by libphonenumber-js and stored in E.164, or E_VALIDATION
 * naming the field (the app marks it). Numbers without a country code are read as the tenant's
 * country's — Russian, like every other number the server reads (channels/address.ts DEFAULT_REGION).
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'
import { AppError } from '../../errors.ts'
import { DEFAULT_REGION } from '../channels/index.ts'

/** What the E_VALIDATION detail says (the app shows its own text in the UI language). */
export const MOBILE_DETAIL = 'mobile: a mobile number such as +7 916 123-45-67 or 8 916 123-45-67'

/** The number in E.164; null (none) for null or empty; E_VALIDATION `mobile: …` when it is no number. */
export function normaliseMobile(input: string | null | undefined, region = DEFAULT_REGION): string | null {
  if (input === null || input === undefined) return null
  const s = input.trim()
  if (s === '') return null
  // Only what people write in numbers (libphonenumber would read letters as digits).
  if (!/^\+?[\d\s().-]{5,30}$/.test(s)) throw new AppError('E_VALIDATION', [MOBILE_DETAIL])
  const p = parsePhoneNumberFromString(s, region as 'RU')
  if (!p?.isValid()) throw new AppError('E_VALIDATION', [MOBILE_DETAIL])
  return p.number
}
