import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from './password.ts'
import { hashToken, newToken } from './tokens.ts'

describe('passwords', () => {
  it('verifies the right password, refuses a wrong one, salts per hash', async () => {
    const h = await hashPassword('секрет-1')
    expect(h).toMatch(/^scrypt\$16384\$8\$1\$/)
    expect(await verifyPassword('секрет-1', h)).toBe(true)
    expect(await verifyPassword('секрет-2', h)).toBe(false)
    expect(await hashPassword('секрет-1')).not.toBe(h)
  })

  it('a malformed stored hash never matches', async () => {
    expect(await verifyPassword('x', 'plain')).toBe(false)
    expect(await verifyPassword('x', 'scrypt$1$1$1$$')).toBe(false)
  })
})

describe('tokens', () => {
  it('are 32 random bytes in base64url and stored as sha256 hex', () => {
    const t = newToken()
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(newToken()).not.toBe(t)
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/)
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })
})
