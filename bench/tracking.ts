/**
 * Tracking (issue 12 budgets): one real server process (PGlite in its DATA_DIR — or PostgreSQL with
 * TRACK_DB=postgres under scripts/with-postgres.mjs —, Kamailio off), TRUSTED_PROXY=127.0.0.1 so each
 * visitor comes from an address of his own (X-Forwarded-For), as behind the nginx of a deployment.
 *
 * Measured:
 * - `/track.js` size, raw and brotli (goal ≤ 3 KB brotli), as the server sends it;
 * - ingest: page views a second the one process records (POST /api/track/view with a visitor token:
 *   a visit moved on, a page view stored), CONCURRENCY requests in flight from this process, each
 *   view for another of VISITORS visitors (the per-visitor limit, 120 a minute, is not what is
 *   measured); the requests' p50/p99;
 * - page view → the operator's Insider: CONTACTED of the visitors have written in the website chat;
 *   while the ingest load runs, each of them opens a page, and the time until an operator's socket
 *   receives the `visitor.activity` event, and until his GET /api/insider/visitors/:id (what the app
 *   does on that event) answers with that page, p50/p99.
 *
 * Clocks: all in this process (performance.now()).
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import http from 'node:http'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { brotliCompressSync } from 'node:zlib'
import WebSocket from 'ws'
import type { LoginResponse } from '../contract/api.ts'
import type { ServerMessage } from '../contract/events.ts'
import type { InsiderView, TrackViewResponse } from '../contract/tracking.ts'
import { launchServer, stopServer } from '../scripts/harness.ts'
import { freePort, percentile, sleep } from './lib/common.ts'
import { cpuOf, postgresPids } from './lib/cpu.ts'

export interface TrackingOptions {
  visitors: number
  concurrency: number
  seconds: number
  contacted: number
}
export const TRACKING_DEFAULTS: TrackingOptions = {
  visitors: 2000,
  concurrency: 32,
  seconds: 15,
  contacted: 40,
}

export interface TrackingResult {
  db: string
  scriptBytes: number
  scriptBrotli: number
  views: number
  seconds: number
  perSecond: number
  reqP50: number
  reqP99: number
  refused: number
  eventP50: number
  eventP99: number
  insiderP50: number
  insiderP99: number
  samples: number
  /** CPU seconds spent during the ingest window: the server process, PostgreSQL's processes, this one. */
  cpu: { server: number; postgres: number | null; client: number }
}

const CHROME =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36'
const addr = (i: number) => `81.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255 || 1}`

