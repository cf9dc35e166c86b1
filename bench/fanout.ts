/**
 * Chat fan-out (issue 7 budget): one real server process (PGlite in its DATA_DIR — or PostgreSQL with
 * FANOUT_DB=postgres under scripts/with-postgres.mjs —, Kamailio off), N
 * operators connected to /api/ws (auth → resume → live) and V website visitors writing through the
 * visitor API (POST /api/visitor/session, POST /api/visitor/messages). Measured: visitor send →
 * operator socket receives the `chat.message` event, p50/p99, and deliveries per second — first at
 * paced offered rates (each visitor on his own schedule), then a burst (every visitor sends back to back). In the same run, the ceiling:
 * a bare `ws` server process (bench/lib/bare-broadcast.ts) broadcasting the same frame to the same
 * N sockets under the same load, and our ratio to it.
 *
 * Audience: every operator is in the demo tenant's Sales or Support group, which is website chat's
 * distribution, and the visitors' chats stay New (nobody accepts), so every operator may see every
 * message (realtime/audience.ts) — the largest fan-out a chat can have.
 *
 * Sessions: N employees are written into the data dir before the server starts (one shared password
 * hash, no scrypt per operator) with one session each, tokens made the way login makes them
 * (auth/tokens.ts) — so 500 sockets cost no logins. The visitors' requests carry X-Forwarded-For
 * addresses of their own with TRUSTED_PROXY=127.0.0.1 (as behind the nginx of a deployment), since
 * from one address the per-address limit (600 a minute) would refuse them; the per-visitor limit
 * (60 a minute) stays and bounds the paced rates (default 0.2 and 0.8 msg/s per visitor).
 *
 * Clocks: the send time is written into the message's text (`bench#<id>@<ms>`) and compared with the
 * receive time in a worker thread of the same process (performance.timeOrigin + now()). The sockets
 * are spread over worker threads so the receivers' event loop is not the bottleneck; each worker's
 * event-loop utilization is printed to show how busy the receiving side was.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { and, eq } from 'drizzle-orm'
import { launchServer, stopServer } from '../scripts/harness.ts'
import { openDatabase, schema } from '../server/db/index.ts'
import { hashToken, newToken } from '../server/domain/auth/index.ts'
import { seedDemo } from '../server/domain/tenants/index.ts'
import { TEXT_SLOT } from './lib/bare-broadcast.ts'
import { freePort, percentile, sleep } from './lib/common.ts'

export interface FanoutOptions {
  operators: number
  visitors: number
  /** Paced phases: messages a second each visitor sends (one phase per rate), and for how long. */
  rates: number[]
  seconds: number
  /** Burst phase: messages each visitor sends back to back (the next when the previous is answered). */
  burstPerVisitor: number
  workers: number
}

export const FANOUT_DEFAULTS: FanoutOptions = {
  operators: 500,
  visitors: 50,
  rates: [0.2, 0.8],
  seconds: 15,
  burstPerVisitor: 20,
  workers: 2,
}

export interface PhaseFigures {
  sent: number
  refused: number
  expected: number
  received: number
  p50: number
  p99: number
  max: number
  /** Deliveries over the time from the first send to the last delivery. */
  perSecond: number
  spanMs: number
  /** Event-loop utilization of each receiving worker during the phase. */
  elu: number[]
  /** CPU the server process used during the phase, in % of one core. */
  serverCpu: number | null
  /** The visitor's POST: sent → answered, p50/p99 (the write path, before any fan-out). */
  answerP50: number
  answerP99: number
  /** Frames each socket got per message sent (chat.message and what else the write announced). */
  framesPerMessage: number
}

export interface FanoutReport {
  options: FanoutOptions
  connectMs: { frontline: number; bare: number }
  frontline: { paced: PhaseFigures[]; burst: PhaseFigures }
  bare: { paced: PhaseFigures[]; burst: PhaseFigures }
  frameBytes: number
  database: 'PGlite' | 'PostgreSQL'
  /** The machine's 1-minute load average at the start and the end (other work shares the cores). */
  load: [number, number]
}

const now = () => performance.timeOrigin + performance.now()
/** FANOUT_TRACE=1 prints each step to stderr. */
const trace = (step: string) => {
  if (process.env.FANOUT_TRACE) process.stderr.write(`fanout: ${step}\n`)
}

