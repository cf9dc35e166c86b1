import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib'
import { defineConfig, type Plugin } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'
import solid from 'vite-plugin-solid'

/**
 * The top-level manifest.webmanifest as a build asset at /manifest.webmanifest (the dev server serves
 * it from the project root as it is). Checked as JSON here, so a broken edit fails the build.
 */
function topLevelManifest(): Plugin {
  return {
    name: 'frontline-top-level-manifest',
    apply: 'build',
    generateBundle() {
      const source = readFileSync(new URL('./manifest.webmanifest', import.meta.url), 'utf8')
      JSON.parse(source)
      this.emitFile({ type: 'asset', fileName: 'manifest.webmanifest', source })
    },
  }
}

/**
 * Issue 11 item 8 (first paint): the app's entry script and its module preloads leave index.html's
 * head; public/boot.js adds them back once the static shell has painted, so nothing but the page,
 * its CSS and boot.js stands between a phone and the first screen. The list travels in a meta tag.
 */
function startAfterFirstPaint(): Plugin {
  return {
    name: 'frontline-start-after-first-paint',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const urls: string[] = []
        const out = html
          .replace(/\s*<link rel="modulepreload" crossorigin href="([^"]+)">/g, (_m, href: string) => {
            urls.push(href)
            return ''
          })
          .replace(/\s*<script type="module" crossorigin src="([^"]+)"><\/script>/, (_m, src: string) => {
            urls.unshift(src)
            return ''
          })
        if (urls.length === 0) throw new Error('startAfterFirstPaint: no entry script in index.html')
        // Before boot.js, which reads it as it runs.
        const boot = '<script src="/boot.js"></script>'
        if (!out.includes(boot)) throw new Error('startAfterFirstPaint: index.html has no boot.js')
        return out.replace(boot, `<meta name="frontline-app" content="${urls.join(' ')}" />\n    ${boot}`)
      },
    },
  }
}

/**
 * Issue 11 item 8 (first paint on a phone): a brotli and a gzip copy beside each hashed asset the
 * build writes (js, css, json, svg over 1 KB), which the server sends to a client that accepts them
 * (`server/http/static.ts`, @fastify/static `preCompressed`). Hashed names never change, so a copy can
 * never be stale; the service worker's precache pattern does not take them (.br, .gz).
 */
function precompressAssets(): Plugin {
  return {
    name: 'frontline-precompress-assets',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist'
      for (const [name, item] of Object.entries(bundle)) {
        if (!name.startsWith('assets/') || !/\.(js|css|json|svg)$/.test(name)) continue
        const data = item.type === 'chunk' ? Buffer.from(item.code) : Buffer.from(item.source)
        if (data.length < 1024) continue
        const file = path.join(dir, name)
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(data, {
            params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: data.length },
          }),
        )
        writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }))
      }
    },
  }
}

// SPEC A6: our own service worker (sw/) built by injectManifest; the app registers it itself
// with workbox-window so it can show the update prompt.
export default defineConfig({
  plugins: [
    solid(),
    topLevelManifest(),
    startAfterFirstPaint(),
    precompressAssets(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'sw',
      filename: 'sw.ts',
      injectRegister: false,
      registerType: 'prompt',
      includeAssets: [
        'icon.svg',
        'apple-touch-icon.png',
        'icon-192.png',
        'icon-512.png',
        'icon-maskable-512.png',
      ],
      // Issue 13: the manifest is the top-level file manifest.webmanifest (linked from index.html,
      // emitted into the build by `topLevelManifest` above); the plugin generates none, so the
      // manifest's icons are listed here for the precache.
      manifest: false,
      injectManifest: {
        // Icons come through includeAssets; screenshots (PNG) are not precached.
        globPatterns: ['**/*.{js,css,html,svg,woff2,webmanifest}'],
        maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
      },
      devOptions: { enabled: false, type: 'module' },
    }),
  ],
  server: {
    proxy: {
      // API_TARGET lets the dev server talk to a server on another port (e.g. a test instance).
      '/api': { target: process.env.API_TARGET ?? 'http://127.0.0.1:8080', ws: true, changeOrigin: false },
    },
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: {
      output: {
        // Issue 10 warm start: what the entry imports statically is one chunk, not ~24 shared pieces
        // each fetched through the service worker before the app's code runs. Lazy screens stay apart.
        codeSplitting: { groups: [{ name: 'app', tags: ['$initial'] }] },
      },
    },
  },
})
