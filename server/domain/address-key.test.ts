import { describe, expect, it } from 'vitest'
import { addressKey } from './address-key.ts'

describe('addressKey', () => {
  it('IPv4 is itself; an IPv4-mapped IPv6 address is its IPv4', () => {
    expect(addressKey('198.51.100.7')).toBe('198.51.100.7')
    expect(addressKey('::ffff:198.51.100.7')).toBe('198.51.100.7')
    expect(addressKey('::FFFF:198.51.100.7')).toBe('198.51.100.7')
  })

  it('every address of one IPv6 /64 is one key, in any spelling; another /64 is another', () => {
    const k = addressKey('2001:db8:1:2::1')
    expect(k).toBe('2001:db8:1:2::/64')
    for (const ip of [
      '2001:db8:1:2::32',
      '2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd',
      '2001:DB8:1:2:0:0:0:ffff',
      '2001:db8:1:2::1%eth0',
      '2001:db8:1:2::198.51.100.7',
    ])
      expect(addressKey(ip), ip).toBe(k)
    expect(addressKey('2001:db8:1:3::1')).not.toBe(k)
    expect(addressKey('::1')).toBe('0:0:0:0::/64')
    expect(addressKey('2001:db8::')).toBe('2001:db8:0:0::/64')
  })

  it('what is no address is kept as it is (the limiter still counts it)', () => {
    for (const s of ['', 'unknown', 'not:an:ip::zz']) expect(addressKey(s)).toBe(s)
  })
})