/** Demo tenant + `operators` operators in the chat distribution, each with a session; returns the tokens. */
async function prepareDataDir(
  dir: string,
  databaseUrl: string | null,
  password: string,
  operators: number,
): Promise<string[]> {
  const db = await openDatabase({ databaseUrl, dataDir: dir })
  try {
    await seedDemo(db, { password, dataDir: dir })
    const { tenants, employees, groups, groupMembers, sessions } = schema
    const [tenant] = await db.orm.select().from(tenants).where(eq(tenants.slug, 'demo'))
    if (!tenant) throw new Error('demo tenant missing after seed')
    const tenantId = tenant.id
    await db.orm
      .update(tenants)
      .set({ seats: operators + 10 })
      .where(eq(tenants.id, tenantId))
    const gs = await db.orm.select({ id: groups.id }).from(groups).where(eq(groups.tenantId, tenantId))
    const demoOps = await db.orm
      .select({ id: employees.id, hash: employees.passwordHash })
      .from(employees)
      .where(and(eq(employees.tenantId, tenantId), eq(employees.role, 'operator')))
    const hash = demoOps[0]?.hash
    if (!hash || gs.length === 0) throw new Error('demo operators or groups missing')
    const extra = Math.max(0, operators - demoOps.length)
    const added =
      extra === 0
        ? []
        : await db.orm
            .insert(employees)
            .values(
              Array.from({ length: extra }, (_, i) => ({
                tenantId,
                login: `bench-op${i + 1}@demo`,
                passwordHash: hash,
                name: `Bench operator ${i + 1}`,
                role: 'operator' as const,
                extension: String(1000 + i),
                status: 'available',
              })),
            )
            .returning({ id: employees.id })
    if (added.length) {
      await db.orm.insert(groupMembers).values(
        added.map((e, i) => ({
          tenantId,
          groupId: gs[i % gs.length]!.id,
          employeeId: e.id,
          position: 100 + i,
        })),
      )
    }
    await db.orm
      .update(employees)
      .set({ status: 'available' })
      .where(and(eq(employees.tenantId, tenantId), eq(employees.role, 'operator')))
    const ids = [...demoOps.map((e) => e.id), ...added.map((e) => e.id)].slice(0, operators)
    const tokens = ids.map(() => newToken())
    await db.orm.insert(sessions).values(
      ids.map((employeeId, i) => ({
        tenantId,
        employeeId,
        tokenHash: hashToken(tokens[i]!),
        userAgent: 'bench/fanout',
        expiresAt: new Date(Date.now() + 86_400_000),
      })),
    )
    return tokens
  } finally {
    await db.close()
  }
}

/** A worker thread answering one reply per command (a worker's crash fails the command waiting). */
class Clients {
  private readonly w: Worker
  private waiting: { resolve: (m: unknown) => void; reject: (e: Error) => void } | null = null
  private failed: Error | null = null
  constructor() {
    // tsx's loader does not reach worker threads on Node 20: the worker registers it, then imports.
    const file = new URL('./lib/fanout-clients.ts', import.meta.url).href
    this.w = new Worker(
      `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(file)}) })`,
      { eval: true },
    )
    this.w.on('message', (m: { error?: string }) => {
      const w = this.waiting
      this.waiting = null
      if (m.error) w?.reject(new Error(m.error))
      else w?.resolve(m)
    })
    const fail = (e: Error) => {
      this.failed = e
      this.waiting?.reject(e)
      this.waiting = null
    }
    this.w.on('error', fail)
    this.w.on('exit', (code) => fail(new Error(`receiving worker exited (${code})`)))
  }
  ask<T>(msg: unknown): Promise<T> {
    if (this.failed) return Promise.reject(this.failed)
    return new Promise<T>((resolve, reject) => {
      this.waiting = { resolve: resolve as (m: unknown) => void, reject }
      this.w.postMessage(msg)
    })
  }
  terminate() {
    this.w.removeAllListeners('exit')
    return this.w.terminate()
  }
}

/** utime + stime of a process, ms. */
async function cpuMs(pid: number | undefined): Promise<number | null> {
  if (!pid) return null
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100
  } catch {
    return null
  }
}

