/**
 * Every request the server makes to a messenger provider or a gateway whose address a tenant admin
 * may have typed (a channel's `baseUrl`, a gateway's `url`, a Telegram bot's `apiBase`; probe 12 #3).
 * The shape of `fetch` (a Request in, a Response out), over node:http(s) so the connection's own
 * lookup can refuse private addresses: the host as typed is checked (`hostProblem`: an IP literal
 * resolves nothing), and every address a name resolves to at connect time (`publicOnlyLookup`), so a
 * public name pointing at 127.0.0.1 or 169.254.169.254 — or rebound to it — is refused (error code
 * EPRIVATE). PROVIDER_ALLOW_PRIVATE=1 (an operator's switch: tests and local stand-ins) allows them;
 * so does a provider root the operator set himself (`*_API_BASE`, e.g. a local Bot API server on
 * loopback), never one a tenant typed.
 * Redirects are not followed (no provider API we call answers with one).
 */
import http from 'node:http'
import https from 'node:https'
import { Readable } from 'node:stream'
import { hostProblem, privateAddressError, publicOnlyLookup } from './address.ts'

/** Whether providers may be on loopback / private networks (PROVIDER_ALLOW_PRIVATE=1), read at each request. */
export const providerAllowPrivate = (env: NodeJS.ProcessEnv = process.env) =>
  env.PROVIDER_ALLOW_PRIVATE === '1'

/** Why a provider URL typed by a tenant admin is refused, or null (always null when private hosts are allowed). */
export function providerUrlProblem(url: string, allowPrivate = providerAllowPrivate()): string | null {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return 'not a URL'
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be http(s)'
  return allowPrivate ? null : hostProblem(u)
}

/** The provider roots an operator may set in the environment (docs/api.md, Configuration). */
export const OPERATOR_API_BASES = [
  'WHATSAPP_API_BASE',
  'MESSENGER_API_BASE',
  'VIBER_API_BASE',
  'VK_API_BASE',
  'AVITO_API_BASE',
  'TELEGRAM_API_BASE',
] as const

/** Whether a URL is at the origin of a provider root the operator configured (not checked: his choice). */
export function operatorOrigin(u: URL, env: NodeJS.ProcessEnv = process.env): boolean {
  return OPERATOR_API_BASES.some((name) => {
    const base = env[name]
    if (!base) return false
    try {
      return new URL(base).origin === u.origin
    } catch {
      return false
    }
  })
}

const agentOpts = { keepAlive: true, maxSockets: 32 }
const strict = {
  http: new http.Agent({ ...agentOpts, lookup: publicOnlyLookup as never }),
  https: new https.Agent({ ...agentOpts, lookup: publicOnlyLookup as never }),
}
const open = { http: new http.Agent(agentOpts), https: new https.Agent(agentOpts) }

/** `fetch` for provider URLs, with the address checks above; rejects with code EPRIVATE when refused. */
export async function providerFetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
  // The Request serialises any body fetch takes (JSON text, URLSearchParams, FormData with its boundary).
  const req = new Request(url, init)
  const u = new URL(req.url)
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new Error(`provider URL must be http(s): ${u.protocol}`)
  const allow = providerAllowPrivate() || operatorOrigin(u)
  const problem = allow ? null : hostProblem(u)
  if (problem) throw privateAddressError(`provider host ${u.hostname}: ${problem}`)
  const body = req.body ? Buffer.from(await req.arrayBuffer()) : null
  const headers: Record<string, string> = {}
  req.headers.forEach((v, k) => {
    headers[k] = v
  })
  if (body) headers['content-length'] = String(body.length)
  const proto = u.protocol === 'https:' ? 'https' : 'http'
  const lib = proto === 'https' ? https : http
  return new Promise<Response>((resolve, reject) => {
    const r = lib.request(
      u,
      {
        method: req.method,
        headers,
        agent: (allow ? open : strict)[proto],
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (res) => {
        const h = new Headers()
        for (const [k, v] of Object.entries(res.headers))
          for (const x of Array.isArray(v) ? v : v === undefined ? [] : [v]) h.append(k, x)
        const status = res.statusCode ?? 0
        const empty = req.method === 'HEAD' || status === 204 || status === 304
        if (empty) res.resume()
        try {
          resolve(
            new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
              status,
              statusText: res.statusMessage ?? '',
              headers: h,
            }),
          )
        } catch (e) {
          res.destroy()
          reject(e)
        }
      },
    )
    r.on('error', reject)
    r.end(body ?? undefined)
  })
}
