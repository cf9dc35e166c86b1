/**
 * Inbound e-mail (issue 8 budget): a real server process (PGlite in its DATA_DIR, Kamailio off) with
 * its SMTP server on a free port, and one operator connected to /api/ws (auth → resume → live).
 * Clients' mails go in over SMTP (nodemailer, one connection per sender in flight) to the demo
 * tenant's address; measured: the mail handed to SMTP (the sendMail call) → the operator's socket
 * receives the frame carrying its text (the chat event the app draws from), p50/p99 — and, apart,
 * the SMTP transaction itself (sendMail → 250, which we answer once the mail is stored).
 *
 * Two phases: one mail at a time (the latency of a quiet inbox), then `parallel` senders at once.
 * Senders rotate over `clients` addresses, so most mails join an open chat and some open one.
 * The clock is one process's: both ends are in this process.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import nodemailer from 'nodemailer'
import WebSocket from 'ws'
import type { LoginResponse } from '../contract/api.ts'
import { launchServer, stopServer } from '../scripts/harness.ts'
import { freePort, percentile } from './lib/common.ts'

export interface EmailBenchOptions {
  mails: number
  parallel: number
  clients: number
}

export const EMAIL_DEFAULTS: EmailBenchOptions = { mails: 300, parallel: 8, clients: 50 }

interface Phase {
  name: string
  mails: number
  screen: number[]
  smtp: number[]
  spanMs: number
}

export interface EmailReport {
  options: EmailBenchOptions
  phases: Phase[]
  load: [number, number]
}

const DEMO = 'support@demo.frontline.local'
const MARK = /mailbench#(\d+)/

async function api<T>(base: string, method: string, url: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(base + url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

/** An operator's live socket; `seen(i)` resolves when a frame carrying mail i's marker arrives. */
function operatorSocket(url: string, token: string) {
  const waiters = new Map<number, (at: number) => void>()
  const early = new Map<number, number>()
  return new Promise<{ seen(i: number): Promise<number>; close(): void }>((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    let live = false
    ws.on('error', reject)
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token })))
    ws.on('message', (data: Buffer) => {
      const at = performance.now()
      const s = data.toString()
      if (!live) {
        const m = JSON.parse(s) as { kind: string; lastSeq?: number }
        if (m.kind === 'ready') ws.send(JSON.stringify({ type: 'resume', since: m.lastSeq }))
        if (m.kind === 'live') {
          live = true
          resolve({
            seen: (i) => {
              const t = early.get(i)
              if (t !== undefined) return Promise.resolve(t)
              return new Promise((r) => waiters.set(i, r))
            },
            close: () => ws.close(),
          })
        }
        return
      }
      for (const m of s.matchAll(new RegExp(MARK, 'g'))) {
        const i = Number(m[1])
        const w = waiters.get(i)
        if (w) {
          waiters.delete(i)
          w(at)
        } else if (!early.has(i)) early.set(i, at)
      }
    })
  })
}

/** Runs the benchmark; prints nothing (formatEmail does). */
export async function measureEmail(opts: Partial<EmailBenchOptions> = {}): Promise<EmailReport> {
  const o = { ...EMAIL_DEFAULTS, ...opts }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'frontline-bench-email-'))
  const port = await freePort()
  const smtpPort = await freePort()
  const password = 'bench-email-password'
  const load0 = loadavg()[0]!
  const { child } = await launchServer({
    port,
    dataDir,
    pbx: false,
    sipWsPort: await freePort(),
    password,
    env: { SMTP_PORT: String(smtpPort) },
    timeoutMs: 90_000,
  })
  const base = `http://127.0.0.1:${port}`
  try {
    const login = await api<LoginResponse>(base, 'POST', '/api/auth/login', { login: 'op1@demo', password })
    await api(base, 'PUT', '/api/me/status', { status: 'available' }, login.token)
    const socket = await operatorSocket(`ws://127.0.0.1:${port}/api/ws`, login.token)
    const senders = Array.from({ length: o.parallel }, () =>
      nodemailer.createTransport({
        host: '127.0.0.1',
        port: smtpPort,
        ignoreTLS: true,
        pool: true,
        maxConnections: 1,
      }),
    )
    let n = 0
    const one = async (sender: (typeof senders)[number]) => {
      const i = ++n
      const t0 = performance.now()
      const seen = socket.seen(i)
      await sender.sendMail({
        from: `client${i % o.clients}@bench.example`,
        to: DEMO,
        subject: `Bench ${i % o.clients}`,
        text: `mailbench#${i} — where is my order?`,
        messageId: `<${randomUUID()}@bench.example>`,
      })
      const smtp = performance.now() - t0
      return { screen: (await seen) - t0, smtp }
    }
    const phase = async (name: string, mails: number, parallel: number): Promise<Phase> => {
      const screen: number[] = []
      const smtp: number[] = []
      const t0 = performance.now()
      let left = mails
      await Promise.all(
        senders.slice(0, parallel).map(async (s) => {
          while (left-- > 0) {
            const r = await one(s)
            screen.push(r.screen)
            smtp.push(r.smtp)
          }
        }),
      )
      return { name, mails, screen, smtp, spanMs: performance.now() - t0 }
    }
    // A few mails first: the first chats, the first queries' plans, the JIT.
    await phase('warm-up', 20, 1)
    const phases = [
      await phase('one at a time', o.mails, 1),
      await phase(`${o.parallel} senders at once`, o.mails, o.parallel),
    ]
    for (const s of senders) s.close()
    socket.close()
    return { options: o, phases, load: [load0, loadavg()[0]!] }
  } finally {
    await stopServer(child)
    await rm(dataDir, { recursive: true, force: true })
  }
}

/** Lines for the report. */
export function formatEmail(r: EmailReport, table: (h: string[], rows: string[][]) => string[]): string[] {
  const ms = (x: number) => `${x.toFixed(0)} ms`
  return [
    `${r.options.mails} mails per phase from ${r.options.clients} client addresses; machine load ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)}`,
    ...table(
      ['phase', 'SMTP → screen p50', 'p99', 'max', 'SMTP 250 p50', 'p99', 'mails/s'],
      r.phases.map((p) => [
        p.name,
        ms(percentile(p.screen, 50)),
        ms(percentile(p.screen, 99)),
        ms(Math.max(...p.screen)),
        ms(percentile(p.smtp, 50)),
        ms(percentile(p.smtp, 99)),
        (p.mails / (p.spanMs / 1000)).toFixed(0),
      ]),
    ),
  ]
}
