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

/**
 * The browser half both call benches share (bundled into their page source after `import { Phone }`):
 * the app's phone on window — `start(creds)`, `nextIncoming()` resolving with the time an incoming call
 * appeared — with `now()`, `phone` and `current` (the last incoming call's id) for the bench's own
 * functions after it.
 */
export const PHONE_PAGE_PRELUDE = `
const now = () => performance.timeOrigin + performance.now()
let phone = null
let current = ''
let incoming = []
const seen = new Set()
window.start = async (creds) => {
  phone = new Phone({ credentials: creds })
  phone.subscribe((s) => {
    for (const c of s.calls) {
      if (c.direction === 'incoming' && !seen.has(c.id)) {
        seen.add(c.id)
        const at = now()
        current = c.id
        const waiting = incoming
        incoming = []
        for (const w of waiting) w(at)
      }
    }
  })
  await phone.start()
  return phone.line.status
}
window.nextIncoming = () => new Promise((r) => incoming.push(r))
`