export async function measureTracking(o: TrackingOptions = TRACKING_DEFAULTS): Promise<TrackingResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'frontline-track-'))
  const port = await freePort()
  const password = 'bench-pass-1'
  const databaseUrl = process.env.TRACK_DB === 'postgres' ? process.env.TEST_DATABASE_URL : undefined
  const { child } = await launchServer({
    port,
    dataDir: dir,
    pbx: false,
    sipWsPort: await freePort(),
    password,
    logLevel: 'warn',
    env: {
      TRUSTED_PROXY: '127.0.0.1',
      SEED_DEMO: '1',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
  })
  const base = `http://127.0.0.1:${port}`
  try {
    const js = await fetch(`${base}/track.js`)
    if (!js.ok)
      throw new Error('/track.js not built (npm run build, or npx vite build --config vite.track.config.ts)')
    const script = Buffer.from(await js.arrayBuffer())
    // node:http on keep-alive sockets, not fetch: on these shared 2 cores the client's own CPU per
    // request (fetch's is about twice as much) is taken from the server being measured.
    const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency + 8 })
    // `read`: the answer's JSON is parsed only where the bench uses it (the visitors' tokens); the
    // load loops look at the status alone — the requests are what the snippet sends either way.
    const view = (i: number, body: Record<string, unknown>, read = true) =>
      new Promise<{ status: number } | ({ status: 200 } & TrackViewResponse)>((resolve, reject) => {
        const payload = JSON.stringify({ tenant: 'demo', title: 'Страница', ...body })
        const req = http.request(
          `${base}/api/track/view`,
          {
            method: 'POST',
            agent,
            headers: {
              'content-type': 'text/plain',
              'content-length': Buffer.byteLength(payload),
              'user-agent': CHROME,
              'x-forwarded-for': addr(i),
            },
          },
          (res) => {
            if (!read) {
              res.resume()
              res.on('end', () => resolve({ status: res.statusCode ?? 0 }))
              res.on('error', reject)
              return
            }
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () => {
              if (res.statusCode !== 200) return resolve({ status: res.statusCode ?? 0 })
              resolve({ status: 200, ...(JSON.parse(Buffer.concat(chunks).toString()) as TrackViewResponse) })
            })
            res.on('error', reject)
          },
        )
        req.on('error', reject)
        req.end(payload)
      })
    // The visitors, first views (a visit each).
    const tokens: string[] = []
    for (let i = 0; i < o.visitors; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, o.visitors - i) }, (_, k) =>
          view(i + k, { url: 'https://shop.example/?utm_source=bench' }),
        ),
      )
      for (const b of batch) if ('token' in b) tokens.push(b.token)
    }
    if (tokens.length < o.visitors) throw new Error(`only ${tokens.length} of ${o.visitors} visitors made`)

    // The contacted ones write in the chat; the operator's socket listens.
    const contacted = tokens.slice(0, o.contacted)
    const ids: string[] = []
    for (const token of contacted) {
      const s = (await (
        await fetch(`${base}/api/visitor/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            tenant: 'demo',
            token,
            page: { url: 'https://shop.example/', referrer: null },
          }),
        })
      ).json()) as { visitorId: string }
      ids.push(s.visitorId)
      const m = await fetch(`${base}/api/visitor/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ clientMsgId: randomUUID(), text: 'bench' }),
      })
      if (!m.ok) throw new Error(`visitor message: HTTP ${m.status} ${await m.text()}`)
    }
    const login = (await (
      await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'op1@demo', password }),
      })
    ).json()) as LoginResponse
    const waiting = new Map<string, (at: number) => void>()
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws`)
    await new Promise<void>((resolve, reject) => {
      ws.on('error', reject)
      ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token: login.token })))
      ws.on('message', (raw) => {
        const m = JSON.parse(String(raw)) as ServerMessage
        if (m.kind === 'ready') ws.send(JSON.stringify({ type: 'resume', since: m.lastSeq }))
        if (m.kind === 'live') resolve()
        if (m.kind === 'event' && m.type === 'visitor.activity')
          waiting.get(m.payload.page)?.(performance.now())
      })
    })

    // Ingest under load, with the contacted visitors' page views timed to the operator.
    let views = 0
    let refused = 0
    const req: number[] = []
    const events: number[] = []
    const insider: number[] = []
    let stop = false
    const loops = Array.from({ length: o.concurrency }, async (_, w) => {
      let n = w
      while (!stop) {
        const i = o.contacted + (n % (o.visitors - o.contacted))
        n += o.concurrency
        const t0 = performance.now()
        const r = await view(i, { token: tokens[i], url: `https://shop.example/p/${n % 50}` }, false)
        req.push(performance.now() - t0)
        if (r.status === 200) views++
        else refused++
      }
    })
    const started = performance.now()
    const pgPids = databaseUrl ? postgresPids(new URL(databaseUrl).port) : []
    const cpu0 = {
      server: cpuOf(child.pid ?? 0),
      postgres: new Map(pgPids.map((p) => [p, cpuOf(p)])),
      client: process.cpuUsage(),
    }
    const probe = (async () => {
      let k = 0
      while (!stop) {
        const i = k % o.contacted
        const url = `https://shop.example/now/${k++}`
        const got = new Promise<number>((resolve) => waiting.set(url, resolve))
        const t0 = performance.now()
        const r = await view(i, { token: contacted[i], url })
        if (r.status !== 200) continue
        const at = await Promise.race([got, sleep(10_000).then(() => Number.NaN)])
        waiting.delete(url)
        if (Number.isNaN(at)) continue
        events.push(at - t0)
        const ins = (await (
          await fetch(`${base}/api/insider/visitors/${ids[i]}`, {
            headers: { authorization: `Bearer ${login.token}` },
          })
        ).json()) as { insider: InsiderView }
        if (ins.insider.currentPage?.url === url) insider.push(performance.now() - t0)
        await sleep(100)
      }
    })()
    await sleep(o.seconds * 1000)
    stop = true
    await Promise.all([...loops, probe])
    const seconds = (performance.now() - started) / 1000
    const clientUsage = process.cpuUsage(cpu0.client)
    const cpu = {
      server: cpuOf(child.pid ?? 0) - cpu0.server,
      // Per process: a backend that ended meanwhile is left out, one that began counts whole.
      postgres: databaseUrl
        ? postgresPids(new URL(databaseUrl).port).reduce((a, p) => {
            const now = cpuOf(p)
            return now ? a + now - (cpu0.postgres.get(p) ?? 0) : a
          }, 0)
        : null,
      client: (clientUsage.user + clientUsage.system) / 1e6,
    }
    ws.close()
    agent.destroy()
    return {
      db: databaseUrl ? 'postgres' : 'pglite',
      scriptBytes: script.length,
      scriptBrotli: brotliCompressSync(script).length,
      views,
      seconds,
      perSecond: views / seconds,
      reqP50: percentile(req, 50),
      reqP99: percentile(req, 99),
      refused,
      eventP50: percentile(events, 50),
      eventP99: percentile(events, 99),
      insiderP50: percentile(insider, 50),
      insiderP99: percentile(insider, 99),
      samples: insider.length,
      cpu,
    }
  } finally {
    await stopServer(child)
    await rm(dir, { recursive: true, force: true })
  }
}

export function formatTracking(r: TrackingResult): string[] {
  const f = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : '—')
  return [
    `/track.js: ${r.scriptBytes} bytes, ${r.scriptBrotli} bytes brotli (goal ≤ 3072)`,
    `ingest (${r.db}, one process): ${r.views} page views in ${r.seconds.toFixed(1)} s = ${r.perSecond.toFixed(0)}/s (goal ≥ 2,000/s); request p50 ${f(r.reqP50)}, p99 ${f(r.reqP99)}; refused ${r.refused}`,
    `CPU in the ingest window: server ${r.cpu.server.toFixed(1)} s = ${((1000 * r.cpu.server) / r.views).toFixed(2)} ms a view (${(r.views / r.cpu.server).toFixed(0)} views per server CPU-second)${r.cpu.postgres === null ? '' : `, PostgreSQL ${r.cpu.postgres.toFixed(1)} s = ${((1000 * r.cpu.postgres) / r.views).toFixed(2)} ms a view`}, this client ${r.cpu.client.toFixed(1)} s; load ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
    `page view → operator's socket event: p50 ${f(r.eventP50)}, p99 ${f(r.eventP99)}; → Insider read back with the page: p50 ${f(r.insiderP50)}, p99 ${f(r.insiderP99)} (${r.samples} samples, under the ingest load)`,
  ]
}
