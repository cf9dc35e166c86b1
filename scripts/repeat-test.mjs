#!/usr/bin/env node
/**
 * Proves the suite deterministic (issue 6, item 10): runs `npm test` from fresh clones of this
 * checkout's HEAD — first N runs one after another, then M clones at once on the same machine — and
 * prints pass/fail and duration per run, with each run's step summary.
 *
 * Usage: node scripts/repeat-test.mjs [--runs N] [--parallel M] [--command 'CMD'] [--install] [--keep]
 *   --runs N       sequential runs (default 3)
 *   --parallel M   clones at once after them (default 2; 0 skips; 1 is one more sequential run)
 *   --command CMD  run CMD (through the shell) instead of `npm test` — e.g. `node -e 0` to try the script
 *   --install      `npm install` into each clone instead of linking this checkout's node_modules
 *   --keep         keep the clones (logs are always kept)
 *
 * A fresh clone: a new directory with HEAD checked out (no dist/, data/, test-results/). npm packages
 * are linked entry by entry from this checkout's node_modules when what is installed there is what
 * the clone's package-lock.json pins (the clone gets its own node_modules directory, so tool caches
 * such as node_modules/.vite stay per clone); otherwise, or with --install, the clone installs its own.
 */
import { spawn, spawnSync } from 'node:child_process'
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ROOT, say } from './bootstrap.mjs'

/** Tool caches inside node_modules that must not be shared between clones running at once. */
const PER_CLONE = new Set(['.vite', '.vitest', '.cache'])

function parseArgs(argv) {
  const o = { runs: 3, parallel: 2, command: null, install: false, keep: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = () => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${a} needs a value`)
      return v
    }
    const count = () => {
      const n = Number(value())
      if (!Number.isInteger(n) || n < 0 || n > 50) throw new Error(`${a} wants an integer 0–50`)
      return n
    }
    if (a === '--runs') o.runs = count()
    else if (a === '--parallel') o.parallel = count()
    else if (a === '--command') o.command = value()
    else if (a === '--install') o.install = true
    else if (a === '--keep') o.keep = true
    else throw new Error(`unknown argument ${a} (see the usage in scripts/repeat-test.mjs)`)
  }
  return o
}

function git(cwd, ...args) {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.trim()}`)
  return r.stdout.trim()
}

