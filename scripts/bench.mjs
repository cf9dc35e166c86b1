#!/usr/bin/env node
/** `npm run bench [bundle|cold-start]`: builds the PWA when stale, then runs bench/index.ts. */
import { spawnSync } from 'node:child_process'
import { buildPwa, pwaBuildNeeded, ROOT } from './bootstrap.mjs'

if (process.argv[2] !== 'cold-start' && pwaBuildNeeded()) buildPwa()
const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/index.ts', ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: 'inherit',
})
process.exit(r.status ?? 1)
