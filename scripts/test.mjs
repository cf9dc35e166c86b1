#!/usr/bin/env node
/**
 * `npm test` (and CI through .ci/run): bootstrap with the test packages, then lint, type-check each
 * TypeScript project, check the layering, build, unit tests (against a throw-away PostgreSQL too),
 * and Playwright e2e.
 * Stops at the first failing step; prints each step's duration.
 * Usage: node scripts/test.mjs [--from <step>] [--only <step>]   (step names as in the summary)
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { bootstrap, ROOT, say } from './bootstrap.mjs'

const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name)
const PROJECTS = ['app', 'sw', 'server', 'contract', 'tools']

/** The steps in order: [name, command, args]. */
function steps() {
  const vitest = [bin('vitest'), 'run']
  // The wrapper (server/ owns it) starts PostgreSQL and sets TEST_DATABASE_URL for the command.
  const unit = existsSync(path.join(ROOT, 'scripts', 'with-postgres.mjs'))
    ? [process.execPath, 'scripts/with-postgres.mjs', ...vitest]
    : vitest
  return [
    ['biome', bin('biome'), ['check', '.']],
    ...PROJECTS.map((p) => [`tsc ${p}`, bin('tsc'), ['-p', `tsconfig.${p}.json`, '--noEmit']]),
    ['tsc site', bin('tsc'), ['-p', 'site/tsconfig.json', '--noEmit']],
    ['tsc widget', bin('tsc'), ['-p', 'widget/tsconfig.json', '--noEmit']],
    // Layering rules (.dependency-cruiser.mjs): no loops, feature doors, no server code in the app…
    ['layering', process.execPath, ['scripts/layering.mjs']],
    // The PWA, then the demo site into dist/site (package.json "build").
    ['build', 'npm', ['run', 'build']],
    ['unit', unit[0], unit.slice(1)],
    ['e2e', bin('playwright'), ['test']],
  ]
}

function fmt(ms) {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`
}

function main() {
  const argv = process.argv.slice(2)
  const from = argv.includes('--from') ? argv[argv.indexOf('--from') + 1] : null
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : null
  const t0 = Date.now()
  try {
    bootstrap({ test: true })
  } catch (e) {
    console.error(`bootstrap failed: ${e.message}`)
    process.exit(1)
  }
  const results = [['bootstrap', 'ok', Date.now() - t0]]
  let all = steps()
  if (from)
    all = all.slice(
      Math.max(
        0,
        all.findIndex(([n]) => n === from),
      ),
    )
  if (only) all = all.filter(([n]) => n === only)
  let failed = null
  for (const [name, cmd, args] of all) {
    say(`── ${name}: ${path.basename(cmd)} ${args.join(' ')}`)
    const start = Date.now()
    const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '1' } })
    const ok = r.status === 0
    results.push([
      name,
      ok ? 'ok' : `FAILED (${r.error?.message ?? r.status ?? r.signal})`,
      Date.now() - start,
    ])
    if (!ok) {
      failed = name
      break
    }
  }
  console.log('\nSummary')
  for (const [name, status, ms] of results)
    console.log(`  ${name.padEnd(14)} ${status.padEnd(12)} ${fmt(ms)}`)
  console.log(`  ${'total'.padEnd(14)} ${''.padEnd(12)} ${fmt(Date.now() - t0)}`)
  if (failed) {
    console.log(`\nnpm test: "${failed}" failed`)
    process.exit(1)
  }
  console.log('\nnpm test: all steps passed')
}

main()
