import { brotliCompressSync } from 'node:zlib'
import { defineConfig, type Plugin } from 'vite'

/** Issue 12 §1: the tracking snippet loads on every page of clients' sites: 3 KB brotli at most. */
export const TRACK_BUDGET_BROTLI = 3 * 1024

const budget = (): Plugin => ({
  name: 'track-budget',
  generateBundle(_opts, bundle) {
    for (const file of Object.values(bundle)) {
      if (file.type !== 'chunk') continue
      const size = brotliCompressSync(Buffer.from(file.code)).length
      this.info(`${file.fileName}: ${size} bytes brotli (budget ${TRACK_BUDGET_BROTLI})`)
      if (size > TRACK_BUDGET_BROTLI)
        this.error(`${file.fileName} is ${size} bytes brotli, over the ${TRACK_BUDGET_BROTLI}-byte budget`)
    }
  },
})

// The tracking snippet (/track.js): one classic script, served by the server from
// dist/track/track.js. Built after the PWA (whose build empties dist/).
export default defineConfig({
  publicDir: false,
  plugins: [budget()],
  build: {
    outDir: 'dist/track',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    lib: { entry: 'widget/track.ts', formats: ['iife'], name: 'FrontlineTrack', fileName: () => 'track.js' },
  },
})
