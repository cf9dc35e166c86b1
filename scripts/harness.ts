/**
 * The test and benchmark harness shared by e2e/ and bench/: free loopback ports, Debian Chromium's
 * flags for this machine, and a real Frontline server process on its own data directory.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

export const ROOT = path.resolve(import.meta.dirname, '..')

/** Chromium flags measured here (no sandbox as root, no GPU, no background traffic, fake media). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
]
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/** A free loopback TCP port, reserved against other test processes on the machine (scripts/ports.mjs). */
export { freePort } from './ports.mjs'

export interface LaunchOptions {
  port: number
  dataDir: string
  /** Start Kamailio too, and wait until health says it runs. */
  pbx: boolean
  sipWsPort: number
  /** The demo accounts' password (DEMO_PASSWORD). */
  password: string
  timeoutMs?: number
  logLevel?: string
  /** More environment for the server (e.g. TRUSTED_PROXY for a benchmark's many visitor addresses). */
  env?: Record<string, string>
}

/** One server process; resolves once /api/health answers (and Kamailio runs, when asked for). */
export async function launchServer(o: LaunchOptions): Promise<{ child: ChildProcess; output: () => string }> {
  const lines: string[] = []
  const child = spawn(
    process.execPath,
    // SERVER_NODE_ARGS: extra node flags for the server only (e.g. --cpu-prof for a bench profile).
    [
      ...(process.env.SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      '--import',
      'tsx',
      'server/main.ts',
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(o.port),
        DATA_DIR: o.dataDir,
        DEMO_PASSWORD: o.password,
        SEED_DEMO: '1',
        KAMAILIO: o.pbx ? process.env.KAMAILIO || 'kamailio' : 'off',
        SIP_WS_PORT: String(o.sipWsPort),
        SIP_WS_URL: `ws://127.0.0.1:${o.sipWsPort}`,
        LOG_LEVEL: o.logLevel ?? 'warn',
        // Many servers at once (e2e workers, benches): none takes the default SMTP port unless told.
        SMTP_PORT: '0',
        // Provider stand-ins listen on 127.0.0.1: the operator's switch that allows private provider
        // addresses (probe 12 #3; never in production).
        PROVIDER_ALLOW_PRIVATE: '1',
        ...o.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  for (const s of [child.stdout, child.stderr]) {
    s?.setEncoding('utf8').on('data', (d: string) => {
      lines.push(d)
      if (lines.length > 400) lines.shift()
      if (process.env.E2E_SERVER_LOG) process.stderr.write(d)
    })
  }
  const output = () => lines.join('').slice(-6000)
  const timeoutMs = o.timeoutMs ?? 60_000
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited during start (${child.exitCode ?? child.signalCode}):\n${output()}`)
    }
    // Health answers once HTTP listens; Kamailio and demo-logins.json follow a moment later.
    try {
      const res = await fetch(`http://127.0.0.1:${o.port}/api/health`, { signal: AbortSignal.timeout(1000) })
      const body = res.ok ? ((await res.json()) as { sip?: string }) : null
      const pbxReady = !o.pbx || body?.sip === 'running'
      if (body && pbxReady && existsSync(path.join(o.dataDir, 'demo-logins.json'))) return { child, output }
    } catch {}
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill('SIGKILL')
  throw new Error(`server did not become ready on port ${o.port} within ${timeoutMs / 1000} s:\n${output()}`)
}

/** SIGTERM (the server stops its Kamailio), SIGKILL after 10 s. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}
