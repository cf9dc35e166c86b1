/**
 * Renders pbx/kamailio.cfg.tmpl into a run directory and runs Kamailio in the foreground (-DD -E) as
 * a child of the server. See pbx/README.md for the contract with the server.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { kamailioRpc } from '../server/sip/rpc.ts'

export interface PbxOptions {
  wsPort: number
  secret: string
  internalUrl: string
  internalSecret: string
  runDir: string
  log: (line: string) => void
  /** Kamailio binary; defaults to env KAMAILIO or `kamailio`. */
  binary?: string
  /**
   * Reverse proxies (IP addresses or CIDRs, env TRUSTED_PROXY) whose X-Real-IP / X-Forwarded-For on
   * the WebSocket handshake name the real client: bans and flood limits then apply to that address.
   */
  trustedProxies?: readonly string[]
  /**
   * Seconds between the keep-alive OPTIONS Kamailio sends each side of an answered call (env
   * SIP_KEEPALIVE_SEC): a call whose phone stopped answering ends ~10–20 s after the next one. Default
   * 30, the least Kamailio 5.6's dialog module accepts; 0 turns keep-alives off.
   */
  keepaliveSec?: number
}

export interface Pbx {
  stop(): Promise<void>
}

const TEMPLATE = new URL('./kamailio.cfg.tmpl', import.meta.url)
const READY_TIMEOUT_MS = 10_000
const STOP_TIMEOUT_MS = 5_000

/** Finds the kamailio binary on PATH (or an absolute path); null when it is not installed. */
export function findKamailio(binary = process.env.KAMAILIO || 'kamailio'): string | null {
  if (binary === 'off') return null
  if (binary.includes('/')) return existsSync(binary) ? binary : null
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/local/sbin', '/sbin'])
  for (const dir of dirs) {
    const candidate = path.join(dir, binary)
    if (dir && existsSync(candidate)) return candidate
  }
  return null
}

/** The module directory differs per architecture (x86_64-linux-gnu, aarch64-linux-gnu, …). */
function modulePath(): string | null {
  for (const root of ['/usr/lib', '/usr/lib64', '/usr/local/lib', '/usr/local/lib64']) {
    if (existsSync(`${root}/kamailio/modules/tm.so`)) return `${root}/kamailio/modules/`
    let entries: string[] = []
    try {
      entries = readdirSync(root)
    } catch {
      continue
    }
    for (const e of entries) {
      const dir = `${root}/${e}/kamailio/modules/`
      if (e.endsWith('-linux-gnu') && existsSync(`${dir}tm.so`)) return dir
    }
  }
  return null
}

// Values land inside double-quoted cfg strings and an HTTP header: refuse anything that could break out.
const SAFE = /^[A-Za-z0-9_+/=.:-]{8,200}$/

/** Largest SIP message accepted (bytes); a bigger one gets 513 Message Too Large. */
export const MAX_SIP_MESSAGE = 16384

/** `a.b.c.d` or `a.b.c.d/n` (IPv4/IPv6) → CIDR for ipops' is_in_subnet; throws on anything else. */
export function toCidr(entry: string): string {
  const [addr = '', bits, ...rest] = entry.trim().split('/')
  const kind = isIP(addr)
  const max = kind === 4 ? 32 : 128
  if (!kind || rest.length || (bits !== undefined && !/^\d{1,3}$/.test(bits)) || Number(bits ?? max) > max) {
    throw new Error(`pbx: trusted proxy "${entry}" is not an IP address or CIDR`)
  }
  return `${addr}/${bits ?? max}`
}

/** Default seconds between in-call keep-alives (PbxOptions.keepaliveSec). */
export const KEEPALIVE_SEC = 30
/** The least interval the dialog module takes (Kamailio 5.6 `ka_interval`: it refuses to start below). */
export const KEEPALIVE_MIN_SEC = 30

/** A valid keep-alive interval: 0 (off) or KEEPALIVE_MIN_SEC…3600; throws on anything else. */
export function keepaliveInterval(sec: number | undefined): number {
  const v = sec ?? KEEPALIVE_SEC
  if (!Number.isInteger(v) || (v !== 0 && (v < KEEPALIVE_MIN_SEC || v > 3600))) {
    throw new Error(`pbx: keepaliveSec must be 0 (off) or ${KEEPALIVE_MIN_SEC}–3600, got ${v}`)
  }
  return v
}

