/**
 * A push subscription's endpoint is a URL the browser hands us and the server later POSTs to: a
 * request forgery door (SSRF) unless it is checked. Only https, no credentials in it, and no host
 * that names this machine or a private network — neither as typed (checked at subscribe) nor as
 * resolved (the agent's lookup refuses such addresses at send, so a public name that resolves to
 * 127.0.0.1 or 10.x gets nothing either). Tests and development allow private hosts (the push-service
 * stand-in listens on 127.0.0.1) with `allowPrivate`.
 */
import https from 'node:https'
import { hostProblem, isPrivateAddress, publicOnlyLookup } from '../net/address.ts'

export { isPrivateAddress }

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
  const p = hostProblem(u)
  return p ? `endpoint: ${p}` : null
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
