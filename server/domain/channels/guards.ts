/**
 * What a tenant admin may not set on a channel (probe 12 #3, #4), checked when the channel is saved:
 *  - a provider URL (`baseUrl`, a gateway's `url`, a Telegram bot's `apiBase`) or the SMTP relay host
 *    aimed at this server or a private network — the server would read internal URLs into chat files
 *    and POST to internal services (server/net/address.ts; each request is checked again at connect,
 *    server/net/provider-fetch.ts). PROVIDER_ALLOW_PRIVATE=1 (the operator's switch) allows them.
 *  - an e-mail address outside the tenant's own mail domain (`<slug>.frontline.local`, the tenant's
 *    domain: tenants.sip_domain), or one another connected e-mail channel already has (a 409 in the same
 *    words whichever tenant has it; never the unique index's 500).
 */
import { and, eq, ne, sql } from 'drizzle-orm'
import { type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { hostProblem } from '../../net/address.ts'
import { providerAllowPrivate, providerUrlProblem } from '../../net/provider-fetch.ts'

const { channels, tenants } = schema

/** Settings holding a URL the server itself calls or fetches from (`publicBaseUrl` is ours, handed out). */
export const PROVIDER_URL_FIELDS = ['baseUrl', 'url', 'apiBase'] as const

/** E_PROVIDER_URL_PRIVATE when a provider URL or the SMTP relay of a checked config is not a public host. */
export function checkProviderHosts(
  config: Record<string, unknown>,
  allowPrivate = providerAllowPrivate(),
): void {
  if (allowPrivate) return
  const bad: string[] = []
  for (const f of PROVIDER_URL_FIELDS) {
    const val = config[f]
    if (typeof val !== 'string') continue
    const p = providerUrlProblem(val, false)
    if (p) bad.push(`config.${f}: ${p}`)
  }
  const relay = config.relayHost
  if (typeof relay === 'string') {
    let p: string | null
    try {
      p = hostProblem(new URL(`smtp://${relay}`))
    } catch {
      p = 'not a host name'
    }
    if (p) bad.push(`config.relayHost: ${p}`)
  }
  if (bad.length) throw new AppError('E_PROVIDER_URL_PRIVATE', bad)
}

/** The tenant's mail domain: its own domain (`<slug>.frontline.local`), the only one it has proved. */
export async function mailDomainOf(q: Queryable, tenantId: string): Promise<string> {
  const [t] = await q.select({ domain: tenants.sipDomain }).from(tenants).where(eq(tenants.id, tenantId))
  if (!t) throw new AppError('E_AUTH_REQUIRED')
  return t.domain.toLowerCase()
}

/**
 * An e-mail channel's address, lower case, when it is at the tenant's mail domain and no other
 * connected e-mail channel has it (`except`: the channel being changed); else E_CHANNEL_ADDRESS_DOMAIN
 * (details name the allowed domain) or E_CHANNEL_ADDRESS_TAKEN.
 */
export async function checkedMailAddress(
  q: Queryable,
  tenantId: string,
  address: string,
  except?: string,
): Promise<string> {
  const value = address.trim().toLowerCase()
  const domain = await mailDomainOf(q, tenantId)
  const at = value.lastIndexOf('@')
  const local = value.slice(0, at)
  if (
    at < 1 ||
    value.slice(at + 1) !== domain ||
    local.length > 64 ||
    !/^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+$/.test(local) ||
    local.startsWith('.') ||
    local.endsWith('.') ||
    local.includes('..')
  )
    throw new AppError('E_CHANNEL_ADDRESS_DOMAIN', [`address: must be <name>@${domain}`])
  const [taken] = await q
    .select({ id: channels.id })
    .from(channels)
    .where(
      and(
        eq(channels.kind, 'email'),
        eq(channels.connected, true),
        sql`lower(${channels.address}) = ${value}`,
        except ? ne(channels.id, except) : undefined,
      ),
    )
    .limit(1)
  if (taken) throw new AppError('E_CHANNEL_ADDRESS_TAKEN')
  return value
}

/** The e-mail address unique index (0040 `channels_email_address`) as E_CHANNEL_ADDRESS_TAKEN (two saves at once). */
export function addressTaken(e: unknown): AppError | null {
  const err = e as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } }
  const code = err.code ?? err.cause?.code
  if (code !== '23505') return null
  const c = `${err.constraint ?? err.cause?.constraint ?? ''} ${String((e as Error).message ?? '')}`
  return c.includes('channels_email_address') ? new AppError('E_CHANNEL_ADDRESS_TAKEN') : null
}
