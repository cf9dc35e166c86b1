/**
 * Probe 12 #3: a tenant's SMTP relay (its admin typed the host) is connected to only at a public
 * address — an IP literal or a name resolving to loopback / a private network is a PermanentFailure
 * before any connection; a public name is handed to nodemailer as the address resolved, its name kept
 * for TLS. The operator's SMTP_RELAY_URL and PROVIDER_ALLOW_PRIVATE=1 are not checked.
 */
import dns from 'node:dns'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { PermanentFailure } from '../../jobs/index.ts'
import { reachableRelay, relayOf } from './send.ts'

const stub = (address: string, family = 4) =>
  vi
    .spyOn(dns, 'lookup')
    .mockImplementation(((_h: string, _o: unknown, cb: (e: null, a: dns.LookupAddress[]) => void) =>
      cb(null, [{ address, family }])) as never)

describe('reachableRelay', () => {
  afterEach(() => vi.restoreAllMocks())

  it('refuses a tenant relay on loopback, private or link-local addresses, typed or resolved', async () => {
    for (const relayHost of ['127.0.0.1', '10.1.2.3', '169.254.169.254', '[::1]']) {
      const relay = relayOf({ relayHost, relayPort: 25 }, null)
      await expect(reachableRelay(relay!, false)).rejects.toBeInstanceOf(PermanentFailure)
    }
    stub('192.168.0.10')
    await expect(
      reachableRelay(relayOf({ relayHost: 'smtp.example.com' }, null)!, false),
    ).rejects.toBeInstanceOf(PermanentFailure)
  })

  it('connects a public name at the address checked, keeping the name for TLS; the operator relay and switch pass', async () => {
    stub('93.184.216.34')
    expect(
      await reachableRelay(relayOf({ relayHost: 'smtp.example.com', relaySecure: true }, null)!, false),
    ).toEqual({
      host: '93.184.216.34',
      servername: 'smtp.example.com',
      port: 587,
      secure: true,
    })
    expect(await reachableRelay('smtp://127.0.0.1:25', false)).toBe('smtp://127.0.0.1:25')
    const local = relayOf({ relayHost: '127.0.0.1', relayPort: 2525 }, null)!
    expect(await reachableRelay(local, true)).toBe(local)
  })
})
