/**
 * A worker thread holding a share of the fan-out benchmark's operator sockets (bench/fanout.ts), so
 * the receiving side runs on more than the main thread's event loop. Each socket records, for every
 * benchmark message it receives, now − the send time written into the message's text; both clocks are
 * `performance.timeOrigin + performance.now()`, comparable across the threads of one process.
 *
 * Commands (parentPort): connect {url, mode, tokens} → {connected, ms}; count → {count};
 * collect → {latencies, count, elu, frames} (and clears them); sample → {sample} (a received frame); close.
 */
import { parentPort } from 'node:worker_threads'
import WebSocket from 'ws'

/** `bench <id> <send time>` inside a message's text (fanout.ts `marker`). */
const MARK = /bench#(\d+)@(\d+\.\d+)/
const now = () => performance.timeOrigin + performance.now()

type Mode = 'frontline' | 'bare'
type Command =
  | { cmd: 'connect'; url: string; mode: Mode; tokens: string[]; batch: number }
  | { cmd: 'count' }
  | { cmd: 'collect' }
  | { cmd: 'sample' }
  | { cmd: 'close' }

const sockets: WebSocket[] = []
let latencies: number[] = []
/** Every frame received after live (chat.updated, message.updated… too), for frames per message. */
let frames = 0
/** The last benchmark `chat.message` frame received, as the ceiling's template. */
let sample: string | null = null
let eluStart = performance.eventLoopUtilization()

/** Opens one socket; for Frontline it goes auth → ready → resume(lastSeq) → live before it counts. */
function open(url: string, mode: Mode, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    let live = false
    const timer = setTimeout(() => reject(new Error('socket not live within 60 s')), 60_000)
    ws.on('error', (e) => (live ? undefined : reject(e)))
    ws.on('close', (code) => {
      if (!live) reject(new Error(`socket closed ${code} before live`))
    })
    ws.on('open', () => {
      if (mode === 'bare') {
        live = true
        clearTimeout(timer)
        resolve(ws)
      } else ws.send(JSON.stringify({ type: 'auth', token }))
    })
    ws.on('message', (data: Buffer) => {
      const s = data.toString()
      if (live) {
        frames++
        if (!s.includes('"chat.message"')) return
        const m = MARK.exec(s)
        if (m) {
          latencies.push(now() - Number(m[2]))
          sample = s
        }
        return
      }
      const msg = JSON.parse(s) as { kind: string; lastSeq?: number }
      if (msg.kind === 'ready') ws.send(JSON.stringify({ type: 'resume', since: msg.lastSeq }))
      else if (msg.kind === 'live') {
        live = true
        clearTimeout(timer)
        resolve(ws)
      }
    })
  })
}

parentPort?.on('message', async (c: Command) => {
  try {
    if (c.cmd === 'connect') {
      const t0 = performance.now()
      for (let i = 0; i < c.tokens.length; i += c.batch) {
        const part = c.tokens.slice(i, i + c.batch)
        sockets.push(...(await Promise.all(part.map((t) => open(c.url, c.mode, t)))))
      }
      latencies = []
      frames = 0
      eluStart = performance.eventLoopUtilization()
      parentPort?.postMessage({ connected: sockets.length, ms: performance.now() - t0 })
    } else if (c.cmd === 'count') parentPort?.postMessage({ count: latencies.length })
    else if (c.cmd === 'collect') {
      const elu = performance.eventLoopUtilization(eluStart).utilization
      parentPort?.postMessage({ latencies, count: latencies.length, elu, frames })
      latencies = []
      frames = 0
      eluStart = performance.eventLoopUtilization()
    } else if (c.cmd === 'sample') parentPort?.postMessage({ sample })
    else if (c.cmd === 'close') {
      for (const ws of sockets) ws.terminate()
      sockets.length = 0
      parentPort?.postMessage({ closed: true })
    }
  } catch (e) {
    parentPort?.postMessage({ error: (e as Error).message })
  }
})
