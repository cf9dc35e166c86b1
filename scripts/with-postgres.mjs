#!/usr/bin/env node
// Runs a command with TEST_DATABASE_URL pointing at a throw-away PostgreSQL cluster (Debian's
// postgresql package) in a temp dir on a loopback port; the cluster is stopped and removed after,
// also when the command fails or we get a signal. Usage: node scripts/with-postgres.mjs CMD ARGS…
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePort } from './ports.mjs'

const args = process.argv.slice(2)
if (!args.length) {
  console.error('usage: node scripts/with-postgres.mjs <command> [args…]')
  process.exit(2)
}

const root = '/usr/lib/postgresql'
const version = fs.existsSync(root)
  ? fs
      .readdirSync(root)
      .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a))[0]
  : undefined
if (!version) {
  console.error(
    'with-postgres: no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)',
  )
  process.exit(2)
}
const bin = (name) => path.join(root, version, 'bin', name)

// initdb refuses to run as root: own the dir by postgres and drop privileges with runuser.
const asRoot = process.getuid?.() === 0
const run = (file, argv) =>
  asRoot
    ? execFileSync('runuser', ['-u', 'postgres', '--', file, ...argv], { stdio: 'pipe' })
    : execFileSync(file, argv, { stdio: 'pipe' })

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-pgtest-'))
fs.chmodSync(dir, 0o755)
if (asRoot) execFileSync('chown', ['postgres', dir])
const data = path.join(dir, 'pg')
const port = await freePort()
let started = false

function stop() {
  if (started) {
    started = false
    try {
      run(bin('pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'])
    } catch (e) {
      console.error('with-postgres: stop failed', e.message)
    }
  }
  fs.rmSync(dir, { recursive: true, force: true })
}

try {
  run(bin('initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  run(bin('pg_ctl'), [
    '-D',
    data,
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    '-l',
    path.join(dir, 'log'),
    '-w',
    'start',
  ])
  started = true
} catch (e) {
  console.error('with-postgres: could not start PostgreSQL:', e.stderr?.toString() || e.message)
  stop()
  process.exit(2)
}

const url = `postgres://postgres@127.0.0.1:${port}/postgres`
console.error(`with-postgres: PostgreSQL ${version} at ${url}`)
const child = spawn(args[0], args.slice(1), {
  stdio: 'inherit',
  env: { ...process.env, TEST_DATABASE_URL: url },
})
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => child.kill(sig))
}
child.on('exit', (code, signal) => {
  stop()
  process.exit(code ?? (signal ? 1 : 0))
})
