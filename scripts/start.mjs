#!/usr/bin/env node
/**
 * `npm start`: bootstrap, build the PWA when its sources changed, run the server (which spawns
 * Kamailio) under a supervisor that restarts it if it dies (scripts/supervise.mjs), and once
 * /api/health answers print where everything is and the demo logins.
 */
import { spawn } from 'node:child_process'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { bootstrap, buildPwa, pwaBuildNeeded, ROOT, say } from './bootstrap.mjs'
import { supervise } from './supervise.mjs'

/** Polls /api/health until it answers 200 or the server exits; resolves with the health body. */
export async function waitHealthy(url, child, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) return null
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1000) })
      if (res.ok) return await res.json()
    } catch {}
    await new Promise((r) => setTimeout(r, 150))
  }
  throw new Error(`the server did not answer ${url}/api/health within ${timeoutMs / 1000} s`)
}

/** Draws lines in a box sized to the longest one. */
export function box(lines) {
  const width = Math.max(...lines.map((l) => l.length))
  const bar = '─'.repeat(width + 2)
  return [`┌${bar}┐`, ...lines.map((l) => `│ ${l.padEnd(width)} │`), `└${bar}┘`].join('\n')
}

const dataDir = path.resolve(ROOT, process.env.DATA_DIR || 'data')

/**
 * /api/health answers as soon as HTTP listens; Kamailio and the demo logins come a moment later. The
 * logins file is (re)written at the end of each start, so wait until it is newer than our spawn.
 */
async function waitDemoLogins(since, child) {
  if (process.env.SEED_DEMO === '0' || process.env.SEED_DEMO === 'false') return
  const file = path.join(dataDir, 'demo-logins.json')
  const until = Date.now() + 20_000
  while (Date.now() < until && child.exitCode === null) {
    const st = await stat(file).catch(() => null)
    if (st && st.mtimeMs >= since) return
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** /api/health once Kamailio has started or failed: the server listens a moment before it has. */
async function settledHealth(url, health) {
  let last = health
  const until = Date.now() + 20_000
  while (Date.now() < until) {
    last = await fetch(`${url}/api/health`)
      .then((r) => r.json())
      .catch(() => last)
    if (last?.sip !== 'starting') return last
    await new Promise((r) => setTimeout(r, 200))
  }
  return last
}

async function banner(url, health) {
  const sipUrl = process.env.SIP_WS_URL || `ws://127.0.0.1:${process.env.SIP_WS_PORT || 8088}`
  const lines = [
    'Frontline is running',
    '',
    `App:            ${url}/`,
    `Demo website:   ${url}/site/`,
    `SIP WebSocket:  ${sipUrl}  (${health?.sip === 'running' ? 'Kamailio running' : 'Kamailio NOT running: no calls'})`,
    `Database:       ${health?.db ?? '?'}`,
  ]
  try {
    const demo = JSON.parse(await readFile(path.join(dataDir, 'demo-logins.json'), 'utf8'))
    lines.push('', `Demo logins (password for all: ${demo.password})`)
    // The e-mail channel (issue 8 §1): mail to the demo address over SMTP lands in Requests.
    if (demo.smtp && demo.email)
      lines.splice(4, 0, `E-mail in:      smtp://${demo.smtp}  (write to ${demo.email})`)
    const accounts = demo.accounts ?? []
    const w = Math.max(0, ...accounts.map((a) => String(a.login).length))
    for (const a of accounts) {
      lines.push(
        `  ${String(a.login).padEnd(w)}  ${String(a.role).padEnd(10)}  ext ${a.extension}  ${a.name}`,
      )
    }
    lines.push(
      '',
      `(from ${path.relative(ROOT, path.join(dataDir, 'demo-logins.json'))}; DEMO_PASSWORD sets it)`,
    )
  } catch {
    lines.push('', 'No demo-logins.json yet (SEED_DEMO=0?)')
  }
  lines.push('', 'Ctrl-C stops the server and Kamailio.')
  console.log(`\n${box(lines)}\n`)
}

async function main() {
  bootstrap({ test: false })
  if (pwaBuildNeeded()) buildPwa()
  const host = process.env.HOST || '127.0.0.1'
  const port = process.env.PORT || '8080'
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  say(`starting the server on ${url}…`)
  // DATA_DIR is for the server's user only (server/main.ts sets the same; issue 6 item 6).
  process.umask(0o077)
  let stopping = false
  let firstSignalAt = 0
  let bannerShown = false
  const sup = supervise({
    // tsx as a loader (not its CLI): one process, so signals reach the server itself.
    // detached: the terminal's Ctrl-C reaches only us, and we forward it exactly once.
    spawn: () =>
      spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        cwd: ROOT,
        stdio: 'inherit',
        detached: true,
      }),
    log: say,
    // A server that crashed leaves its Kamailio behind in its process group: end it before the
    // restart (the new server would also stop it through the pid file).
    onDied: (child) => {
      try {
        process.kill(-child.pid, 'SIGTERM')
      } catch {}
    },
    onStart: (child, run) => {
      const spawnedAt = Date.now() - 1000
      waitHealthy(url, child)
        .then(async (health) => {
          if (!health || stopping) return
          if (bannerShown) return say(`the server is back (run ${run})`)
          bannerShown = true
          await waitDemoLogins(spawnedAt, child)
          const fresh = await settledHealth(url, health)
          await banner(url, fresh)
        })
        .catch((e) => {
          console.error(`npm start failed: ${e.message}`)
          stopping = true
          sup.stop('SIGTERM')
        })
    },
  })
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      // A terminal's Ctrl-C reaches both npm and us, and npm forwards it too: one press arrives twice.
      if (stopping) {
        if (Date.now() - firstSignalAt > 2000 && sup.child) {
          say('forcing the server to stop')
          sup.child.kill('SIGKILL')
        }
        return
      }
      stopping = true
      firstSignalAt = Date.now()
      say('stopping the server…')
      sup.stop(sig)
    })
  }
  process.exit(await sup.done)
}

main().catch((e) => {
  console.error(`npm start failed: ${e.message}`)
  process.exit(1)
})
