/**
 * A push subscription's endpoint is a URL the browser hands us and the server later POSTs to: a
 * request forgery door (SSRF) unless it is checked. Only https, no credentials in it, and no host
 * that names this machine or a private network — neither as typed (checked at subscribe) nor as
 * resolved (the agent's lookup refuses such addresses at send, so a public name that resolves to
 * 127.0.0.1 or 10.x gets nothing either). Tests and development allow private hosts (the push-service
 * stand-in listens on 127.0.0.1) with `allowPrivate`.
 */
import dns from 'node:dns'
import https from 'node:https'
import ipaddr from 'ipaddr.js'

/** Why an endpoint is refused, or null when it is acceptable. */
export function endpointProblem(endpoint: string, allowPrivate: boolean): string | null {
  let u: URL
  try {
    u = new URL(endpoint)
  } catch {
    return 'endpoint: not a URL'
  }
  if (u.protocol !== 'https:') return 'endpoint: must be https'
  if (u.username || u.password) return 'endpoint: must not carry credentials'
  if (allowPrivate) return null
  // Push services listen on 443: another port makes the server a scanner of third parties' services.
  if (u.port !== '') return 'endpoint: must use the default https port'
  const host = u.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.+$/, '')
  if (ipaddr.isValid(host)) return isPrivateAddress(host) ? 'endpoint: not a public host' : null
  if (!host.includes('.')) return 'endpoint: not a public host'
  if (host === 'localhost' || /\.(localhost|local|internal|lan|home\.arpa)$/.test(host))
    return 'endpoint: not a public host'
  return null
}

/**
 * Anything but a plain public unicast address (ipaddr.js's ranges): loopback, private, link-local,
 * CGNAT, multicast, reserved, 6to4/Teredo/NAT64 wrappers, IPv4-mapped or -compatible IPv6, site-local.
 */
export function isPrivateAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return true
  try {
    const a = ipaddr.parse(ip)
    if (a.range() !== 'unicast') return true
    // IPv6: only global unicast (2000::/3) — not IPv4-compatible ::a.b.c.d or unassigned space.
    return a.kind() === 'ipv6' && !a.match(ipaddr.parse('2000::'), 3)
  } catch {
    return true
  }
}

type LookupCb = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void

/** dns.lookup that fails for a private address (the second half of the SSRF check, at connect). */
export function publicOnlyLookup(hostname: string, options: dns.LookupOptions, cb: LookupCb): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addrs) => {
    if (err) return cb(err, [])
    const list = addrs as dns.LookupAddress[]
    const bad = list.find((a) => isPrivateAddress(a.address))
    if (bad) {
      const e: NodeJS.ErrnoException = new Error(`push endpoint ${hostname} resolves to ${bad.address}`)
      e.code = 'EPRIVATE'
      return cb(e, [])
    }
    if (options.all) return cb(null, list)
    const first = list[0]
    if (!first) return cb(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), [])
    cb(null, first.address, first.family)
  })
}

/** The agent every push request goes through: kept-alive sockets, and the checks above. */
export function pushAgent(o: { allowPrivate: boolean; ca?: string | undefined }): https.Agent {
  return new https.Agent({
    keepAlive: true,
    maxSockets: 16,
    ...(o.ca ? { ca: o.ca } : {}),
    ...(o.allowPrivate ? {} : { lookup: publicOnlyLookup as never }),
  })
}
