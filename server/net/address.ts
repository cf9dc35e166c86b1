/**
 * Where the server may connect on someone else's say-so (SSRF, probe 8 #1, probe 12 #3): a push
 * endpoint a browser handed us, a provider URL a tenant admin typed, a media URL in a webhook. One
 * rule for all of them: no host that names this machine or a private network — neither as typed
 * (`hostProblem`, checked when the URL is saved and again before each request, since a connection to
 * an IP literal resolves nothing) nor as resolved (`publicOnlyLookup`, the connection's own lookup, so
 * a public name that resolves to 127.0.0.1 or 10.x — or is rebound to it between check and connect —
 * gets nothing either). Tests and development allow private hosts through their own operator switches
 * (PUSH_ALLOW_PRIVATE, PROVIDER_ALLOW_PRIVATE), never a tenant's setting.
 */
import dns from 'node:dns'
import { BlockList } from 'node:net'
import ipaddr from 'ipaddr.js'

// Ranges named explicitly besides ipaddr.js's (two lists: one BlockList holding both families matches
// IPv4 addresses against IPv6 rules too).
const BLOCKED_V4 = new BlockList()
const BLOCKED_V6 = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  BLOCKED_V4.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of [
  ['::', 96], // unspecified, loopback, IPv4-compatible
  ['::ffff:0:0', 96], // IPv4-mapped
  ['64:ff9b::', 96], // NAT64 (embeds any IPv4)
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (embeds any IPv4)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  BLOCKED_V6.addSubnet(net, prefix, 'ipv6')

/**
 * Anything but a plain public unicast address: loopback, private, link-local, CGNAT, multicast,
 * reserved, documentation, 6to4/Teredo/NAT64 wrappers, IPv4-mapped or -compatible IPv6, site-local,
 * IPv6 outside global unicast (2000::/3) — ipaddr.js's ranges and the lists above, either one refusing.
 */
export function isPrivateAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return true
  try {
    const a = ipaddr.parse(ip)
    if (a.range() !== 'unicast') return true
    if (a.kind() === 'ipv4') return BLOCKED_V4.check(a.toString(), 'ipv4')
    if (!a.match(ipaddr.parse('2000::'), 3)) return true
    return BLOCKED_V6.check(a.toNormalizedString(), 'ipv6')
  } catch {
    return true
  }
}

/** The host of a URL as a connection sees it: no brackets, lower case, no trailing dots. */
export const bareHost = (u: URL) =>
  u.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.+$/, '')

/**
 * Why a URL's host, as typed, is not a public one (null when it may be): an IP literal of a private
 * range, a name without a dot, `localhost` or a name under a local-only suffix.
 */
export function hostProblem(u: URL): string | null {
  const host = bareHost(u)
  if (ipaddr.isValid(host)) return isPrivateAddress(host) ? 'not a public host' : null
  if (!host.includes('.')) return 'not a public host'
  if (host === 'localhost' || /\.(localhost|local|internal|lan|home\.arpa)$/.test(host))
    return 'not a public host'
  return null
}

type LookupCb = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void

/** A refusal to connect to a private address: `code` EPRIVATE, so callers can tell it from a network failure. */
export function privateAddressError(what: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(what)
  e.code = 'EPRIVATE'
  return e
}

/** dns.lookup that fails (EPRIVATE) when any address of the name is private: the connect-time half of the check. */
export function publicOnlyLookup(hostname: string, options: dns.LookupOptions, cb: LookupCb): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addrs) => {
    if (err) return cb(err, [])
    const list = addrs as dns.LookupAddress[]
    const bad = list.find((a) => isPrivateAddress(a.address))
    if (bad) return cb(privateAddressError(`${hostname} resolves to ${bad.address}`), [])
    if (options.all) return cb(null, list)
    const first = list[0]
    if (!first) return cb(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), [])
    cb(null, first.address, first.family)
  })
}

/**
 * One public address of a host (an IP literal checked, a name resolved with `publicOnlyLookup`), for a
 * client that connects by itself (nodemailer): it is then given the address, not the name, so nothing
 * resolves the name a second time. Rejects with EPRIVATE like the lookup.
 */
export function resolvePublic(host: string): Promise<string> {
  const bare = host.replace(/^\[|\]$/g, '')
  if (ipaddr.isValid(bare))
    return isPrivateAddress(bare)
      ? Promise.reject(privateAddressError(`${host} is not a public address`))
      : Promise.resolve(bare)
  return new Promise((ok, fail) =>
    publicOnlyLookup(host, {}, (e, address) => (e ? fail(e) : ok(String(address)))),
  )
}