function fmt(ms) {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`
}

/** A new directory holding HEAD of this checkout, nothing else of it. */
function freshClone(dir, head) {
  mkdirSync(dir)
  git(dir, 'init', '--quiet')
  git(dir, 'fetch', '--quiet', '--no-tags', ROOT, head)
  git(dir, 'checkout', '--quiet', '--detach', 'FETCH_HEAD')
}

/**
 * True when `modules` holds exactly what `lockFile` pins: npm's hidden lockfile there lists every
 * installed package; each must be in the lock at the same version, and every package the lock does
 * not mark optional (other platforms' binaries) must be installed.
 */
function installedMatches(modules, lockFile) {
  let want
  let have
  try {
    want = JSON.parse(readFileSync(lockFile, 'utf8')).packages
    have = JSON.parse(readFileSync(path.join(modules, '.package-lock.json'), 'utf8')).packages
  } catch {
    return false
  }
  for (const [key, pkg] of Object.entries(have)) if (want[key]?.version !== pkg.version) return false
  for (const [key, pkg] of Object.entries(want)) if (key && !pkg.optional && !have[key]) return false
  return true
}

/** node_modules for the clone: linked from this checkout's when they match its lock, else installed. */
function provideModules(dir, install) {
  const shared = path.join(ROOT, 'node_modules')
  const lockFile = path.join(dir, 'package-lock.json')
  if (install || !installedMatches(shared, lockFile)) {
    if (!install)
      say(
        `${path.basename(dir)}: this checkout's node_modules does not match HEAD's lock: npm install in the clone`,
      )
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      stdio: 'inherit',
    })
    if (r.status !== 0) throw new Error(`npm install in ${dir} failed`)
    return
  }
  const own = path.join(dir, 'node_modules')
  mkdirSync(own)
  for (const name of readdirSync(shared)) {
    if (!PER_CLONE.has(name)) symlinkSync(path.join(shared, name), path.join(own, name))
  }
  // Git gives the clone's lock the time of checkout: age it to the install's so the clone's bootstrap
  // sees the packages as current (they are: checked just above) and never runs npm install over links.
  // (Whole seconds, one before: a Date rounds to the millisecond, which can land after the marker.)
  const t = Math.floor(statSync(path.join(shared, '.package-lock.json')).mtimeMs / 1000) - 1
  utimesSync(lockFile, t, t)
}

/** Runs the command in the clone, output to a log; resolves with the outcome. */
function runIn(dir, label, command, logFile) {
  const start = Date.now()
  const log = createWriteStream(logFile)
  const child = command
    ? spawn('sh', ['-c', command], { cwd: dir, detached: true })
    : spawn('npm', ['test'], { cwd: dir, detached: true })
  running.add(child)
  child.stdout.pipe(log, { end: false })
  child.stderr.pipe(log, { end: false })
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(child)
      const ms = Date.now() - start
      // Resolve once the log is on disk: the summary is read back from it.
      log.end(() => resolve({ label, ok: code === 0, code: code ?? signal, ms, logFile }))
    })
  })
}

/** The step summary test.mjs prints at the end, and the failing tests' titles. */
function digest(logFile) {
  let text = ''
  try {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the ANSI colours from the log.
    text = readFileSync(logFile, 'utf8').replace(/\x1b\[[0-9;]*m/g, '')
  } catch {
    return []
  }
  const lines = text.split('\n')
  const at = lines.lastIndexOf('Summary')
  const summary = at >= 0 ? lines.slice(at + 1).filter((l) => l.startsWith('  ')) : []
  const failing = lines.filter((l) => /^\s+(✘|×|FAIL)\s/.test(l) || /^\s+\d+\) \[/.test(l)).slice(0, 15)
  return [...summary, ...failing.map((l) => `  ${l.trim()}`)]
}

const running = new Set()
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    // Each run is its own process group (detached): end ours, and only ours.
    for (const child of running) {
      try {
        process.kill(-child.pid, 'SIGTERM')
      } catch {}
    }
    process.exit(130)
  })
}

async function main() {
  const o = parseArgs(process.argv.slice(2))
  const head = git(ROOT, 'rev-parse', 'HEAD')
  const dirty = git(ROOT, 'status', '--porcelain', '--untracked-files=no')
  if (dirty) say('note: uncommitted changes are not tested — the clones hold HEAD only')
  const base = mkdtempSync(path.join(os.tmpdir(), 'frontline-repeat-'))
  const what = o.command ?? 'npm test'
  say(`${what} from fresh clones of ${head.slice(0, 10)}: ${o.runs} in sequence, then ${o.parallel} at once`)
  say(`clones and logs in ${base}`)

  const results = []
  let n = 0
  const prepare = (label) => {
    const dir = path.join(base, `run-${++n}`)
    const t0 = Date.now()
    freshClone(dir, head)
    provideModules(dir, o.install)
    return {
      dir,
      label: `${label} (run-${n})`,
      setupMs: Date.now() - t0,
      logFile: path.join(base, `run-${n}.log`),
    }
  }
  const finish = (r, setupMs, dir) => {
    results.push({ ...r, setupMs })
    const verdict = r.ok ? 'PASS' : `FAIL (${r.code})`
    console.log(
      `${r.label.padEnd(26)} ${verdict.padEnd(10)} ${fmt(r.ms).padStart(8)}  clone ${fmt(setupMs)}  log ${r.logFile}`,
    )
    for (const l of digest(r.logFile)) console.log(`    ${l}`)
    if (!o.keep) rmSync(dir, { recursive: true, force: true })
  }

  for (let i = 1; i <= o.runs; i++) {
    const p = prepare(`sequential ${i}/${o.runs}`)
    finish(await runIn(p.dir, p.label, o.command, p.logFile), p.setupMs, p.dir)
  }
  if (o.parallel > 0) {
    const ps = Array.from({ length: o.parallel }, (_, i) => prepare(`parallel ${i + 1}/${o.parallel}`))
    const t0 = Date.now()
    const rs = await Promise.all(ps.map((p) => runIn(p.dir, p.label, o.command, p.logFile)))
    for (const [i, r] of rs.entries()) finish(r, ps[i].setupMs, ps[i].dir)
    say(`${o.parallel} at once: ${fmt(Date.now() - t0)} wall clock`)
  }

  const failed = results.filter((r) => !r.ok)
  const ms = results.map((r) => r.ms)
  console.log(
    `\n${results.length - failed.length}/${results.length} passed` +
      (ms.length ? `; duration min ${fmt(Math.min(...ms))}, max ${fmt(Math.max(...ms))}` : ''),
  )
  if (!o.keep && existsSync(base) && readdirSync(base).every((f) => f.endsWith('.log')))
    say(`logs kept in ${base}`)
  process.exit(failed.length ? 1 : 0)
}

main().catch((e) => {
  console.error(`repeat-test: ${e.message}`)
  process.exit(2)
})
