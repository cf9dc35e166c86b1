/** Password hashing with scrypt (node:crypto), a per-user salt, and a timing-safe compare. */
import crypto from 'node:crypto'
import { promisify } from 'node:util'

const scrypt = promisify(crypto.scrypt) as (
  pw: string,
  salt: Buffer,
  len: number,
  opts: crypto.ScryptOptions,
) => Promise<Buffer>
const PARAMS = { N: 16384, r: 8, p: 1 }
const KEYLEN = 32

/**
 * New hashes (an account made, a password issued or changed) run at most HASH_SLOTS at a time, so a
 * flood of them never holds all of libuv's threads: sign-ins (verifyPassword) keep the others
 * (probe 13 #15 — an admin's 400 resets made other companies' logins take 6–18 s).
 */
export const HASH_SLOTS = 1
let hashing = 0
const waiting: (() => void)[] = []
async function hashSlot<T>(run: () => Promise<T>): Promise<T> {
  if (hashing >= HASH_SLOTS) await new Promise<void>((go) => waiting.push(go))
  else hashing++
  try {
    return await run()
  } finally {
    const next = waiting.shift()
    if (next) next()
    else hashing--
  }
}

/** Hash as `scrypt$N$r$p$salt$hash` (base64url), so parameters can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16)
  const key = await hashSlot(() => scrypt(password, salt, KEYLEN, PARAMS))
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  )
}

let verifications = 0
/** How many password checks this process has run (the throttle's tests and bench count them). */
export function passwordVerifications(): number {
  return verifications
}

/** True when `password` matches `stored`; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  verifications++
  const [alg, n, r, p, salt, hash] = stored.split('$')
  if (alg !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  })
  return key.length === expected.length && crypto.timingSafeEqual(key, expected)
}

let dummy: Promise<string> | undefined
/** A hash to verify against when the login is unknown, so both failures cost the same time. */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(crypto.randomBytes(16).toString('hex'))
  return dummy
}
