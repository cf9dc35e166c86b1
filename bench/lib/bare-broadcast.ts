/**
 * The fan-out ceiling (bench/fanout.ts): a bare `ws` server in its own process that does the least a
 * chat server could — a visitor's POST /send `{ text }` becomes one frame (the Frontline `chat.message`
 * frame captured in the same run, the text put in its place), serialized once and sent to every
 * socket; no auth, no database, no audience. Run: `node --import tsx bench/lib/bare-broadcast.ts`;
 * it prints `port <n>` once it listens on a free loopback port.
 */
import http from 'node:http'
import { fileURLToPath } from 'node:url'
import { WebSocketServer } from 'ws'

/** Where the visitor's text goes in the template frame. */
export const TEXT_SLOT = '@@TEXT@@'

/** Listens on a free loopback port and prints it. */
function main() {
  let template = JSON.stringify({
    kind: 'event',
    type: 'chat.message',
    payload: { message: { text: TEXT_SLOT } },
  })

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString()
      if (req.url === '/template') template = body
      else if (req.url === '/send') {
        const { text } = JSON.parse(body) as { text: string }
        const frame = template.replace(TEXT_SLOT, JSON.stringify(text).slice(1, -1))
        for (const c of wss.clients) c.send(frame)
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  const wss = new WebSocketServer({ server, perMessageDeflate: false })
  server.listen(0, '127.0.0.1', () => {
    const a = server.address()
    if (a && typeof a === 'object') process.stdout.write(`port ${a.port}\n`)
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main()
