/** The remembered visitor tokens refuse what verifyVisitorToken refuses, also after a first success. */
import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AppError } from '../errors.ts'
import { signVisitorToken, VISITOR_TOKEN_TTL_S } from './visitor-token.ts'
import { VisitorTokenCache } from './visitor-token-cache.ts'

const SECRET = 'test-visitor-secret'
const A = { tenantId: crypto.randomUUID(), visitorId: crypto.randomUUID() }
const refused = (f: () => unknown) => {
  try {
    f()
  } catch (e) {
    return e instanceof AppError && e.code === 'E_VISITOR_TOKEN'
  }
  return false
}

describe('visitor token cache', () => {
  it('a remembered token still expires, and is still refused for another tenant', () => {
    const now = Date.UTC(2026, 10, 29)
    const { token, expiresAt } = signVisitorToken(SECRET, A, now)
    const cache = new VisitorTokenCache(SECRET)
    expect(cache.verify(token, { now, tenantId: A.tenantId })).toEqual({ ...A, expiresAt })
    expect(cache.size).toBe(1)
    expect(cache.verify(token, { now: now + 1000 })).toEqual({ ...A, expiresAt })
    expect(refused(() => cache.verify(token, { now, tenantId: crypto.randomUUID() }))).toBe(true)
    expect(refused(() => cache.verify(token, { now: now + VISITOR_TOKEN_TTL_S * 1000 }))).toBe(true)
  })

  it('a forged or altered token is refused and not remembered, also beside a remembered genuine one', () => {
    const cache = new VisitorTokenCache(SECRET)
    const { token } = signVisitorToken(SECRET, A)
    cache.verify(token)
    const forged = signVisitorToken('another-key', A).token
    expect(refused(() => cache.verify(forged))).toBe(true)
    expect(refused(() => cache.verify(`${token.slice(0, -2)}AA`))).toBe(true)
    expect(cache.size).toBe(1)
  })

  it('keeps at most max tokens, forgetting the oldest (which then verifies again)', () => {
    const cache = new VisitorTokenCache(SECRET, 2)
    const t = [1, 2, 3].map(() => signVisitorToken(SECRET, { ...A, visitorId: crypto.randomUUID() }).token)
    for (const x of t) cache.verify(x)
    expect(cache.size).toBe(2)
    expect(cache.verify(t[0] as string).tenantId).toBe(A.tenantId)
    expect(cache.size).toBe(2)
  })
})
