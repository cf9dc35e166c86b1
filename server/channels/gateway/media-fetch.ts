/**
 * The one way a provider's media URL is fetched (issue 8 §3; probe 8 finding 1). A webhook's URL is
 * attacker-chosen (Avito signs nothing; the others need only a valid signature of something), so:
 *  - http(s) only, and the host must be on the provider's allow-list (MEDIA_HOSTS, plus a channel's
 *    `config.mediaHosts`) — or be the origin of the channel's configured `baseUrl` (a self-hosted
 *    proxy the admin chose). A tenant admin types that baseUrl, so its addresses are checked like any
 *    other (probe 12 #3: it named 127.0.0.1 and read an internal service into a chat file) unless the
 *    operator allows private providers (PROVIDER_ALLOW_PRIVATE=1: tests, local stand-ins);
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
import { isIP } from 'node:net'
import { ATTACHMENT_MAX_BYTES, CHANNEL_CAPABILITIES, type ChannelKind } from '../../../contract/chats.ts'
import { hostProblem, isPrivateAddress } from '../../net/address.ts'
import { providerAllowPrivate } from '../../net/provider-fetch.ts'

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

/** True when an IP address may be connected to for a provider's media (a public unicast address). */
export const isPublicAddress = (address: string): boolean => isIP(address) !== 0 && !isPrivateAddress(address)

type Resolver = (host: string) => Promise<LookupAddress[]>
const systemResolver: Resolver = (host) =>
  new Promise((ok, fail) => dnsLookup(host, { all: true }, (e, a) => (e ? fail(e) : ok(a))))

/** Who may be fetched for one channel: its provider's hosts, its own `mediaHosts`, its baseUrl's origin. */
export interface MediaPolicy {
  hosts: readonly string[]
  /**
   * Origins taken without the host list: the channel's `config.baseUrl`. Their addresses are still
   * checked (as typed and as resolved) unless private hosts are allowed (probe 12 #3).
   */
  trustedOrigins: readonly string[]
  /** PROVIDER_ALLOW_PRIVATE=1 (tests, local stand-ins): a trusted origin may be on loopback / a private network. */
  allowPrivate?: boolean
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
    allowPrivate: providerAllowPrivate(),
  }
}

const onList = (host: string, hosts: readonly string[]) =>
  hosts.some((h) => (h.startsWith('.') ? host === h.slice(1) || host.endsWith(h) : host === h))

/**
 * How a URL may be fetched: 'trusted' (the configured origin, private hosts allowed: no address check),
 * 'checked' (a listed host, or the configured origin: every address it resolves to checked), or not at all.
 */
function admit(url: URL, p: MediaPolicy): 'trusted' | 'checked' | null {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  if (url.username || url.password) return null
  if (p.trustedOrigins.includes(url.origin))
    return p.allowPrivate ? 'trusted' : hostProblem(url) ? null : 'checked'
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