/** Fills the template's {{NAME}} placeholders; throws on values that could escape a cfg string. */
export async function renderConfig(opts: Omit<PbxOptions, 'log' | 'runDir' | 'binary'>): Promise<string> {
  if (!SAFE.test(opts.secret)) throw new Error('pbx: secret must be 8–200 chars of [A-Za-z0-9_+/=.:-]')
  if (!SAFE.test(opts.internalSecret))
    throw new Error('pbx: internalSecret must be 8–200 chars of [A-Za-z0-9_+/=.:-]')
  // The base of the server's HTTP; `…/internal/sip` is accepted too (the template appends the rest).
  const internalUrl = opts.internalUrl.replace(/\/+$/, '').replace(/\/internal\/sip$/, '')
  if (!/^http:\/\/[A-Za-z0-9.:[\]-]+$/.test(internalUrl)) {
    throw new Error(`pbx: internalUrl must be http://host:port[/internal/sip], got "${opts.internalUrl}"`)
  }
  if (!Number.isInteger(opts.wsPort) || opts.wsPort < 1 || opts.wsPort > 65535) {
    throw new Error(`pbx: bad wsPort ${opts.wsPort}`)
  }
  const keepalive = keepaliveInterval(opts.keepaliveSec)
  const mpath = modulePath()
  const proxies = (opts.trustedProxies ?? []).map(toCidr)
  const values: Record<string, string> = {
    WS_PORT: String(opts.wsPort),
    SECRET: opts.secret,
    INTERNAL_URL: internalUrl,
    INTERNAL_SECRET: opts.internalSecret,
    MPATH_LINE: mpath ? `mpath="${mpath}"` : '# mpath: compiled-in default',
    TCP_CHILDREN: '8',
    // REGISTERs per 2 s: per address, an office NAT of ~150 phones re-registering at once (a challenge
    // and its answer each) after a network blip; per user, one client's runaway loop.
    PIKE_DENSITY: '300',
    UREG_DENSITY: '30',
    MAX_CONTACTS: '20',
    AUTHFAIL_LIMIT: '20',
    BAN_SECONDS: '120',
    LOG_PREFIX: '',
    MAX_MSG: String(MAX_SIP_MESSAGE),
    TRUSTED_PROXY_CHECK: proxies.length
      ? `if (is_in_subnet("$si", "${proxies.join(',')}")) return 1;`
      : '# no trusted reverse proxy (TRUSTED_PROXY is empty)',
    // Dialog reports waiting for the server; beyond this the oldest is dropped (mqueue).
    DLG_QUEUE_SIZE: '10000',
    // The reporting process looks for queued reports this often (µs): a report reaches the server
    // within ~10 ms of the SIP event, never delaying the call.
    DLG_DRAIN_US: '10000',
    // In-call keep-alives: the interval, and how often the dialog module looks for due ones (s).
    KA_INTERVAL: String(keepalive),
    KA_TIMER: keepalive ? '1' : '0',
  }
  const tmpl = await readFile(TEMPLATE, 'utf8')
  return tmpl.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const v = values[name]
    if (v === undefined) throw new Error(`pbx: template placeholder {{${name}}} has no value`)
    return v
  })
}

/** Runs `kamailio -c` on a rendered config; resolves with its output, rejects when the check fails. */
export function checkConfig(binary: string, cfgFile: string): string {
  const r = spawnSync(binary, ['-c', '-f', cfgFile], { encoding: 'utf8' })
  const out = `${r.stdout}${r.stderr}`
  if (r.status !== 0) throw new Error(`pbx: kamailio -c failed (exit ${r.status}):\n${out}`)
  return out
}

/** JSON-RPC call to Kamailio's /RPC (the server's client, server/sip/rpc.ts: keep-alive retry, timeout, RpcError). */
export function rpc(wsPort: number, internalSecret: string, method: string, params: unknown[] = []) {
  return kamailioRpc({ port: wsPort, secret: internalSecret })(method, params)
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (!alive(pid)) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return !alive(pid)
}

/** A crashed server leaves its Kamailio running on the port: end it, but only if it is a kamailio. */
async function killStale(pidFile: string, log: (l: string) => void): Promise<void> {
  let pid: number
  try {
    pid = Number((await readFile(pidFile, 'utf8')).trim())
  } catch {
    return
  }
  if (!Number.isInteger(pid) || pid <= 1 || !alive(pid)) return
  let comm = ''
  try {
    comm = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim()
  } catch {}
  if (comm !== 'kamailio') return
  log(`pbx: stopping stale kamailio (pid ${pid}) from a previous run`)
  // -DD keeps the main process in the foreground with its children in its process group.
  process.kill(pid, 'SIGTERM')
  if (!(await waitGone(pid, STOP_TIMEOUT_MS))) process.kill(pid, 'SIGKILL')
  await rm(pidFile, { force: true })
}

/** Starts Kamailio for the server; null when it is not installed or KAMAILIO=off. */
export async function startPbx(opts: PbxOptions): Promise<Pbx | null> {
  const binary = findKamailio(opts.binary)
  if (!binary) return null
  await mkdir(opts.runDir, { recursive: true, mode: 0o700 })
  const pidFile = path.join(opts.runDir, 'kamailio.pid')
  await killStale(pidFile, opts.log)
  const cfgFile = path.join(opts.runDir, 'kamailio.cfg')
  await writeFile(cfgFile, await renderConfig(opts), { mode: 0o600 })
  await chmod(cfgFile, 0o600)
  const args = ['-DD', '-E', '-f', cfgFile, '-Y', opts.runDir, '-P', pidFile, '-m', '128', '-M', '8']
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  // auth_ephemeral logs its secret at start: keep secrets out of the server's log.
  const redact = (line: string) =>
    line.replaceAll(opts.secret, '[secret]').replaceAll(opts.internalSecret, '[internal-secret]')
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => opts.log(redact(line)))
  }
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal }
      resolve()
    })
  })
  try {
    await waitReady(child, () => exited, opts)
  } catch (e) {
    await stopChild(child, exit)
    throw e
  }
  return { stop: () => stopChild(child, exit) }
}

async function waitReady(
  child: ChildProcess,
  exited: () => { code: number | null; signal: string | null } | null,
  opts: PbxOptions,
): Promise<void> {
  const until = Date.now() + READY_TIMEOUT_MS
  let last = ''
  while (Date.now() < until) {
    const e = exited()
    if (e)
      throw new Error(`pbx: kamailio exited during start (code ${e.code}, signal ${e.signal}); see its log`)
    try {
      await rpc(opts.wsPort, opts.internalSecret, 'core.version')
      return
    } catch (err) {
      last = (err as Error).message
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(
    `pbx: kamailio (pid ${child.pid}) did not answer core.version on 127.0.0.1:${opts.wsPort}/RPC ` +
      `within ${READY_TIMEOUT_MS / 1000} s (${last})`,
  )
}

async function stopChild(child: ChildProcess, exit: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_TIMEOUT_MS).unref())
  if ((await Promise.race([exit, timer])) === 'timeout') {
    child.kill('SIGKILL')
    await exit
  }
}
