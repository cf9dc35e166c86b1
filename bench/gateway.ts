/**
 * Gateway webhook ingest (issue 8 budget): one real server process (PGlite in its DATA_DIR — or
 * PostgreSQL with GATEWAY_DB=postgres under scripts/with-postgres.mjs —, Kamailio off), a connected
 * WhatsApp channel and an SMS channel on the Frontline gateway protocol, and one operator socket on
 * /api/ws (auth → resume → live). Measured:
 *
 * - accepted webhooks/s: signed WhatsApp notifications (one text message each, from 200 clients, so chats are
 *   both opened and reused) posted by C concurrent senders back to back, with 10% repeats of an
 *   already-sent message id (dedupe on: a repeat must be stored once — checked after the run);
 * - the same over the gateway protocol (each call also writes its signature to the replay window);
 * - stored msgs/s: the messages the ingest worker stored (seen on the operator socket) per second, from
 *   the phase's start to the last one seen — a webhook's 200 says its messages are queued
 *   (server/channels/gateway/ingest.ts), so accepted and stored rates are told apart;
 * - webhook → the operator socket's `chat.message`, p50/p99: the send time is in the message text
 *   (`gw#<n>@<ms>`), compared on arrival in the same process — under the burst, and paced (10/s, below what one process ingests here, so it shows the path, not a queue).
 */
import type { ChildProcess } from 'node:child_process'
import { createHmac, randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { and, eq, sql } from 'drizzle-orm'
import WebSocket from 'ws'
import { launchServer, stopServer } from '../scripts/harness.ts'
import { openDatabase, schema } from '../server/db/index.ts'
import { seedDemo } from '../server/domain/tenants/index.ts'
import { connectTestChannel, type TestChannel } from '../server/test/channels.ts'
import { startPushService } from '../server/test/push-service.ts'

/** Meta's app secret of the bench's WhatsApp channel (config.appSecret signs its webhooks). */
const WA_APP_SECRET = 'bench-app-secret'

import { freePort, percentile, sleep } from './lib/common.ts'
import { cpuOf, postgresPids } from './lib/cpu.ts'

export interface GatewayOptions {
  webhooks: number
  concurrency: number
  clients: number
  duplicateShare: number
  pacedPerSecond: number
  pacedSeconds: number
}
export const GATEWAY_DEFAULTS: GatewayOptions = {
  webhooks: 3000,
  concurrency: 32,
  clients: 200,
  duplicateShare: 0.1,
  pacedPerSecond: 10,
  pacedSeconds: 10,
}

interface Phase {
  name: string
  sent: number
  failed: number
  perSecond: number
  /** Messages on the operator's socket per second, from the phase's start to the last one seen. */
  storedPerSecond: number
  p50: number
  p99: number
  received: number
  /** CPU the server process spent per webhook sent, ms (until the last event reached the socket). */
  serverCpuMs: number
  /** PostgreSQL's processes' CPU per webhook, ms (null on PGlite, which runs in the server). */
  pgCpuMs: number | null
  /** This process's CPU per webhook, ms: the load generator shares the machine's cores with the server. */
  loadCpuMs: number
}
export interface GatewayReport {
  db: string
  /** The machine's load averages at the end (the figures are shared with whatever else ran). */
  load: number[]
  phases: Phase[]
  storedOnce: boolean
  /** Pushes the push service received for op1's subscribed phone (the push jobs ran in full). */
  pushes: number
}

const now = () => performance.timeOrigin + performance.now()
const MARK = /gw#(\d+)@(\d+\.\d+)/
const hmac = (k: string, b: string) => createHmac('sha256', k).update(b).digest('hex')

/** One operator socket counting benchmark messages and their latency. */
function operatorSocket(url: string, token: string) {
  const seen = new Map<number, number>()
  /** When the last benchmark message arrived (performance.now()). */
  const last = { at: 0 }
  const ws = new WebSocket(url, { perMessageDeflate: false })
  const live = new Promise<void>((resolve, reject) => {
    ws.on('error', reject)
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token })))
    ws.on('message', (data: Buffer) => {
      const s = data.toString()
      if (s.includes('"chat.message"')) {
        for (const m of s.matchAll(new RegExp(MARK.source, 'g'))) {
          const n = Number(m[1])
          if (!seen.has(n)) seen.set(n, now() - Number(m[2]))
          last.at = performance.now()
        }
        return
      }
      const msg = JSON.parse(s) as { kind?: string; lastSeq?: number }
      if (msg.kind === 'ready') ws.send(JSON.stringify({ type: 'resume', since: msg.lastSeq }))
      else if (msg.kind === 'live') resolve()
    })
  })
  return { live, seen, last, close: () => ws.close() }
}

/** Runs `count` sends with `concurrency` in flight; returns the wall time and failures. */
async function burst(count: number, concurrency: number, send: (i: number) => Promise<boolean>) {
  let next = 0
  let failed = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) if (!(await send(i))) failed++
    }),
  )
  return { ms: performance.now() - t0, failed }
}

