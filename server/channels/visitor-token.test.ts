/** Issue 7 §2: the signed visitor id — forged, altered, expired or another tenant's → E_VISITOR_TOKEN. */
import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AppError } from '../errors.ts'
import { signVisitorToken, VISITOR_TOKEN_TTL_S, verifyVisitorToken } from './visitor-token.ts'

const SECRET = 'test-visitor-secret'
const A = { tenantId: crypto.randomUUID(), visitorId: crypto.randomUUID() }
const refused = (f: () => unknown) => {
  try {
    f()
  } catch (e) {
    return e instanceof AppError && e.code === 'E_VISITOR_TOKEN' && e.status === 401
  }
  return false
}

describe('visitor token', () => {
  it('round-trips tenant, visitor and expiry', () => {
    const now = Date.UTC(2026, 10, 29)
    const { token, expiresAt } = signVisitorToken(SECRET, A, now)
    expect(expiresAt).toBe(now / 1000 + VISITOR_TOKEN_TTL_S)
    expect(verifyVisitorToken(SECRET, token, { now, tenantId: A.tenantId })).toEqual({ ...A, expiresAt })
  })

  it('a token signed with another key, or with its payload or mac altered, is refused', () => {
    const { token } = signVisitorToken(SECRET, A)
    expect(refused(() => verifyVisitorToken('another-key', token))).toBe(true)
    const [, payload, mac] = token.split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>
    const forged = Buffer.from(JSON.stringify({ ...claims, v: crypto.randomUUID() })).toString('base64url')
    expect(refused(() => verifyVisitorToken(SECRET, `v1.${forged}.${mac}`))).toBe(true)
    expect(refused(() => verifyVisitorToken(SECRET, `v1.${payload}.${mac.slice(0, -2)}AA`))).toBe(true)
    for (const junk of ['', 'v1.', 'v1..', 'v2.a.b', `${token}.x`, 'x'.repeat(5000), '\u0000'])
      expect(
        refused(() => verifyVisitorToken(SECRET, junk)),
        junk.slice(0, 20),
      ).toBe(true)
  })

  it('a well-signed payload that is not ours in shape (no uuid, no expiry) is refused', () => {
    const sign = (o: unknown) => {
      const p = Buffer.from(JSON.stringify(o)).toString('base64url')
      return `v1.${p}.${crypto.createHmac('sha256', SECRET).update(`v1.${p}`).digest('base64url')}`
    }
    expect(refused(() => verifyVisitorToken(SECRET, sign({ t: 'x', v: A.visitorId, e: 9e9 })))).toBe(true)
    expect(refused(() => verifyVisitorToken(SECRET, sign({ t: A.tenantId, v: A.visitorId })))).toBe(true)
    expect(refused(() => verifyVisitorToken(SECRET, sign([1, 2])))).toBe(true)
  })

  it('an expired token is refused (expiry is the claim, checked against now)', () => {
    const now = Date.UTC(2026, 0, 1)
    const { token, expiresAt } = signVisitorToken(SECRET, A, now)
    expect(verifyVisitorToken(SECRET, token, { now: expiresAt * 1000 - 1 }).visitorId).toBe(A.visitorId)
    expect(refused(() => verifyVisitorToken(SECRET, token, { now: expiresAt * 1000 }))).toBe(true)
  })

  it("another tenant's token is refused where a tenant is expected", () => {
    const { token } = signVisitorToken(SECRET, A)
    expect(refused(() => verifyVisitorToken(SECRET, token, { tenantId: crypto.randomUUID() }))).toBe(true)
  })
})
