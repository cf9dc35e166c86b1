import { describe, expect, it } from 'vitest'
import { ephemeralCredentials } from './credentials.ts'

describe('auth_ephemeral credentials', () => {
  it('matches a vector computed independently with openssl', () => {
    // printf '1700000000:101' | openssl dgst -sha1 -hmac 'change-me-secret' -binary | base64
    const c = ephemeralCredentials('change-me-secret', '101', 1700000000)
    expect(c.username).toBe('1700000000:101')
    expect(c.password).toBe('aIGkesITit4wy9Buq5Y9+1mXAUc=')
  })

  it('another secret or expiry gives another password', () => {
    const a = ephemeralCredentials('s1', '101', 1)
    expect(ephemeralCredentials('s2', '101', 1).password).not.toBe(a.password)
    expect(ephemeralCredentials('s1', '101', 2).password).not.toBe(a.password)
  })
})
