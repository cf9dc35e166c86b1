/**
 * T10: what an operator typed to write first, normalised to the address a channel knows the client by:
 * a phone in E.164 (libphonenumber-js; the default region for numbers without +), an e-mail in lower
 * case, a Telegram @username. The kind decides which channels are offered (contract WRITE_FIRST_REACH).
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'
import type { AddressKind } from '../../../contract/channels.ts'
import { AppError } from '../../errors.ts'

/** Numbers typed without + are read as Russian ones (the product's market) unless told otherwise. */
export const DEFAULT_REGION = 'RU'

export interface Address {
  kind: AddressKind
  /** E.164, lower-case e-mail, or @username. */
  value: string
}

const EMAIL = /^[^\s@<>(),;:"[\]\\]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$/
const USERNAME = /^@[A-Za-z][A-Za-z0-9_]{3,31}$/

/** The address typed, normalised, or E_VALIDATION naming what it could not read. */
export function normaliseAddress(input: string, region = DEFAULT_REGION): Address {
  const s = input.trim()
  if (s.startsWith('@')) {
    if (!USERNAME.test(s)) throw new AppError('E_VALIDATION', ['address: not a Telegram username'])
    return { kind: 'username', value: s.toLowerCase() }
  }
  if (s.includes('@')) {
    if (s.length > 254 || !EMAIL.test(s)) throw new AppError('E_VALIDATION', ['address: not an e-mail'])
    return { kind: 'email', value: s.toLowerCase() }
  }
  return { kind: 'phone', value: normalisePhone(s, region) }
}

/** A phone number in E.164, or E_VALIDATION. */
export function normalisePhone(input: string, region = DEFAULT_REGION): string {
  // Only what people write in numbers: digits, spaces, + ( ) - . (libphonenumber would read letters).
  if (!/^\+?[\d\s().-]{3,30}$/.test(input))
    throw new AppError('E_VALIDATION', ['address: not a phone number'])
  const p = parsePhoneNumberFromString(input, region as 'RU')
  if (!p?.isValid()) throw new AppError('E_VALIDATION', ['address: not a phone number'])
  return p.number
}
