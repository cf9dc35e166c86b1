/** A real Frontline server (own data dir, Kamailio on) and a plain Kamailio for the call benchmarks. */
import { type ChildProcess, spawn } from 'node:child_process'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { LoginResponse } from '../../contract/api.ts'
import { findKamailio, renderConfig, rpc } from '../../pbx/index.ts'
import { launchServer as launch, stopServer } from '../../scripts/harness.ts'

export interface Server {
  baseURL: string
  child: ChildProcess
  dataDir: string
  password: string
  output: () => string
}

/** A real server with Kamailio on its own data dir (scripts/harness.ts); resolves once it is ready. */
export async function launchServer(o: {
  port: number
  sipWsPort: number
  dataDir: string
  password: string
}): Promise<Server> {
  const { child, output } = await launch({ ...o, pbx: true, timeoutMs: 90_000 })
  return { baseURL: `http://127.0.0.1:${o.port}`, child, dataDir: o.dataDir, password: o.password, output }
}

export { stopServer as stopChild }

async function api<T>(base: string, method: string, url: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(base + url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

/** Logs in and sets the status (PUT /api/me/status); returns the login answer. */
export async function operator(s: Server, login: string, status = 'available'): Promise<LoginResponse> {
  const r = await api<LoginResponse>(s.baseURL, 'POST', '/api/auth/login', { login, password: s.password })
  await api(s.baseURL, 'PUT', '/api/me/status', { status }, r.token)
  return r
}

/**
 * A second Kamailio from the same template with the server routing cut out: a new INVITE goes straight
 * to the plain location lookup of the dialled AOR (`route(ASKSERVER)` → `route(LOCATION)`). Dialog
 * events still go out over HTTP, to a closed port (refused at once on loopback).
 */
export async function startPlainKamailio(o: {
  wsPort: number
  secret: string
  internalSecret: string
  runDir: string
}): Promise<{ stop(): Promise<void>; cfg: string }> {
  const binary = findKamailio()
  if (!binary) throw new Error('kamailio is not installed')
  const rendered = await renderConfig({
    wsPort: o.wsPort,
    secret: o.secret,
    internalSecret: o.internalSecret,
    internalUrl: 'http://127.0.0.1:9',
  })
  const cfg = rendered.replace(/^(\t+)route\(ASKSERVER\);$/m, '$1route(LOCATION);')
  if (cfg === rendered) throw new Error('plain Kamailio: route(ASKSERVER) not found in the rendered cfg')
  await mkdir(o.runDir, { recursive: true, mode: 0o700 })
  const file = path.join(o.runDir, 'kamailio-plain.cfg')
  await writeFile(file, cfg, { mode: 0o600 })
  await chmod(file, 0o600)
  const pidFile = path.join(o.runDir, 'kamailio-plain.pid')
  const args = ['-DD', '-E', '-f', file, '-Y', o.runDir, '-P', pidFile, '-m', '64', '-M', '8']
  const child = spawn(binary, args, { stdio: 'ignore' })
  const until = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`plain kamailio exited (${child.exitCode})`)
    try {
      await rpc(o.wsPort, o.internalSecret, 'core.version')
      break
    } catch (e) {
      if (Date.now() > until) {
        child.kill('SIGKILL')
        throw e
      }
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return { stop: () => stopServer(child), cfg }
}

/**
 * The server's routing only rings operators it knows to be registered, which Kamailio reports with
 * POST /internal/sip/registration. When the rendered cfg does not report yet, the bench reports for it
 * (the internal secret is read from the bench's own data dir). Returns whether it had to.
 */
export async function reportRegistrationIfCfgDoesNot(s: Server, aors: string[]): Promise<boolean> {
  const cfg = await readFile(path.join(s.dataDir, 'run', 'pbx', 'kamailio.cfg'), 'utf8')
  if (cfg.includes('/internal/sip/registration')) return false
  const secret = /x-internal-secret: ([^"\\]+)/.exec(cfg)?.[1]
  if (!secret) throw new Error('no internal secret in the rendered cfg')
  for (const aor of aors) {
    const res = await fetch(`${s.baseURL}/internal/sip/registration`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-internal-secret': secret },
      body: JSON.stringify({ aor, contacts: 1, expires: 3600 }),
    })
    if (!res.ok) throw new Error(`registration report for ${aor}: HTTP ${res.status} ${await res.text()}`)
  }
  return true
}
