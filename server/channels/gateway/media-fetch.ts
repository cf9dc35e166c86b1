/**
 * The one way a provider's media URL is fetched (issue 8 §3; probe 8 finding 1). A webhook's URL is
 * attacker-chosen (Avito signs nothing; the others need only a valid signature of something), so:
 *  - http(s) only, and the host must be on the provider's allow-list (MEDIA_HOSTS, plus a channel's
 *    `config.mediaHosts`) — or be the origin of the channel's configured `baseUrl` (a stand-in or a
 *    self-hosted proxy the admin chose: trusted as configured, even on loopback);
 *  - every other host is resolved, and every address it resolves to must be public (no loopback,
 *    private, link-local, CGNAT, multicast, reserved, IPv6 ULA/link-local, IPv4-mapped or NAT64 forms);
 *    the socket connects to the address checked (the check is the connection's own `lookup`, so a name
 *    cannot resolve to a public address for the check and a private one for the connection);
 *  - at most 3 redirects, each hop checked again (credentials dropped when the origin changes);
 *  - the body streamed with a hard byte cap (the channel's file limit), aborted as soon as it passes,
 *    Content-Length or not; one total timeout for the whole exchange.
 * Any refusal or failure is `null` (the message is stored with a note saying its file was not taken).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { BlockList, isIP } from 'node:net'
import { ATTACHMENT_MAX_BYTES, CHANNEL_CAPABILITIES, type ChannelKind } from '../../../contract/chats.ts'

/**
 * Hosts each provider serves media from. `.example.com` is that domain and its subdomains.
 * WhatsApp Cloud API media URLs are lookaside.fbsbx.com; Messenger attachments come from Facebook's
 * CDN (fbcdn.net, fbsbx.com); Viber's media from its own domains; VK's from userapi.com (photos,
 * documents after vk.com/doc redirects, voice messages); Avito's images from avito.st.
 */
export const MEDIA_HOSTS: Partial<Record<ChannelKind, readonly string[]>> = {
  whatsapp: ['.fbsbx.com', '.fbcdn.net', '.whatsapp.net'],
  messenger: ['.fbsbx.com', '.fbcdn.net'],
  viber: ['.viber.com'],
  vk: ['vk.com', '.userapi.com', '.vkuserphoto.ru', '.vk-cdn.net', '.vkuser.net', '.vk.me'],
  avito: ['.avito.st', '.avito.ru'],
}

/** The whole exchange (connect, redirects, body) must end within this. */
export const MEDIA_TIMEOUT_MS = 15_000
/** Redirect hops followed at most (each checked like the first URL). */
export const MEDIA_MAX_REDIRECTS = 3

// Two lists: one BlockList holding both families matches IPv4 addresses against IPv6 rules too.
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

/** True when an IP address may be connected to for a provider's media (a public unicast address). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 4) return !BLOCKED_V4.check(address, 'ipv4')
  if (family === 6) return !BLOCKED_V6.check(address, 'ipv6')
  return false
}

type Resolver = (host: string) => Promise<LookupAddress[]>
const systemResolver: Resolver = (host) =>
  new Promise((ok, fail) => dnsLookup(host, { all: true }, (e, a) => (e ? fail(e) : ok(a))))

/** Who may be fetched for one channel: its provider's hosts, its own `mediaHosts`, its baseUrl's origin. */
export interface MediaPolicy {
  hosts: readonly string[]
  /** Origins trusted as configured (no address check): the channel's `config.baseUrl`. */
  trustedOrigins: readonly string[]
  maxBytes: number
  timeoutMs: number
  /** Name resolution (tests substitute one); the system's by default. */
  resolve?: Resolver
}

/** The policy of a channel (kind and config, as stored). */
export function mediaPolicy(channel: { kind: string; config: Record<string, unknown> }): MediaPolicy {
  const kind = channel.kind as ChannelKind
  const extra = channel.config.mediaHosts
  const base = channel.config.baseUrl
  let origin: string | null = null
  try {
    origin = typeof base === 'string' ? new URL(base).origin : null
  } catch {}
  const caps = CHANNEL_CAPABILITIES[kind]
  return {
    hosts: [
      ...(MEDIA_HOSTS[kind] ?? []),
      ...(Array.isArray(extra) ? extra.filter((h): h is string => typeof h === 'string') : []),
    ].map((h) => h.toLowerCase()),
    trustedOrigins: origin && origin !== 'null' ? [origin] : [],
    maxBytes: caps?.imageRule && !caps.files ? caps.imageRule.maxBytes : ATTACHMENT_MAX_BYTES,
    timeoutMs: MEDIA_TIMEOUT_MS,
  }
}

