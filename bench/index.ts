/** `npm run bench`: prints figures, asserts nothing. Run through scripts/bench.mjs (builds first). */
import path from 'node:path'
import { formatBundle, measureBundle } from './bundle.ts'
import { formatColdStart, measureColdStart } from './cold-start.ts'

const root = path.resolve(import.meta.dirname, '..')
const only = process.argv[2]

if (!only || only === 'bundle') {
  console.log('\n== bundle (dist/) ==')
  for (const l of formatBundle(measureBundle(path.join(root, 'dist')))) console.log(l)
}
if (!only || only === 'cold-start') {
  console.log('\n== server cold start ==')
  for (const l of formatColdStart(await measureColdStart(root))) console.log(l)
}
