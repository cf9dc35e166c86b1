/** Starts Frontline: config → database (migrated) → secrets → demo seed → HTTP + WS → Kamailio. */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { buildApp } from './app.ts'
import { connectDemoTelegramBot } from './channels/index.ts'
import { ConfigError, loadConfig } from './config.ts'
import { restrictDataDir } from './data-dir.ts'
import { loadSecrets, openDatabase, redactQueryError, SecretsError } from './db/index.ts'
import { reconcileOnce } from './domain/calls/index.ts'
import { seedDemo, writeDemoLogins } from './domain/tenants/index.ts'
import { Spine } from './events/spine.ts'
import { pushOptionsFromEnv } from './push/index.ts'
import { Hub } from './realtime/hub.ts'
import { LINE_SWEEP_MS, sweepLines, watchLines } from './realtime/lines.ts'
import { startPeriodic } from './schedule.ts'
import { fetchLiveCallIds, kamailioRpc } from './sip/index.ts'
import { SERVER_FILE } from './tenant-cli.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

interface Pbx {
  stop(): Promise<void>
}

/** pbx/index.ts is optional (another part of the project); without it the line is "unavailable". */
async function loadStartPbx(): Promise<((opts: Record<string, unknown>) => Promise<Pbx | null>) | null> {
  const file = path.join(ROOT, 'pbx', 'index.ts')
  if (!fs.existsSync(file)) return null
  const mod = (await import(pathToFileURL(file).href)) as {
    startPbx?: (o: Record<string, unknown>) => Promise<Pbx | null>
  }
  return mod.startPbx ?? null
}

/** Where process-level failures are logged: console until the app's logger exists. */
let logFailure: (err: unknown, msg: string) => void = (err, msg) => console.error(msg, redactQueryError(err))

// A rejected promise nobody awaited (e.g. in an event listener) is a bug to log, not a silent exit.
process.on('unhandledRejection', (reason) => logFailure(reason, 'unhandled promise rejection'))

