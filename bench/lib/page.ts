/** Serves a bundled page for benchmarks that run app code in Chromium (calls, dexie). */
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { build } from 'esbuild'

/** Bundles `source` (resolving imports from `root`) and serves it as a one-script page on a free port. */
export async function servePage(
  root: string,
  source: string,
  name: string,
): Promise<{ url: string; server: HttpServer }> {
  const out = await build({
    stdin: { contents: source, resolveDir: root, sourcefile: name, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'error',
  })
  const js = out.outputFiles[0]!.contents
  const html = '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>'
  const server = createServer((req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js)
    else res.writeHead(200, { 'content-type': 'text/html' }).end(html)
  }).listen(0, '127.0.0.1')
  await new Promise((r) => server.once('listening', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server }
}