export async function measureGateway(opts: Partial<GatewayOptions> = {}): Promise<GatewayReport> {
  const o = { ...GATEWAY_DEFAULTS, ...opts }
  const databaseUrl = process.env.GATEWAY_DB === 'postgres' ? (process.env.TEST_DATABASE_URL ?? null) : null
  if (process.env.GATEWAY_DB === 'postgres' && !databaseUrl)
    throw new Error('GATEWAY_DB=postgres needs TEST_DATABASE_URL (run under scripts/with-postgres.mjs)')
  const dir = await mkdtemp(path.join(tmpdir(), 'frontline-bench-gateway-'))
  const password = 'bench-gateway-pass'
  let server: ChildProcess | null = null
  let wa: TestChannel
  let sms: TestChannel
  const db0 = await openDatabase({ databaseUrl, dataDir: dir })
  try {
    await seedDemo(db0, { password, dataDir: dir })
    const [tenant] = await db0.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    wa = await connectTestChannel(db0.orm, tenant!.id, 'whatsapp', {
      phoneNumberId: '1',
      appSecret: WA_APP_SECRET,
    })
    sms = await connectTestChannel(db0.orm, tenant!.id, 'sms', { url: 'http://127.0.0.1:9/unused' })
  } finally {
    await db0.close()
  }
  const phases: Phase[] = []
  let storedOnce = false
  // op1 has the app installed on a phone: a push subscription at a local push service (RFC 8030), so
  // every new chat's push job runs in full (fan-out, encryption, delivery) inside the figures.
  const pushService = await startPushService()
  let pushes = 0
  try {
    const port = await freePort()
    server = (
      await launchServer({
        port,
        dataDir: dir,
        pbx: false,
        sipWsPort: await freePort(),
        password,
        env: {
          ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
          PUSH_ALLOW_PRIVATE: '1',
          PUSH_CA_FILE: pushService.caFile,
        },
      })
    ).child
    const base = `http://127.0.0.1:${port}`
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'op1@demo', password }),
    })
    const { token } = (await login.json()) as { token: string }
    const device = pushService.subscribe()
    const subscribed = await fetch(`${base}/api/push/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ endpoint: device.endpoint, keys: device.keys }),
    })
    if (!subscribed.ok) throw new Error(`push subscription: ${subscribed.status} ${await subscribed.text()}`)
    // Available, so the new chats are offered to him (and pushed to his phone).
    const status = await fetch(`${base}/api/me/status`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ status: 'available' }),
    })
    if (!status.ok) throw new Error(`status: ${status.status} ${await status.text()}`)
    const sock = operatorSocket(`ws://127.0.0.1:${port}/api/ws`, token)
    await sock.live
    let n = 0
    /** Messages that must reach the socket (repeats of a provider id must not). */
    let fresh = 0
    const sentIds: string[] = []
    const whatsapp = async (i: number, repeat: boolean) => {
      const k = repeat && sentIds.length ? Math.floor(Math.random() * sentIds.length) : -1
      const id = k >= 0 ? (sentIds[k] as string) : `wamid.${randomUUID()}`
      const mark = n++
      const from = `7900${String(i % o.clients).padStart(7, '0')}`
      const raw = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '1',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { phone_number_id: '1' },
                  contacts: [{ profile: { name: `Client ${i % o.clients}` }, wa_id: from }],
                  messages: [
                    {
                      from,
                      id,
                      timestamp: '1',
                      type: 'text',
                      text: { body: `gw#${mark}@${now().toFixed(3)}` },
                    },
                  ],
                },
              },
            ],
          },
        ],
      })
      const res = await fetch(`${base}/api/hooks/whatsapp/${wa.webhookKey}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': `sha256=${hmac(WA_APP_SECRET, raw)}`,
        },
        body: raw,
      })
      await res.arrayBuffer()
      if (k < 0) {
        sentIds.push(id)
        fresh++
      }
      return res.ok
    }
    const pgPids = () => (databaseUrl ? postgresPids(new URL(databaseUrl).port) : [])
    const phase = async (name: string, run: () => Promise<{ ms: number; failed: number; sent: number }>) => {
      sock.seen.clear()
      const from = fresh
      const cpu0 = {
        server: cpuOf(server?.pid ?? 0),
        pg: new Map(pgPids().map((p) => [p, cpuOf(p)])),
        load: process.cpuUsage(),
      }
      const t0 = performance.now()
      const r = await run()
      const expected = fresh - from
      // Give the last events a moment to arrive (the socket is in this process).
      for (let i = 0; i < 100 && sock.seen.size < expected; i++) await sleep(100)
      const lat = [...sock.seen.values()]
      const serverCpu = cpuOf(server?.pid ?? 0) - cpu0.server
      const load = process.cpuUsage(cpu0.load)
      // Per backend: one that ended meanwhile is left out, one that began counts whole.
      const pgCpu = pgPids().reduce((a, p) => {
        const now = cpuOf(p)
        return now ? a + now - (cpu0.pg.get(p) ?? 0) : a
      }, 0)
      phases.push({
        serverCpuMs: (serverCpu * 1000) / Math.max(1, r.sent),
        pgCpuMs: databaseUrl ? (pgCpu * 1000) / Math.max(1, r.sent) : null,
        loadCpuMs: (load.user + load.system) / 1000 / Math.max(1, r.sent),
        name,
        sent: r.sent,
        failed: r.failed,
        perSecond: (r.sent / r.ms) * 1000,
        storedPerSecond: (lat.length / Math.max(1, sock.last.at - t0)) * 1000,
        p50: percentile(lat, 50),
        p99: percentile(lat, 99),
        received: lat.length,
      })
    }
    // Warm-up (JIT, caches, the first chats).
    await burst(200, 8, (i) => whatsapp(i, false))
    await phase('WhatsApp burst', async () => {
      const r = await burst(o.webhooks, o.concurrency, (i) => whatsapp(i, Math.random() < o.duplicateShare))
      return { ...r, sent: o.webhooks }
    })
    await phase(`WhatsApp paced ${o.pacedPerSecond}/s`, async () => {
      const total = o.pacedPerSecond * o.pacedSeconds
      const t0 = performance.now()
      let failed = 0
      await Promise.all(
        Array.from({ length: total }, async (_, i) => {
          await sleep(Math.max(0, (i * 1000) / o.pacedPerSecond - (performance.now() - t0)))
          if (!(await whatsapp(i, false))) failed++
        }),
      )
      return { ms: performance.now() - t0, failed, sent: total }
    })
    await phase('gateway protocol (SMS) burst', async () => {
      const count = Math.round(o.webhooks / 2)
      const r = await burst(count, o.concurrency, async (i) => {
        const mark = n++
        fresh++
        const raw = JSON.stringify({
          type: 'message',
          id: randomUUID(),
          from: { address: `+7901${String(i % o.clients).padStart(7, '0')}` },
          text: `gw#${mark}@${now().toFixed(3)}`,
        })
        const ts = String(Math.floor(Date.now() / 1000))
        const res = await fetch(`${base}/api/hooks/gateway/${sms.webhookKey}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-frontline-timestamp': ts,
            'x-frontline-signature': `sha256=${hmac(sms.secret, `${ts}.${raw}`)}`,
          },
          body: raw,
        })
        await res.arrayBuffer()
        return res.ok
      })
      return { ...r, sent: count }
    })
    sock.close()
    await stopServer(server)
    server = null
    // Dedupe held: every WhatsApp id sent is one message.
    const db = await openDatabase({ databaseUrl, dataDir: dir })
    try {
      const [row] = await db.orm
        .select({ n: sql<number>`count(*)::int`, distinct: sql<number>`count(DISTINCT external_id)::int` })
        .from(schema.messages)
        .innerJoin(schema.chats, and(eq(schema.chats.id, schema.messages.chatId)))
        .where(eq(schema.chats.channelId, wa.id))
      storedOnce = row?.n === sentIds.length && row?.distinct === sentIds.length
    } finally {
      await db.close()
    }
  } finally {
    if (server) await stopServer(server)
    pushes = pushService.requests.length
    await pushService.close()
    if (!databaseUrl) await rm(dir, { recursive: true, force: true })
  }
  return { db: databaseUrl ? 'PostgreSQL' : 'PGlite', phases, storedOnce, pushes, load: loadavg() }
}

export function formatGateway(
  r: GatewayReport,
  table: (h: string[], rows: string[][]) => string[],
): string[] {
  return [
    `database: ${r.db}; every repeated provider id stored once: ${r.storedOnce ? 'yes' : 'NO'}; pushes to op1's subscribed phone: ${r.pushes}; load ${r.load.map((x) => x.toFixed(1)).join(' ')}`,
    ...table(
      [
        'phase',
        'webhooks',
        'failed',
        'accepted webhooks/s',
        'stored msgs/s',
        'events seen',
        'p50 → socket',
        'p99 → socket',
        'server CPU/webhook',
        'PostgreSQL CPU/webhook',
        'load generator CPU/webhook',
      ],
      r.phases.map((p) => [
        p.name,
        String(p.sent),
        String(p.failed),
        p.perSecond.toFixed(0),
        p.storedPerSecond.toFixed(0),
        String(p.received),
        `${p.p50.toFixed(1)} ms`,
        `${p.p99.toFixed(1)} ms`,
        `${p.serverCpuMs.toFixed(2)} ms`,
        p.pgCpuMs === null ? '—' : `${p.pgCpuMs.toFixed(2)} ms`,
        `${p.loadCpuMs.toFixed(2)} ms`,
      ]),
    ),
  ]
}
