/**
 * Playwright fixtures: every worker runs its own Frontline server on a free port with its own copy of
 * the template data directory made by global-setup.ts (reopening PGlite costs ~250 ms; a fresh initdb
 * ~2 s and ~800 MB). Tests import { test, expect, login } from here.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test as base, expect, type Page } from '@playwright/test'

export { expect }

/** The demo password every e2e server seeds with. */
export const E2E_PASSWORD = 'e2e-demo-password'
const ROOT = path.resolve(import.meta.dirname, '..')

export interface DemoAccount {
  login: string
  role: 'operator' | 'supervisor' | 'admin'
  name: string
  extension: string
}

export interface FrontlineServer {
  baseURL: string
  password: string
  accounts: DemoAccount[]
  dataDir: string
  /** SIP WebSocket URL when the worker runs Kamailio (test.use({ pbx: true })), else null. */
  sipWsUrl: string | null
  /** Stops and starts the server on the same port and data directory. */
  restart(): Promise<void>
  stop(): Promise<void>
}

/** Asks the OS for a free loopback TCP port. */
export async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1')
  await new Promise((r) => s.once('listening', r))
  const { port } = s.address() as AddressInfo
  await new Promise((r) => s.close(r))
  return port
}

interface LaunchOptions {
  port: number
  dataDir: string
  pbx: boolean
  sipWsPort: number
}

/** One server process; resolves once /api/health answers. Output is kept for error messages. */
export async function launchServer(o: LaunchOptions): Promise<{ child: ChildProcess; output: () => string }> {
  const lines: string[] = []
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(o.port),
      DATA_DIR: o.dataDir,
      DEMO_PASSWORD: E2E_PASSWORD,
      SEED_DEMO: '1',
      KAMAILIO: o.pbx ? process.env.KAMAILIO || 'kamailio' : 'off',
      SIP_WS_PORT: String(o.sipWsPort),
      SIP_WS_URL: `ws://127.0.0.1:${o.sipWsPort}`,
      LOG_LEVEL: process.env.E2E_LOG_LEVEL || 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  for (const s of [child.stdout, child.stderr]) {
    s?.setEncoding('utf8').on('data', (d: string) => {
      lines.push(d)
      if (lines.length > 400) lines.shift()
      if (process.env.E2E_SERVER_LOG) process.stderr.write(d)
    })
  }
  const output = () => lines.join('').slice(-6000)
  const until = Date.now() + 60_000
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
  throw new Error(`server did not answer /api/health on port ${o.port} within 60 s:\n${output()}`)
}

/** SIGTERM (the server stops Kamailio), SIGKILL after 10 s. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

/** Reads DATA_DIR/demo-logins.json (written by the server's demo seed). */
export async function readDemoLogins(
  dataDir: string,
): Promise<{ password: string; accounts: DemoAccount[] }> {
  return JSON.parse(await readFile(path.join(dataDir, 'demo-logins.json'), 'utf8'))
}

export const test = base.extend<{ server: FrontlineServer }, { pbx: boolean; worker: FrontlineServer }>({
  pbx: [false, { option: true, scope: 'worker' }],
  worker: [
    async ({ pbx }, use) => {
      const template = process.env.FRONTLINE_E2E_TEMPLATE
      if (!template) throw new Error('FRONTLINE_E2E_TEMPLATE is unset: e2e/global-setup.ts did not run')
      const dataDir = await mkdtemp(path.join(tmpdir(), 'frontline-e2e-'))
      await cp(template, dataDir, { recursive: true })
      const port = await freePort()
      const sipWsPort = await freePort()
      let current = await launchServer({ port, dataDir, pbx, sipWsPort })
      const demo = await readDemoLogins(dataDir)
      const server: FrontlineServer = {
        baseURL: `http://127.0.0.1:${port}`,
        password: demo.password,
        accounts: demo.accounts,
        dataDir,
        sipWsUrl: pbx ? `ws://127.0.0.1:${sipWsPort}` : null,
        async restart() {
          await stopServer(current.child)
          current = await launchServer({ port, dataDir, pbx, sipWsPort })
        },
        stop: () => stopServer(current.child),
      }
      await use(server)
      await stopServer(current.child)
      await rm(dataDir, { recursive: true, force: true })
    },
    { scope: 'worker' },
  ],
  server: async ({ worker }, use) => use(worker),
  baseURL: async ({ worker }, use) => use(worker.baseURL),
})

/** Signs in through the login form (labels per the app's LoginPage). */
export async function login(page: Page, loginName: string, password: string): Promise<void> {
  if (!page.url().startsWith('http')) await page.goto('/')
  await page.getByLabel(/login/i).fill(loginName)
  await page.getByLabel(/password/i).fill(password)
  await page.getByRole('button', { name: /sign in/i }).click()
}