async function main(): Promise<void> {
  // Everything the server creates (database, recordings, secrets) is for its own user only.
  process.umask(0o077)
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig()
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message)
      process.exit(1)
    }
    throw e
  }
  const db = await openDatabase(config)
  // After opening: PGlite's initdb writes 0666 files whatever the umask; this also repairs old installs.
  restrictDataDir(config.dataDir)
  let secrets: Awaited<ReturnType<typeof loadSecrets>>
  try {
    secrets = await loadSecrets(db.orm, config.dataDir)
  } catch (e) {
    if (e instanceof SecretsError) {
      console.error(e.message)
      await db.close()
      process.exit(1)
    }
    throw e
  }
  const demo = config.seedDemo
    ? await seedDemo(db, { password: config.demoPassword, dataDir: config.dataDir })
    : null
  const version = (
    JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }
  ).version

  let pbx: Pbx | null = null
  let pbxStarting = config.kamailio !== 'off'
  // The event spine (server/events/spine.ts); the realtime hub is its first listener.
  const onSpineError = (e: unknown) => console.error('events:', redactQueryError(e))
  const spine = new Spine(db, onSpineError)
  const hub = new Hub(db, onSpineError, spine)
  await hub.start()
  const app = await buildApp({
    db,
    secrets,
    hub,
    sipWsUrl: config.sipWsUrl,
    sipStatus: () => (pbx ? 'running' : pbxStarting ? 'starting' : 'unavailable'),
    distDir: path.join(ROOT, 'dist'),
    // The demo site is a bundle (SIP.js): vite.site.config.ts builds it into dist/site.
    siteDir: path.join(ROOT, 'dist', 'site'),
    filesDir: path.join(config.dataDir, 'files'),
    version,
    logLevel: config.logLevel,
    trustProxy: config.trustedProxy,
    email: { port: config.smtpPort, host: config.host, relayUrl: config.smtpRelayUrl },
    push: pushOptionsFromEnv(process.env),
  })
  logFailure = (err, msg) => app.log.error({ err }, msg)
  await app.listen({ port: config.port, host: config.host })
  const addr = app.server.address()
  const port = typeof addr === 'object' && addr ? addr.port : config.port
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`

  const startPbx = await loadStartPbx().catch((e: unknown) => {
    app.log.warn({ err: e }, 'pbx module failed to load')
    return null
  })
  if (startPbx && config.kamailio !== 'off') {
    try {
      pbx = await startPbx({
        wsPort: config.sipWsPort,
        secret: secrets.sipSecret,
        internalUrl: `http://127.0.0.1:${port}`,
        internalSecret: secrets.internalSecret,
        runDir: path.join(config.dataDir, 'run', 'pbx'),
        binary: config.kamailio,
        trustedProxies: config.trustedProxy,
        keepaliveSec: config.sipKeepaliveSec,
        log: (line: string) => app.log.info({ pbx: line }),
      })
    } catch (e) {
      app.log.error({ err: e }, 'Kamailio did not start; calls are unavailable')
    }
  }
  pbxStarting = false
  const kamailio = kamailioRpc({ port: config.sipWsPort, secret: secrets.internalSecret })
  // Issue 13: suspended tenants' and deactivated employees' lines refused and unregistered.
  const unwatchLines = pbx
    ? await watchLines({
        db,
        rpc: kamailio,
        spine,
        onError: (e) => app.log.warn({ err: e }, 'line bans: Kamailio not updated'),
      })
    : null
  // One scheduler polls Kamailio, one pass at a time, each on its own cadence (server/schedule.ts):
  // S1 presence — lines of devices that vanished without un-registering (server/realtime/lines.ts);
  // issue 6 §5 — records whose dialog Kamailio no longer has are ended (lost reports).
  const polls = pbx
    ? startPeriodic(
        [
          { name: 'line sweep', everyMs: LINE_SWEEP_MS, run: () => sweepLines({ db, rpc: kamailio }) },
          {
            name: 'call reconciliation',
            everyMs: config.reconcile.intervalMs,
            run: () =>
              reconcileOnce({
                db,
                listDialogs: () => fetchLiveCallIds(kamailio),
                graceMs: config.reconcile.graceMs,
                log: (msg) => app.log.info(msg),
              }),
          },
        ],
        (name, e) => app.log.warn({ err: e }, `${name} failed`),
      )
    : null
  // The demo's Telegram bot, when DEMO_TELEGRAM_BOT_TOKEN names one (server/channels/telegram/demo.ts).
  if (demo)
    await connectDemoTelegramBot(db.orm, url).catch((e: unknown) =>
      app.log.error({ err: e }, 'the demo Telegram bot did not connect'),
    )
  const smtpAt = app.smtp?.port
    ? `${config.host.includes(':') ? `[${config.host}]` : config.host}:${app.smtp.port}`
    : null
  if (demo) writeDemoLogins(config.dataDir, url, demo.password, smtpAt ? { smtp: smtpAt } : {})

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    app.log.info(`${signal}: shutting down`)
    const hard = setTimeout(() => process.exit(1), 10_000)
    hard.unref()
    try {
      await polls?.stop()
      unwatchLines?.()
      for (const c of app.websocketServer.clients) c.close(1001, 'server shutting down')
      await hub.stop()
      await spine.stop()
      await app.close()
      await pbx?.stop()
      await db.close()
      fs.rmSync(path.join(config.dataDir, SERVER_FILE), { force: true })
    } catch (e) {
      console.error('shutdown:', e)
      process.exit(1)
    }
    process.exit(0)
  }
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))

  // The tenant CLI (server/tenant-cli.ts) finds the running server here.
  const serverFile = path.join(config.dataDir, SERVER_FILE)
  fs.mkdirSync(path.dirname(serverFile), { recursive: true })
  fs.writeFileSync(
    serverFile,
    JSON.stringify({ pid: process.pid, internalUrl: `http://127.0.0.1:${port}` }),
    {
      mode: 0o600,
    },
  )
  console.log(`Frontline ready at ${url}`)
  if (smtpAt) console.log(`E-mail in (SMTP) at ${smtpAt}`)
}

main().catch((e: unknown) => {
  console.error('Frontline failed to start:', e)
  process.exit(1)
})
