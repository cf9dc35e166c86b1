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
import net from 'node:net'

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
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (!host.includes('.') && !net.isIP(host)) return 'endpoint: not a public host'
  if (host === 'localhost' || /\.(localhost|local|internal|lan|home\.arpa)\.?$/.test(host))
    return 'endpoint: not a public host'
  if (net.isIP(host) && isPrivateAddress(host)) return 'endpoint: not a public host'
  return null
}

/** Loopback, private, link-local, CGNAT, unspecified, multicast, documentation or mapped-private. */
export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) {
    const [a = 0, b = 0] = ip.split('.').map(Number)
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 192 && b === 0) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    )
  }
  if (!net.isIPv6(ip)) return true
  const x = ip.toLowerCase()
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(x)
  if (mapped?.[1]) return isPrivateAddress(mapped[1])
  return (
    x === '::' ||
    x === '::1' ||
    /^f[cd]/.test(x) ||
    /^fe[89ab]/.test(x) ||
    /^ff/.test(x) ||
    /^2001:db8:/.test(x) ||
    /^::ffff:/.test(x) ||
    /^64:ff9b:/.test(x)
  )
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
    maxSockets: 64,
    ...(o.ca ? { ca: o.ca } : {}),
    ...(o.allowPrivate ? {} : { lookup: publicOnlyLookup as never }),
  })
}