interface Target {
  /** Sends visitor `v`'s message with this text; resolves to the HTTP status. */
  send(v: number, text: string): Promise<number>
  pid: number | undefined
}

let nextId = 0
const marker = () => `bench#${++nextId}@${now().toFixed(3)}`

/** Runs one phase and waits until every accepted message reached every socket (or 20 s pass quietly). */
async function phase(
  target: Target,
  clients: Clients[],
  operators: number,
  o: FanoutOptions,
  kind: 'paced' | 'burst',
  rate = 0,
): Promise<PhaseFigures> {
  let sent = 0
  let refused = 0
  const cpu0 = await cpuMs(target.pid)
  const t0 = now()
  const answers: number[] = []
  const one = async (v: number) => {
    const t = now()
    const status = await target.send(v, marker()).catch((e) => {
      trace(`send failed: ${(e as Error).message}`)
      return 0
    })
    if (status !== 200) trace(`send → ${status}`)
    answers.push(now() - t)
    if (status === 200) sent++
    else refused++
  }
  if (kind === 'paced') {
    const interval = 1000 / rate
    const count = Math.round(o.seconds * rate)
    const pending: Promise<void>[] = []
    await Promise.all(
      Array.from({ length: o.visitors }, async (_, v) => {
        // Visitors are spread evenly over the interval; each keeps its own schedule (open loop).
        for (let k = 0; k < count; k++) {
          const due = t0 + (v / o.visitors) * interval + k * interval
          await sleep(Math.max(0, due - now()))
          pending.push(one(v))
        }
      }),
    )
    await Promise.all(pending)
  } else {
    await Promise.all(
      Array.from({ length: o.visitors }, async (_, v) => {
        for (let k = 0; k < o.burstPerVisitor; k++) await one(v)
      }),
    )
  }
  const expected = sent * operators
  trace(`${kind}: ${sent} sent, ${refused} refused; waiting for ${expected} deliveries`)
  let received = 0
  let lastChange = now()
  let doneAt = now()
  while (received < expected && now() - lastChange < 20_000) {
    await sleep(50)
    const counts = await Promise.all(clients.map((c) => c.ask<{ count: number }>({ cmd: 'count' })))
    const n = counts.reduce((s, c) => s + c.count, 0)
    if (n !== received) {
      received = n
      lastChange = now()
      doneAt = lastChange
    }
  }
  const cpu1 = await cpuMs(target.pid)
  const parts = await Promise.all(
    clients.map((c) =>
      c.ask<{ latencies: number[]; count: number; elu: number; frames: number }>({ cmd: 'collect' }),
    ),
  )
  const lat = parts.flatMap((p) => p.latencies)
  const spanMs = doneAt - t0
  return {
    sent,
    refused,
    expected,
    received: lat.length,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: lat.reduce((m, x) => Math.max(m, x), 0),
    perSecond: (lat.length * 1000) / spanMs,
    spanMs,
    elu: parts.map((p) => p.elu),
    answerP50: percentile(answers, 50),
    answerP99: percentile(answers, 99),
    framesPerMessage: parts.reduce((n, p) => n + p.frames, 0) / Math.max(1, sent * operators),
    serverCpu: cpu0 !== null && cpu1 !== null ? ((cpu1 - cpu0) / spanMs) * 100 : null,
  }
}

/** Spreads tokens over the workers and connects them; returns the time it took. */
async function connectAll(clients: Clients[], url: string, mode: 'frontline' | 'bare', tokens: string[]) {
  const t0 = performance.now()
  const share = Math.ceil(tokens.length / clients.length)
  const r = await Promise.all(
    clients.map((c, i) =>
      c.ask<{ connected: number }>({
        cmd: 'connect',
        url,
        mode,
        tokens: tokens.slice(i * share, (i + 1) * share),
        batch: 25,
      }),
    ),
  )
  const connected = r.reduce((s, x) => s + x.connected, 0)
  if (connected !== tokens.length) throw new Error(`${connected} of ${tokens.length} sockets connected`)
  return performance.now() - t0
}

const xff = (v: number) => `10.77.${v >> 8}.${v & 255}`

