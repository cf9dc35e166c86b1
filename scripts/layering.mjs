#!/usr/bin/env node
/**
 * The layering check (`npm test` step "layering"): dependency-cruiser with the rules of
 * .dependency-cruiser.mjs over the app, the worker, the server, the contract and the PBX launcher.
 * It fails when a folder yields no module at all — dependency-cruiser without a transpiler it can
 * load (TypeScript 7 has no JS API; we use @swc/core) silently reads nothing and would pass.
 * Every violation fails: there is no list of tolerated ones. Usage: node scripts/layering.mjs
 */
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { cruise } from 'dependency-cruiser'

// dependency-cruiser 17 asks swc to parse every TypeScript file with `syntax: 'typescript'` and no
// `tsx`, so a .tsx file with JSX is a syntax error. Its swc is this very module object: parse .tsx
// files with `tsx: true` (only them — in a .ts file `<T>x` is a cast, which tsx mode would misread).
const swc = createRequire(import.meta.url)('@swc/core')
const parseFileSync = swc.parseFileSync
swc.parseFileSync = (file, options) =>
  parseFileSync.call(swc, file, file.endsWith('.tsx') ? { ...options, tsx: true } : options)

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const DIRS = ['src', 'sw', 'server', 'contract', 'pbx']

/**
 * Cruise `dirs` under `root` with the project's rules.
 * @param {{ root?: string, dirs?: string[] }} [o]
 * @returns {Promise<{ modules: number, empty: string[], errors: {rule: string, from: string, to: string}[] }>}
 */
export async function checkLayering(o = {}) {
  const root = o.root ?? ROOT
  const dirs = o.dirs ?? DIRS
  const config = (await import(pathToFileURL(path.join(ROOT, '.dependency-cruiser.mjs')).href)).default
  const r = await cruise(dirs, {
    ...config.options,
    baseDir: root,
    validate: true,
    ruleSet: { forbidden: config.forbidden },
  })
  if (typeof r.output === 'string') throw new Error('dependency-cruiser gave text, not a result')
  const sources = r.output.modules.filter((m) => dirs.some((d) => m.source.startsWith(`${d}/`)))
  const empty = dirs.filter((d) => !sources.some((m) => m.source.startsWith(`${d}/`)))
  const pick = (v) => ({ rule: v.rule.name, from: v.from, to: v.to, cycle: v.cycle?.map((c) => c.name) })
  return { modules: sources.length, empty, errors: r.output.summary.violations.map(pick) }
}

async function main() {
  const r = await checkLayering()
  for (const v of r.errors)
    console.log(`  ✗ ${v.rule}: ${v.from} → ${v.to}${v.cycle ? ` (loop: ${v.cycle.join(' → ')})` : ''}`)
  if (r.empty.length) console.log(`  ✗ no module read under ${r.empty.join(', ')} (is @swc/core installed?)`)
  console.log(`layering: ${r.modules} modules, ${r.errors.length} violations`)
  if (r.errors.length || r.empty.length) process.exit(1)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
