/**
 * The built PWA (dist/) and the demo site (site/ at /site/). sw.js and index.html must be
 * revalidated on every load (no-cache) so an update is seen; Vite's hashed assets never change.
 */
import fs from 'node:fs'
import path from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../errors.ts'
import type { AppDeps } from './context.ts'
import { sendError } from './errors.ts'

const NO_CACHE = new Set(['index.html', 'sw.js', 'manifest.webmanifest', 'registerSW.js'])

function cacheHeaders(reply: FastifyReply, file: string): void {
  const base = path.basename(file)
  if (NO_CACHE.has(base)) reply.header('cache-control', 'no-cache')
  else if (file.split(path.sep).includes('assets'))
    reply.header('cache-control', 'public, max-age=31536000, immutable')
  else reply.header('cache-control', 'public, max-age=3600')
}

/** Serves dist/ and site/ when they exist, and answers unknown routes (SPA fallback or E_NOT_FOUND). */
export async function staticRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const hasDist = fs.existsSync(path.join(deps.distDir, 'index.html'))
  if (hasDist) {
    await app.register(fastifyStatic, {
      root: deps.distDir,
      prefix: '/',
      cacheControl: false,
      setHeaders: cacheHeaders,
      // Issue 11 item 8: the build writes a brotli and a gzip copy of each hashed asset (vite.config.ts
      // `precompressAssets`); a phone on a slow link gets the ~107 KB start chunk, not its 335 KB.
      preCompressed: true,
      // Directory listings and dotfiles are never served.
      list: false,
      dotfiles: 'deny',
    })
  }
  if (fs.existsSync(deps.siteDir)) {
    await app.register(fastifyStatic, {
      root: deps.siteDir,
      prefix: '/site/',
      decorateReply: false,
      cacheControl: false,
      setHeaders: cacheHeaders,
      list: false,
      dotfiles: 'deny',
    })
  }
  app.setNotFoundHandler((req: FastifyRequest, reply: FastifyReply) => {
    const url = req.url.split('?')[0] ?? ''
    const isApi = url === '/api' || url.startsWith('/api/') || url.startsWith('/internal/')
    const wantsHtml = String(req.headers.accept ?? '').includes('text/html')
    if (hasDist && !isApi && (req.method === 'GET' || req.method === 'HEAD') && wantsHtml) {
      return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').sendFile('index.html')
    }
    return sendError(req, reply, new AppError('E_NOT_FOUND'))
  })
}
