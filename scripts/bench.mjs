#!/usr/bin/env node
/** `npm run bench [name]`: builds the PWA when the bundle bench needs it, then runs bench/index.ts. */
import { spawnSync } from 'node:child_process'
import { buildPwa, pwaBuildNeeded, ROOT } from './bootstrap.mjs'

// Only the bundle, Lighthouse and warm-start figures read dist/; the server and call benchmarks do not.
const which = process.argv[2]
if ((!which || which === 'bundle' || which === 'lighthouse' || which === 'warm-start') && pwaBuildNeeded())
  buildPwa()
const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/index.ts', ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: 'inherit',
})
process.exit(r.status ?? 1)
