/**
 * Playwright fixtures: every worker runs its own Frontline server on a free port with its own copy of
 * the template data directory made by global-setup.ts (reopening PGlite costs ~250 ms; a fresh initdb
 * ~2 s and ~800 MB). Tests import { test, expect, login } from here.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test as base, expect, type Page } from '@playwright/test'
import { freePort, launchServer as launch, stopServer } from '../scripts/harness.ts'

export { expect, freePort, stopServer }

/** The demo password every e2e server seeds with. */
export const E2E_PASSWORD = 'e2e-demo-password'

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
  /** The inbound SMTP port of the e-mail channel (issue 8 §1), and the port its replies are relayed to
   * (`smtp://127.0.0.1:<relayPort>`: a test that wants them runs a capturing relay there). */
  smtpPort?: number
  relayPort?: number
  /** Stops and starts the server on the same port and data directory. */
  restart(): Promise<void>
  stop(): Promise<void>
}

/** A server for e2e: the demo accounts use E2E_PASSWORD. */
export function launchServer(o: {
  port: number
  dataDir: string
  pbx: boolean
  sipWsPort: number
  /** More environment (e.g. a provider stand-in's base URL). */
  env?: Record<string, string>
}) {
  return launch({ ...o, password: E2E_PASSWORD, logLevel: process.env.E2E_LOG_LEVEL })
}

/** A server of the test's own: a copy of the template data dir, its own ports and env. */
export interface OwnServer {
  server: FrontlineServer
  /** What the server printed (for a failure's message). */
  output(): string
  /** SIGKILL (no shutdown hook runs, jobs in flight are cut), then a start on the same data dir. */
  kill9(): Promise<void>
  /** Stops it and removes its data dir. */
  dispose(): Promise<void>
}

/** Starts a server of the test's own (`env`: a stand-in's base URL, test doors …); `restart` keeps its data. */
export async function ownServer(
  env: Record<string, string> = {},
  opts: { pbx?: boolean } = {},
): Promise<OwnServer> {
  const template = process.env.FRONTLINE_E2E_TEMPLATE
  if (!template) throw new Error('FRONTLINE_E2E_TEMPLATE is unset: e2e/global-setup.ts did not run')
  const dataDir = await mkdtemp(path.join(tmpdir(), 'frontline-e2e-own-'))
  await cp(template, dataDir, { recursive: true })
  const port = await freePort()
  const sipWsPort = await freePort()
  const pbx = opts.pbx ?? false
  const start = () => launchServer({ port, dataDir, pbx, sipWsPort, env })
  let current = await start()
  const demo = await readDemoLogins(dataDir)
  return {
    server: {
      baseURL: `http://127.0.0.1:${port}`,
      password: demo.password,
      accounts: demo.accounts,
      dataDir,
      sipWsUrl: pbx ? `ws://127.0.0.1:${sipWsPort}` : null,
      async restart() {
        await stopServer(current.child)
        current = await start()
      },
      stop: () => stopServer(current.child),
    },
    output: () => current.output(),
    async kill9() {
      const exited = new Promise((r) => current.child.once('exit', r))
      current.child.kill('SIGKILL')
      await exited
      current = await start()
    },
    async dispose() {
      await stopServer(current.child)
      await rm(dataDir, { recursive: true, force: true })
    },
  }
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
      const smtpPort = await freePort()
      const relayPort = await freePort()
      const env = { SMTP_PORT: String(smtpPort), SMTP_RELAY_URL: `smtp://127.0.0.1:${relayPort}` }
      let current = await launchServer({ port, dataDir, pbx, sipWsPort, env })
      // A worker whose set-up fails must not leave its server running (one did, after a bad read).
      const demo = await readDemoLogins(dataDir).catch(async (e: unknown) => {
        await stopServer(current.child)
        throw e
      })
      const server: FrontlineServer = {
        baseURL: `http://127.0.0.1:${port}`,
        password: demo.password,
        accounts: demo.accounts,
        dataDir,
        sipWsUrl: pbx ? `ws://127.0.0.1:${sipWsPort}` : null,
        smtpPort,
        relayPort,
        async restart() {
          await stopServer(current.child)
          current = await launchServer({ port, dataDir, pbx, sipWsPort, env })
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
  await page.getByRole('textbox', { name: /^(password|пароль)$/i }).fill(password)
  await page.getByRole('button', { name: /sign in/i }).click()
}

/** The own password `loginIssued` chooses for an issued one (deterministic: a test may sign in again with it). */
export function ownPassword(issued: string): string {
  return `own-${issued}`
}

/**
 * Probe 13 #13: signs in with a password the admin or the tenant CLI issued — one-time: the app asks
 * "Choose your password" first; this sets `ownPassword(issued)` (ending the account's other sessions)
 * and returns it. The walk-through (finishWalkthrough) may follow, as after `login`.
 */
export async function loginIssued(page: Page, loginName: string, issued: string): Promise<string> {
  await login(page, loginName, issued)
  const form = page.getByRole('form', { name: /choose your password|придумайте свой пароль/i })
  const own = ownPassword(issued)
  await form.getByLabel(/^new password|^новый пароль/i).fill(own)
  await form.getByLabel(/repeat the new password|повторите новый пароль/i).fill(own)
  await form.getByRole('button', { name: /save and continue|сохранить и продолжить/i }).click()
  await expect(form).toHaveCount(0)
  return own
}
