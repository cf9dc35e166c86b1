import { defineConfig } from 'vite'

// The demo site (issue 3 §6) is its own small bundle (SIP.js) served at /site/ from dist/site.
// Build it after the PWA: the PWA build empties dist/.
export default defineConfig({
  root: 'site',
  base: '/site/',
  publicDir: false,
  build: { outDir: '../dist/site', emptyOutDir: true, target: 'es2022', sourcemap: false },
})
