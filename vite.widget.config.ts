import { brotliCompressSync } from 'node:zlib'
import { defineConfig, type Plugin } from 'vite'

/** Issue 7 §2: the widget loads on clients' sites; it may not grow past 25 KB brotli unnoticed. */
export const WIDGET_BUDGET_BROTLI = 25 * 1024

const budget = (): Plugin => ({
  name: 'widget-budget',
  generateBundle(_opts, bundle) {
    for (const file of Object.values(bundle)) {
      if (file.type !== 'chunk') continue
      const size = brotliCompressSync(Buffer.from(file.code)).length
      this.info(`${file.fileName}: ${size} bytes brotli (budget ${WIDGET_BUDGET_BROTLI})`)
      if (size > WIDGET_BUDGET_BROTLI)
        this.error(`${file.fileName} is ${size} bytes brotli, over the ${WIDGET_BUDGET_BROTLI}-byte budget`)
    }
  },
})

// The chat widget (/widget.js): one classic script, no framework, served by the server from
// dist/widget/widget.js. Built after the PWA (whose build empties dist/).
export default defineConfig({
  publicDir: false,
  plugins: [budget()],
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    lib: { entry: 'widget/main.ts', formats: ['iife'], name: 'FrontlineWidget', fileName: () => 'widget.js' },
  },
})
