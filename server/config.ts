/** Server configuration from the environment (docs/api.md, "Configuration"), validated once at start. */
import { isIP } from 'node:net'
import path from 'node:path'

export interface Config {
  port: number
  host: string
  dataDir: string
  databaseUrl: string | null
  sipWsPort: number
  sipWsUrl: string
  kamailio: string
  /** Calls vs Kamailio's dialogs (issue 6 §5): how often, and how old a record must be; 0 = never. */
  reconcile: { intervalMs: number; graceMs: number }
  seedDemo: boolean
  demoPassword: string | null
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /**
   * Reverse proxies (IP addresses / CIDRs) whose X-Forwarded-For names the client: Fastify's
   * `request.ip` and Kamailio's bans use the real client address only for connections from these.
   */
  trustedProxy: string[]
  /** The e-mail channel (issue 8 §1): inbound SMTP port (0: any free one) and the default relay. */
  smtpPort: number
  smtpRelayUrl: string | null
  /** Seconds between Kamailio's keep-alive OPTIONS to each side of a call (SIP_KEEPALIVE_SEC; 0 = off). */
  sipKeepaliveSec: number
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** Thrown for a bad environment; main.ts prints the message and exits 1. */
export class ConfigError extends Error {}

function port(name: string, raw: string | undefined, dflt: number): number {
  if (raw === undefined || raw === '') return dflt
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) {
    throw new ConfigError(`${name} must be a TCP port number (0–65535), got "${raw}"`)
  }
  return Number(raw)
}

/** TRUSTED_PROXY: comma-separated IPv4/IPv6 addresses or CIDRs; empty = no proxy is trusted. */
export function parseTrustedProxy(raw: string | undefined): string[] {
  const list = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  for (const entry of list) {
    const [addr = '', bits, ...rest] = entry.split('/')
    const kind = isIP(addr)
    const max = kind === 4 ? 32 : 128
    if (!kind || rest.length || (bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > max))) {
      throw new ConfigError(`TRUSTED_PROXY must list IP addresses or CIDRs (a.b.c.d[/n]), got "${entry}"`)
    }
  }
  return list
}

/** Reads and validates the configuration; throws ConfigError listing what is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = []
  const attempt = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn()
    } catch (e) {
      problems.push((e as Error).message)
      return fallback
    }
  }
  const p = attempt(() => port('PORT', env.PORT, 8080), 8080)
  const sipWsPort = attempt(() => port('SIP_WS_PORT', env.SIP_WS_PORT, 8088), 8088)
  const host = env.HOST || '127.0.0.1'
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host)) problems.push(`HOST must be a host name or address, got "${host}"`)
  const databaseUrl = env.DATABASE_URL || null
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://')
  }
  const sipWsUrl = env.SIP_WS_URL || `ws://127.0.0.1:${sipWsPort}`
  if (!/^wss?:\/\/[^\s]+$/.test(sipWsUrl))
    problems.push(`SIP_WS_URL must be a ws:// or wss:// URL, got "${sipWsUrl}"`)
  const seedRaw = env.SEED_DEMO ?? '1'
  if (!['0', '1', 'true', 'false', ''].includes(seedRaw)) problems.push('SEED_DEMO must be 1 or 0')
  const ms = (name: string, dflt: number) => {
    const raw = env[name]
    if (raw === undefined || raw === '') return dflt
    if (!/^\d{1,9}$/.test(raw)) problems.push(`${name} must be a number of milliseconds, got "${raw}"`)
    return Number(raw) || 0
  }
  const reconcile = {
    intervalMs: ms('CALL_RECONCILE_MS', 30_000),
    graceMs: ms('CALL_RECONCILE_GRACE_MS', 15_000),
  }
  const demoPassword = env.DEMO_PASSWORD || null
  if (demoPassword !== null && (demoPassword.length < 4 || demoPassword.length > 256)) {
    problems.push('DEMO_PASSWORD must be 4–256 characters')
  }
  const trustedProxy = attempt(() => parseTrustedProxy(env.TRUSTED_PROXY), [])
  const smtpPort = attempt(() => port('SMTP_PORT', env.SMTP_PORT, 2525), 2525)
  const smtpRelayUrl = env.SMTP_RELAY_URL || null
  if (smtpRelayUrl && !/^smtps?:\/\/[^\s]+$/.test(smtpRelayUrl))
    problems.push('SMTP_RELAY_URL must be an smtp:// or smtps:// URL')
  // Kamailio 5.6's dialog module refuses keep-alive intervals under 30 s (pbx/index.ts KEEPALIVE_MIN_SEC).
  const kaRaw = env.SIP_KEEPALIVE_SEC
  const sipKeepaliveSec = kaRaw === undefined || kaRaw === '' ? 30 : Number(kaRaw)
  if (
    !/^\d{1,4}$/.test(kaRaw ?? '30') ||
    (sipKeepaliveSec !== 0 && (sipKeepaliveSec < 30 || sipKeepaliveSec > 3600))
  )
    problems.push(`SIP_KEEPALIVE_SEC must be 0 (off) or 30–3600 seconds, got "${kaRaw}"`)
  const logLevel = (env.LOG_LEVEL || 'info') as Config['logLevel']
  if (!LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LEVELS.join(', ')}`)
  if (problems.length) throw new ConfigError(`Bad configuration:\n  - ${problems.join('\n  - ')}`)
  return {
    port: p,
    host,
    dataDir: path.resolve(env.DATA_DIR || './data'),
    databaseUrl,
    sipWsPort,
    sipWsUrl,
    kamailio: env.KAMAILIO || 'kamailio',
    reconcile,
    seedDemo: seedRaw === '1' || seedRaw === 'true' || seedRaw === '',
    demoPassword,
    logLevel,
    trustedProxy,
    smtpPort,
    smtpRelayUrl,
    sipKeepaliveSec,
  }
}
