/** Issue 7 §2: the widget's budget (≤ 25 KB brotli) and its copy of the attachment rules. */
import fs from 'node:fs'
import path from 'node:path'
import { brotliCompressSync } from 'node:zlib'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { WIDGET_BUDGET_BROTLI } from '../vite.widget.config.ts'

describe('widget', () => {
  it('bundles minified to at most 25 KB brotli (the same check fails `vite build`)', async () => {
    const out = await build({
      entryPoints: [path.join(import.meta.dirname, 'main.ts')],
      bundle: true,
      minify: true,
      format: 'iife',
      target: 'es2020',
      write: false,
      logLevel: 'silent',
    })
    const code = out.outputFiles[0]?.contents ?? new Uint8Array()
    const size = brotliCompressSync(code).length
    console.log(`widget: ${code.length} bytes minified, ${size} bytes brotli`)
    expect(size).toBeGreaterThan(2000)
    expect(size).toBeLessThanOrEqual(WIDGET_BUDGET_BROTLI)
    // It must not pull the contract's schemas (valibot) onto clients' sites.
    expect(new TextDecoder().decode(code)).not.toMatch(/abortPipeEarly/)
  })

  it('never parses content as HTML (no innerHTML, outerHTML, insertAdjacentHTML, document.write)', () => {
    for (const f of fs
      .readdirSync(import.meta.dirname)
      .filter((x) => x.endsWith('.ts') && !x.includes('.test.'))) {
      const src = fs.readFileSync(path.join(import.meta.dirname, f), 'utf8')
      expect(src, f).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser/)
    }
  })
})
