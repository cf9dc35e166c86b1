#!/usr/bin/env node
/**
 * Installs what Frontline needs on a fresh Debian machine: npm packages, and (as root) the Debian
 * packages — Kamailio for `npm start`, plus Chromium and PostgreSQL for `npm test`.
 * Usage: node scripts/bootstrap.mjs [--test]   (also imported by start.mjs and test.mjs)
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Debian packages for running the PBX (the server runs without them, with no phone line). */
export const RUN_PACKAGES = [
  'kamailio',
  'kamailio-websocket-modules',
  'kamailio-extra-modules',
  'kamailio-utils-modules',
  'kamailio-autheph-modules',
  'kamailio-json-modules',
]
/** Extra Debian packages for the test suite: the browser for Playwright, a real PostgreSQL server, nginx (the TLS reverse proxy in front of HTTP and the SIP WebSocket in the proxy tests). */
export const TEST_PACKAGES = ['chromium', 'postgresql', 'nginx']

/** Prints a bootstrap line, prefixed so it stands apart from the tools' own output. */
export function say(msg) {
  console.log(`\x1b[36m[frontline]\x1b[0m ${msg}`)
}

/** Runs a command with inherited stdio; throws with the command line when it fails. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts })
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`)
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`)
}

function mtime(file) {
  try {
    return statSync(file).mtimeMs
  } catch {
    return 0
  }
}

/**
 * npm install when node_modules is missing or older than package-lock.json. Not `npm ci`: npm 11 writes
 * a lock without other platforms' optional packages (Biome, Rollup) and then refuses it in `ci` with a
 * wall of errors; `install` follows the same lock. It also never wipes a node_modules others use.
 */
export function ensureNodeModules() {
  const lock = path.join(ROOT, 'package-lock.json')
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json')
  const hasModules = existsSync(marker)
  if (hasModules && mtime(marker) >= mtime(lock)) return
  say(hasModules ? 'package-lock.json is newer than node_modules: npm install…' : 'installing npm packages…')
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'])
  // npm leaves the marker untouched when nothing changed: touch it so the next start skips this.
  const now = new Date()
  if (existsSync(marker)) utimesSync(marker, now, now)
}

function installed(pkg) {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax, not JS.
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' })
  return r.status === 0 && r.stdout.includes('install ok installed')
}

function aptListsEmpty() {
  try {
    return !readdirSync('/var/lib/apt/lists').some(
      (f) => f.endsWith('_Packages') || f.endsWith('_Packages.lz4'),
    )
  } catch {
    return true
  }
}

function hasCandidate(pkg) {
  const r = spawnSync('apt-cache', ['policy', pkg], { encoding: 'utf8' })
  return r.status === 0 && /Candidate: (?!\(none\))/.test(r.stdout)
}

/** Installs the missing Debian packages as root; otherwise says which apt command to run. */
export function ensureDebianPackages({ test = false } = {}) {
  if (!existsSync('/usr/bin/dpkg-query')) {
    say('not a Debian system: install Kamailio (and for tests Chromium, PostgreSQL) yourself')
    return
  }
  const wanted = test ? [...RUN_PACKAGES, ...TEST_PACKAGES] : RUN_PACKAGES
  const missing = wanted.filter((p) => !installed(p))
  if (missing.length === 0) return
  const cmd = `apt-get update && apt-get install -y ${missing.join(' ')}`
  if (process.getuid?.() !== 0) {
    say(`missing Debian packages: ${missing.join(' ')}`)
    say(`install them as root:  sudo sh -c '${cmd}'`)
    say(test ? 'tests that need them will fail until then' : 'starting without them (no SIP line)')
    return
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  if (aptListsEmpty() || missing.some((p) => !hasCandidate(p))) {
    say('apt-get update…')
    run('apt-get', ['update'], { env })
  }
  say(`apt-get install -y ${missing.join(' ')}`)
  run('apt-get', ['install', '-y', ...missing], { env })
}

const PWA_SOURCES = [
  'src',
  'sw',
  'public',
  'contract',
  'site',
  'widget',
  'index.html',
  'vite.config.ts',
  'vite.site.config.ts',
  'vite.widget.config.ts',
  'package-lock.json',
]

function newest(p) {
  let st
  try {
    st = statSync(p)
  } catch {
    return 0
  }
  if (!st.isDirectory()) return st.mtimeMs
  let max = st.mtimeMs
  for (const e of readdirSync(p)) max = Math.max(max, newest(path.join(p, e)))
  return max
}

/** True when dist/ (the PWA or the demo site) is missing or older than any of their sources. */
export function pwaBuildNeeded() {
  const built = Math.min(
    mtime(path.join(ROOT, 'dist', 'index.html')),
    mtime(path.join(ROOT, 'dist', 'site', 'index.html')),
    mtime(path.join(ROOT, 'dist', 'widget', 'widget.js')),
  )
  if (built === 0) return true
  return PWA_SOURCES.some((s) => newest(path.join(ROOT, s)) > built)
}

/** Builds the PWA into dist/, then the demo site into dist/site (the PWA build empties dist/). */
export function buildPwa() {
  say('building the PWA and the demo site (npm run build)…')
  run('npm', ['run', 'build'])
}

/** Everything `npm start` (or, with test: true, `npm test`) needs before it runs. */
export function bootstrap({ test = false } = {}) {
  ensureNodeModules()
  ensureDebianPackages({ test })
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    bootstrap({ test: process.argv.includes('--test') })
  } catch (e) {
    console.error(`bootstrap failed: ${e.message}`)
    process.exit(1)
  }
}