const onList = (host: string, hosts: readonly string[]) =>
  hosts.some((h) => (h.startsWith('.') ? host === h.slice(1) || host.endsWith(h) : host === h))

/** How a URL may be fetched: 'trusted' (configured origin), 'checked' (listed host, addresses checked), or not at all. */
function admit(url: URL, p: MediaPolicy): 'trusted' | 'checked' | null {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  if (url.username || url.password) return null
  if (p.trustedOrigins.includes(url.origin)) return 'trusted'
  const host = url.hostname.toLowerCase()
  if (isIP(host.replace(/^\[|\]$/g, ''))) return null
  return onList(host, p.hosts) ? 'checked' : null
}

export interface Fetched {
  bytes: Buffer
  mime: string | null
}

/** One GET, no redirect followed: the answer (status, location, bytes) or null when refused/failed. */
function getOnce(
  url: URL,
  mode: 'trusted' | 'checked',
  headers: Record<string, string>,
  p: MediaPolicy,
  signal: AbortSignal,
): Promise<{ status: number; location: string | null; fetched: Fetched | null }> {
  const resolve = p.resolve ?? systemResolver
  // The connection's own lookup: every address the name has must be public, and the socket connects
  // to the addresses checked here (nothing resolves the name a second time).
  const lookup = (
    host: string,
    opts: { all?: boolean },
    cb: (e: Error | null, a: string | LookupAddress[], f?: number) => void,
  ) => {
    resolve(host).then(
      (addrs) => {
        if (!addrs.length || addrs.some((a) => !isPublicAddress(a.address)))
          return cb(new Error(`media host ${host} resolves to a non-public address`), '', 4)
        if (opts?.all) cb(null, addrs)
        else cb(null, addrs[0]!.address, addrs[0]!.family)
      },
      (e: Error) => cb(e, '', 4),
    )
  }
  const lib = url.protocol === 'https:' ? https : http
  return new Promise((done, fail) => {
    const req = lib.request(
      url,
      {
        method: 'GET',
        headers: { ...headers, 'accept-encoding': 'identity' },
        signal,
        agent: false,
        ...(mode === 'checked' ? { lookup: lookup as never } : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0
        if (status >= 300 && status < 400) {
          res.resume()
          return done({ status, location: res.headers.location ?? null, fetched: null })
        }
        if (status !== 200) {
          res.resume()
          return done({ status, location: null, fetched: null })
        }
        const declared = Number(res.headers['content-length'])
        if (Number.isFinite(declared) && declared > p.maxBytes) {
          req.destroy()
          return done({ status, location: null, fetched: null })
        }
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (c: Buffer) => {
          size += c.length
          if (size > p.maxBytes) {
            req.destroy()
            done({ status, location: null, fetched: null })
          } else chunks.push(c)
        })
        res.on('end', () => {
          const ct = res.headers['content-type']
          done({ status, location: null, fetched: { bytes: Buffer.concat(chunks), mime: ct ?? null } })
        })
        res.on('error', fail)
        res.on('aborted', () => fail(new Error('media fetch aborted')))
      },
    )
    req.on('error', fail)
    req.end()
  })
}

/**
 * Fetches a provider's media for a channel under its policy; null when the URL is not admitted, an
 * address is not public, the answer is not 200, the body passes the cap, or time runs out.
 */
export async function fetchMedia(
  p: MediaPolicy,
  url: string,
  headers: Record<string, string> = {},
): Promise<Fetched | null> {
  const ac = new AbortController()
  const timer = setTimeout(() => ac.abort(), p.timeoutMs)
  try {
    let at: URL
    try {
      at = new URL(url)
    } catch {
      return null
    }
    let sendHeaders = headers
    for (let hop = 0; hop <= MEDIA_MAX_REDIRECTS; hop++) {
      const mode = admit(at, p)
      if (!mode) return null
      const r = await getOnce(at, mode, sendHeaders, p, ac.signal)
      if (r.fetched) return r.fetched
      if (!r.location) return null
      let next: URL
      try {
        next = new URL(r.location, at)
      } catch {
        return null
      }
      if (next.origin !== at.origin) sendHeaders = {}
      at = next
    }
    return null
  } catch {
    return null
  } finally {
    clearTimeout(timer)
  }
}
