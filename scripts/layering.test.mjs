/**
 * The layering check must be able to fail: a tiny tree breaks each rule of .dependency-cruiser.mjs on
 * purpose, and every broken rule must be reported — so the check cannot pass by reading nothing or
 * by a rule that never matches.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { forbidden } from '../.dependency-cruiser.mjs'
import { checkLayering } from './layering.mjs'

const roots = []
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true })
})

/** Write files (path → source) under a fresh temporary root. */
function tree(files) {
  const root = mkdtempSync(path.join(tmpdir(), 'layering-'))
  roots.push(root)
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    writeFileSync(path.join(root, file), source)
  }
  return root
}

// A clean little app: a feature with its door, a lib, the shell, a worker, the server and contract.
const CLEAN = {
  'node_modules/solid-js/package.json': '{"name":"solid-js","main":"index.js"}',
  'node_modules/solid-js/index.js': 'export const createSignal = () => {}\n',
  'contract/c.ts': 'export type C = { id: string }\n',
  'src/lib/core/core.ts':
    "import type { C } from '../../../contract/c.ts'\nexport const core = (c: C) => c.id\n",
  'src/lib/ui/index.ts': "export { View } from './View.tsx'\n",
  'src/lib/ui/View.tsx':
    "import { createSignal } from 'solid-js'\nexport const View = () => <div>{String(createSignal)}</div>\n",
  'src/features/two/index.ts': "export { inner } from './inner.ts'\n",
  'src/features/two/inner.ts': "import { core } from '../../lib/core/core.ts'\nexport const inner = core\n",
  'src/features/one/index.ts': "import { inner } from '../two/index.ts'\nexport const one = inner\n",
  'src/app/Shell.tsx':
    "import { one } from '../features/one/index.ts'\nexport const Shell = () => <p>{String(one)}</p>\n",
  'sw/sw.ts': "import { core } from '../src/lib/core/core.ts'\nexport const sw = core\n",
  'server/sip/uri.ts': 'export const parse = (s: string) => s\n',
  'server/domain/d/d.ts': "import type { C } from '../../../contract/c.ts'\nexport const d = (c: C) => c\n",
  'server/http/r.ts':
    "import { d } from '../domain/d/d.ts'\nimport { parse } from '../sip/uri.ts'\nexport const r = [d, parse]\n",
  'pbx/index.ts': 'export const pbx = 1\n',
}

// One file per rule, each breaking it (and nothing else where that can be helped).
const BROKEN = {
  'no-circular': {
    'src/lib/loop/a.ts': "import type { B } from './b.ts'\nexport type A = { b?: B }\n",
    'src/lib/loop/b.ts': "import type { A } from './a.ts'\nexport type B = { a?: A }\n",
  },
  'feature-door': { 'src/features/one/deep.ts': "export { inner } from '../two/inner.ts'\n" },
  'shell-uses-doors': { 'src/app/deep.ts': "export { inner } from '../features/two/inner.ts'\n" },
  'lib-not-features': { 'src/lib/core/up.ts': "export { one } from '../../features/one/index.ts'\n" },
  'not-to-app': { 'src/lib/ui/shell.ts': "export { Shell } from '../../app/Shell.tsx'\n" },
  'domain-not-edge': { 'server/domain/d/sip.ts': "export { parse } from '../../sip/uri.ts'\n" },
  'contract-alone': { 'contract/bad.ts': "export { core } from '../src/lib/core/core.ts'\n" },
  // Through src/lib: the worker reaches a .tsx file and solid-js without importing them itself.
  'sw-no-dom': { 'sw/ui.ts': "export { View } from '../src/lib/ui/index.ts'\n" },
  'app-not-server': { 'src/lib/core/server.ts': "export { d } from '../../../server/domain/d/d.ts'\n" },
  'server-not-app': { 'pbx/app.ts': "export { core } from '../src/lib/core/core.ts'\n" },
}

describe('layering check (dependency-cruiser)', () => {
  it('a clean tree passes, and every folder was read', async () => {
    const r = await checkLayering({ root: tree(CLEAN) })
    expect(r.errors).toEqual([])
    expect(r.empty).toEqual([])
    expect(r.modules).toBeGreaterThanOrEqual(Object.keys(CLEAN).length - 2)
  })

  it('every rule of the config has a case here', () => {
    expect(Object.keys(BROKEN).sort()).toEqual(forbidden.map((f) => f.name).sort())
  })

  for (const [rule, files] of Object.entries(BROKEN))
    it(`fails on a tree that breaks ${rule}`, async () => {
      const r = await checkLayering({ root: tree({ ...CLEAN, ...files }) })
      const added = Object.keys(files)
      expect(r.errors.length).toBeGreaterThan(0)
      expect(r.errors.every((e) => e.rule === rule)).toBe(true)
      expect(r.errors.some((e) => added.includes(e.from))).toBe(true)
    })

  it('a folder with nothing readable is reported (a cruise of 0 modules must not pass)', async () => {
    const r = await checkLayering({
      root: tree({ 'contract/c.ts': 'export const c = 1\n', 'src/README.md': 'nothing to read\n' }),
      dirs: ['contract', 'src'],
    })
    expect(r.empty).toEqual(['src'])
  })
})