/** Starts the bare broadcast server; resolves with its port once it listens. */
function startBare(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'lib/bare-broadcast.ts')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  return new Promise((resolve, reject) => {
    child.once('exit', (c) => reject(new Error(`bare broadcast server exited (${c})`)))
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      const m = /port (\d+)/.exec(d)
      if (m) resolve({ child, port: Number(m[1]) })
    })
  })
}

/** The whole run: Frontline first (its frame is the ceiling's template), then the bare ceiling. */
export async function measureFanout(opts: Partial<FanoutOptions> = {}): Promise<FanoutReport> {
  const o = { ...FANOUT_DEFAULTS, ...opts }
  const load0 = loadavg()[0] ?? 0
  // FANOUT_DB=postgres under scripts/with-postgres.mjs: the server on that (empty) PostgreSQL instead.
  const databaseUrl = process.env.FANOUT_DB === 'postgres' ? (process.env.TEST_DATABASE_URL ?? null) : null
  if (process.env.FANOUT_DB === 'postgres' && !databaseUrl)
    throw new Error('FANOUT_DB=postgres needs TEST_DATABASE_URL (run under scripts/with-postgres.mjs)')
  const dir = await mkdtemp(path.join(tmpdir(), 'frontline-bench-fanout-'))
  const password = 'bench-fanout-pass'
  const clients = Array.from({ length: o.workers }, () => new Clients())
  let server: ChildProcess | null = null
  let bare: ChildProcess | null = null
  try {
    const tokens = await prepareDataDir(dir, databaseUrl, password, o.operators)
    trace('data dir ready')
    const port = await freePort()
    const launched = await launchServer({
      port,
      dataDir: dir,
      pbx: false,
      sipWsPort: await freePort(),
      password,
      env: {
        TRUSTED_PROXY: '127.0.0.1',
        SEED_DEMO: '1',
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      },
    })
    server = launched.child
    trace('server up')
    const base = `http://127.0.0.1:${port}`
    const frontlineConnect = await connectAll(clients, `ws://127.0.0.1:${port}/api/ws`, 'frontline', tokens)

    trace('operator sockets live')
    const visitorTokens: string[] = []
    for (let v = 0; v < o.visitors; v++) {
      const res = await fetch(`${base}/api/visitor/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': xff(v) },
        body: JSON.stringify({
          tenant: 'demo',
          page: { url: `https://shop.example/p/${v}?utm_source=bench` },
        }),
      })
      if (!res.ok) throw new Error(`visitor session: HTTP ${res.status} ${await res.text()}`)
      trace(`visitor ${v} session`)
      visitorTokens.push(((await res.json()) as { token: string }).token)
    }
    const frontline: Target = {
      pid: server.pid,
      send: (v, text) =>
        fetch(`${base}/api/visitor/messages`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${visitorTokens[v]}`,
            'x-forwarded-for': xff(v),
          },
          body: JSON.stringify({ clientMsgId: randomUUID(), text }),
        }).then(async (r) => {
          await r.arrayBuffer()
          return r.status
        }),
    }
    // Warm-up: each visitor's first message opens his chat (New); the frame is the ceiling's template.
    const warm = { ...o, burstPerVisitor: 1 }
    await phase(frontline, clients, o.operators, warm, 'burst')
    const samples = await Promise.all(clients.map((c) => c.ask<{ sample: string | null }>({ cmd: 'sample' })))
    const sample = samples.find((s) => s.sample)?.sample
    if (!sample) throw new Error('no chat.message frame reached an operator')
    const template = sample.replace(/bench#\d+@\d+\.\d+/, TEXT_SLOT)
    trace('warm-up done')
    const fPaced: PhaseFigures[] = []
    for (const rate of o.rates) fPaced.push(await phase(frontline, clients, o.operators, o, 'paced', rate))
    trace('paced done')
    const fBurst = await phase(frontline, clients, o.operators, o, 'burst')
    await Promise.all(clients.map((c) => c.ask({ cmd: 'close' })))
    await stopServer(server)
    server = null

    trace('Frontline done')
    const b = await startBare()
    bare = b.child
    const bareBase = `http://127.0.0.1:${b.port}`
    await fetch(`${bareBase}/template`, { method: 'POST', body: template })
    const bareConnect = await connectAll(clients, `ws://127.0.0.1:${b.port}/`, 'bare', tokens)
    const ceiling: Target = {
      pid: bare.pid,
      send: (v, text) =>
        fetch(`${bareBase}/send`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorTokens[v]}` },
          body: JSON.stringify({ clientMsgId: randomUUID(), text }),
        }).then(async (r) => {
          await r.arrayBuffer()
          return r.status
        }),
    }
    await phase(ceiling, clients, o.operators, warm, 'burst')
    const bPaced: PhaseFigures[] = []
    for (const rate of o.rates) bPaced.push(await phase(ceiling, clients, o.operators, o, 'paced', rate))
    const bBurst = await phase(ceiling, clients, o.operators, o, 'burst')
    await Promise.all(clients.map((c) => c.ask({ cmd: 'close' })))
    return {
      options: o,
      connectMs: { frontline: frontlineConnect, bare: bareConnect },
      frontline: { paced: fPaced, burst: fBurst },
      bare: { paced: bPaced, burst: bBurst },
      frameBytes: Buffer.byteLength(sample),
      database: databaseUrl ? 'PostgreSQL' : 'PGlite',
      load: [load0, loadavg()[0] ?? 0],
    }
  } finally {
    await Promise.all(clients.map((c) => c.terminate()))
    if (server) await stopServer(server)
    if (bare) await stopServer(bare)
    await rm(dir, { recursive: true, force: true })
  }
}

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '—')
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—')

function row(name: string, p: PhaseFigures): string[] {
  return [
    name,
    `${p.sent}${p.refused ? ` (+${p.refused} refused)` : ''}`,
    `${p.received}/${p.expected}`,
    `${f1(p.p50)} ms`,
    `${f1(p.p99)} ms`,
    `${f0(p.max)} ms`,
    f0(p.perSecond),
    p.serverCpu === null ? '—' : `${f0(p.serverCpu)}%`,
    p.elu.map((e) => e.toFixed(2)).join('/'),
    p.framesPerMessage.toFixed(1),
    `${f0(p.answerP50)}/${f0(p.answerP99)} ms`,
  ]
}

/** Lines for the bench output. */
export function formatFanout(r: FanoutReport, table: (h: string[], rows: string[][]) => string[]): string[] {
  const o = r.options
  const ratio = r.frontline.burst.perSecond / r.bare.burst.perSecond
  const offered = (rate: number) => `${f0(o.visitors * rate)} msg/s`
  const rows: string[][] = []
  o.rates.forEach((rate, i) => {
    rows.push(row(`Frontline paced ${offered(rate)}`, r.frontline.paced[i]!))
    rows.push(row(`bare ws paced ${offered(rate)}`, r.bare.paced[i]!))
  })
  rows.push(row('Frontline burst', r.frontline.burst), row('bare ws burst', r.bare.burst))
  return [
    `${o.operators} operator sockets (${o.workers} receiving worker threads), ${o.visitors} visitors; Frontline on ${r.database}, Kamailio off; chats New in the demo distribution (every operator in it)`,
    `paced: ${o.rates.map((x) => `${offered(x)} offered (${x}/s per visitor) = ${f0(o.visitors * x * o.operators)} deliveries/s`).join('; ')}, ${o.seconds} s each; burst: ${o.burstPerVisitor} back-to-back messages per visitor; chat.message frame ${r.frameBytes} bytes`,
    `machine: ${cpus().length} cores, load average ${r.load[0].toFixed(1)} at the start, ${r.load[1].toFixed(1)} at the end`,
    `sockets live in: Frontline ${f0(r.connectMs.frontline)} ms, bare ${f0(r.connectMs.bare)} ms`,
    ...table(
      [
        'run',
        'sent',
        'delivered',
        'p50',
        'p99',
        'max',
        'deliveries/s',
        'server CPU',
        'worker ELU',
        'frames/msg',
      ],
      rows,
    ),
    ...o.rates.map((rate, i) => {
      const p99 = r.frontline.paced[i]!.p99
      return `p99 at ${offered(rate)}: ${f1(p99)} ms — goal ≤ 100 ms: ${p99 <= 100 ? 'within' : 'OVER'}`
    }),
    `burst deliveries/s, Frontline ÷ bare ws: ${ratio.toFixed(2)} — goal ≥ 0.5: ${ratio >= 0.5 ? 'within' : 'UNDER'}`,
  ]
}
