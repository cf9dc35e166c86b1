/**
 * First-load JS of the PWA shell (entry chunk + everything it imports statically), compressed the way
 * a server would send it, against the 120 KB brotli budget; the lazy chunk that carries SIP.js; and the
 * chat widget (dist/widget/widget.js, issue 7 §2) against its 25 KB brotli budget, side by side.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const BUDGET_BROTLI = 120 * 1024
/** The same number vite.widget.config.ts enforces at build time (not imported: that file loads Vite). */
const WIDGET_BUDGET_BROTLI = 25 * 1024

interface ManifestChunk {
  file: string
  isEntry?: boolean
  imports?: string[]
  css?: string[]
}

export interface BundleReport {
  firstLoad: string[]
  raw: number
  gzip: number
  brotli: number
  sipChunks: { file: string; raw: number; gzip: number; brotli: number; firstLoad: boolean }[]
  budget: number
  /** dist/widget/widget.js, or null when the widget was not built. */
  widget: { file: string; raw: number; gzip: number; brotli: number; budget: number } | null
}

function sizes(files: string[], dist: string) {
  const buf = Buffer.concat(files.map((f) => readFileSync(path.join(dist, f))))
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  }
}

/** Entry + static imports, from Vite's manifest when built with one, else from index.html's tags. */
function firstLoadFiles(dist: string): string[] {
  const manifestFile = path.join(dist, '.vite', 'manifest.json')
  if (existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, ManifestChunk>
    const seen = new Set<string>()
    const walk = (key: string) => {
      const chunk = manifest[key]
      if (!chunk || seen.has(chunk.file)) return
      seen.add(chunk.file)
      for (const i of chunk.imports ?? []) walk(i)
    }
    for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry && key.endsWith('.html')) walk(key)
    if (seen.size) return [...seen]
  }
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8')
  const refs = [
    ...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
  ].map((m) => m[1]!.replace(/^\//, ''))
  // The built page lists the entry and its preloads in <meta name="frontline-app"> (public/boot.js adds them after the first paint).
  const boot = html.match(/<meta name="frontline-app" content="([^"]+)"/)?.[1] ?? ''
  for (const url of boot.split(' ').filter(Boolean)) refs.push(url.replace(/^\//, ''))
  return [...new Set(refs)]
}

/** Measures dist/; throws when dist/ has not been built. */
export function measureBundle(dist: string): BundleReport {
  if (!existsSync(path.join(dist, 'index.html')))
    throw new Error(`${dist}/index.html missing: run vite build`)
  const firstLoad = firstLoadFiles(dist)
  const assets = path.join(dist, 'assets')
  const js = existsSync(assets) ? readdirSync(assets).filter((f) => f.endsWith('.js')) : []
  // SIP.js identifies itself in its User-Agent header string, which survives minification.
  const sipChunks = js
    .map((f) => `assets/${f}`)
    .filter((f) => /SIP\.js\//.test(readFileSync(path.join(dist, f), 'utf8')))
    .map((file) => ({ file, ...sizes([file], dist), firstLoad: firstLoad.includes(file) }))
  const widgetFile = 'widget/widget.js'
  const widget = existsSync(path.join(dist, widgetFile))
    ? { file: widgetFile, ...sizes([widgetFile], dist), budget: WIDGET_BUDGET_BROTLI }
    : null
  return { firstLoad, ...sizes(firstLoad, dist), sipChunks, budget: BUDGET_BROTLI, widget }
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`

const verdict = (size: number, budget: number) =>
  `budget ${kb(budget)} brotli: ${size <= budget ? 'within' : 'OVER'} (${((100 * size) / budget).toFixed(0)}%)`

/** Human-readable lines for the report. */
export function formatBundle(r: BundleReport): string[] {
  const w = r.widget
  const lines = [
    'budgets side by side (brotli, quality 11):',
    `  PWA first load ${kb(r.brotli).padStart(9)}  ${verdict(r.brotli, r.budget)}`,
    w
      ? `  chat widget    ${kb(w.brotli).padStart(9)}  ${verdict(w.brotli, w.budget)}`
      : '  chat widget    not built (dist/widget/widget.js missing: npm run build)',
    `first-load JS (${r.firstLoad.length} files): ${kb(r.raw)} raw, ${kb(r.gzip)} gzip, ${kb(r.brotli)} brotli`,
    ...r.firstLoad.map((f) => `  - ${f}`),
  ]
  if (w) lines.push(`chat widget ${w.file}: ${kb(w.raw)} raw, ${kb(w.gzip)} gzip, ${kb(w.brotli)} brotli`)
  if (r.sipChunks.length === 0) lines.push('SIP.js chunk: not found in dist/assets')
  for (const c of r.sipChunks) {
    lines.push(
      `SIP.js chunk ${c.file}: ${kb(c.raw)} raw, ${kb(c.gzip)} gzip, ${kb(c.brotli)} brotli` +
        (c.firstLoad ? '  (!) loaded on first load, should be lazy' : ' (lazy)'),
    )
  }
  return lines
}
