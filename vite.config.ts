import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'
import solid from 'vite-plugin-solid'

// SPEC A6: our own service worker (sw/) built by injectManifest; the app registers it itself
// with workbox-window so it can show the update prompt.
export default defineConfig({
  plugins: [
    solid(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'sw',
      filename: 'sw.ts',
      injectRegister: false,
      registerType: 'prompt',
      includeAssets: ['icon.svg', 'apple-touch-icon.png'],
      manifest: {
        name: 'Frontline',
        short_name: 'Frontline',
        description: 'Calls and client requests in one window',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#0f5bd8',
        background_color: '#f4f6fa',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // The plugin adds the manifest and its icons itself (recipes/README.md).
        globPatterns: ['**/*.{js,css,html,svg,woff2}'],
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
  build: { target: 'es2022', sourcemap: false },
})
