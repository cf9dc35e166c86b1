/**
 * Which client addresses count as one for the public doors' per-address limits (probe 12 #2). An IPv4
 * address is one client; an IPv6 client holds a whole /64 (one home or office network: SLAAC and privacy
 * extensions hand every device, and any attacker, as many addresses of it as he likes), so its key is
 * the /64 prefix. An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is its IPv4 address.
 */
import { isIPv4, isIPv6 } from 'node:net'

/** The limiter key of a client address: IPv4 as it is, IPv6 as its /64 (`2001:db8:1:2::/64`). */
export function addressKey(ip: string): string {
  if (isIPv4(ip) || !isIPv6(ip)) return ip
  const lower = ip.toLowerCase().replace(/%.*$/, '')
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower)
  if (mapped?.[1]) return mapped[1]
  const [head = '', tail] = lower.split('::')
  const part = (s: string) =>
    s
      ? s.split(':').flatMap((g) => {
          // An embedded IPv4 tail is two groups.
          if (!g.includes('.')) return [g]
          const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number)
          return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)]
        })
      : []
  const h = part(head)
  const t = tail === undefined ? [] : part(tail)
  const groups =
    tail === undefined ? h : [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t]
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`
}
