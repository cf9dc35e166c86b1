/**
 * Call setup through a real Frontline server with its Kamailio, against the same call through a second
 * Kamailio whose INVITEs skip the server (plain location lookup). The app's own phone (src/lib/phone,
 * SIP.js + WebRTC) runs in headless Chromium contexts with fake media; times are taken inside the pages
 * (performance.timeOrigin + performance.now(), comparable across pages of one machine).
 *
 * - dial → operator ringing: caller's dial() to the callee's phone showing the incoming call.
 * - accept → two-way audio: callee's accept() to inbound RTP bytes > 0 on both sides (getStats, polled
 *   every 5 ms), then checked to keep rising.
 *
 * Caller op4@demo (104) dials op1@demo (101), both "available"; routed and plain calls alternate.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type Browser, chromium, type Page } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/harness.ts'
import { ephemeral, freePort, median, ms, percentile, randomSecret, sleep, table } from './lib/common.ts'
import {
  launchServer,
  operator,
  reportRegistrationIfCfgDoesNot,
  startPlainKamailio,
  stopChild,
} from './lib/frontline.ts'
import { PHONE_PAGE_PRELUDE, servePage } from './lib/page.ts'

/** The page: the app's phone on window (browser code, bundled by esbuild from stdin). */
const PAGE_SOURCE = `
import { Phone } from './src/lib/phone/index.ts'
${PHONE_PAGE_PRELUDE}
window.dial = async (target) => {
  const at = now()
  current = await phone.dial(target)
  return at
}
window.answer = async () => {
  const at = now()
  await phone.call(current).accept()
  return at
}
window.inBytes = async () => (await phone.call(current).stats())?.inBytes ?? 0
window.waitAudio = async (timeout) => {
  const until = now() + timeout
  for (;;) {
    const id = current
    const s = id ? await phone.call(id).stats().catch(() => null) : null
    if (s && s.inBytes > 0) return now()
    if (now() > until) return -1
    await new Promise((r) => setTimeout(r, 5))
  }
}
window.hangup = () => phone.call(current).hangup()
window.callStatus = () => phone.snapshot().calls.find((c) => c.id === current)?.status ?? 'none'
window.callEnd = () => phone.snapshot().calls.find((c) => c.id === current)?.end ?? null
window.ready = true
`

interface Creds {
  wsUrl: string
  aor: string
  username: string
  password: string
  expiresAt: number
}

async function phonePage(browser: Browser, url: string, creds: Creds, errors: string[]): Promise<Page> {
  const ctx = await browser.newContext()
  const page = await ctx.newPage()
  page.on('pageerror', (e) => errors.push(`${creds.aor}: ${e.message}`))
  await page.goto(url)
  await page.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true)
  const line = await page.evaluate((c) => (globalThis as unknown as W).start(c), creds)
  if (line !== 'registered') throw new Error(`${creds.aor} did not register (${line})`)
  return page
}

/** What the page puts on window (see PAGE_SOURCE). */
interface W {
  start(c: Creds): Promise<string>
  nextIncoming(): Promise<number>
  dial(t: string): Promise<number>
  answer(): Promise<number>
  inBytes(): Promise<number>
  waitAudio(timeout: number): Promise<number>
  hangup(): Promise<void>
  callStatus(): string
  callEnd(): { kind: string; code?: number } | null
}

export interface CallSample {
  dialToRinging: number
  accept: number
  audioCaller: number
  audioCallee: number
  acceptToAudio: number
  rising: boolean
}

interface Pair {
  caller: Page
  callee: Page
  target: string
}

async function oneCall(p: Pair): Promise<CallSample> {
  const ringing = p.callee.evaluate(() => (globalThis as unknown as W).nextIncoming())
  const dialAt = await p.caller.evaluate((t) => (globalThis as unknown as W).dial(t), p.target)
  const ringAt = await Promise.race([
    ringing,
    sleep(8000).then(async () => {
      throw new Error(
        `no ringing within 8 s (caller: ${await p.caller.evaluate(() => JSON.stringify((globalThis as unknown as W).callEnd()))})`,
      )
    }),
  ])
  const audioCaller = p.caller.evaluate(() => (globalThis as unknown as W).waitAudio(8000))
  const audioCallee = p.callee.evaluate(() => (globalThis as unknown as W).waitAudio(8000))
  const acceptAt = await p.callee.evaluate(() => (globalThis as unknown as W).answer())
  const [a, b] = await Promise.all([audioCaller, audioCallee])
  const before = await Promise.all([
    p.caller.evaluate(() => (globalThis as unknown as W).inBytes()),
    p.callee.evaluate(() => (globalThis as unknown as W).inBytes()),
  ])
  await sleep(300)
  const after = await Promise.all([
    p.caller.evaluate(() => (globalThis as unknown as W).inBytes()),
    p.callee.evaluate(() => (globalThis as unknown as W).inBytes()),
  ])
  await p.caller.evaluate(() => (globalThis as unknown as W).hangup())
  await p.callee.waitForFunction(() => (globalThis as unknown as W).callStatus() === 'ended', undefined, {
    timeout: 5000,
    polling: 20,
  })
  return {
    dialToRinging: ringAt - dialAt,
    accept: acceptAt,
    audioCaller: a < 0 ? Number.NaN : a - acceptAt,
    audioCallee: b < 0 ? Number.NaN : b - acceptAt,
    acceptToAudio: a < 0 || b < 0 ? Number.NaN : Math.max(a, b) - acceptAt,
    rising: after[0]! > before[0]! && after[1]! > before[1]!,
  }
}

export interface CallsReport {
  calls: number
  routed: CallSample[]
  plain: CallSample[]
  failures: { routed: string[]; plain: string[] }
  /** The bench reported registrations to the server itself (the cfg does not yet). */
  reportedRegistrations: boolean
  warmup: number
  pageErrors: string[]
}

export async function measureCalls(root: string, opts: { calls?: number; warmup?: number } = {}) {
  const { calls = 20, warmup = 2 } = opts
  const dataDir = await mkdtemp(path.join(tmpdir(), 'frontline-bench-calls-'))
  const cleanup: (() => Promise<unknown>)[] = []
  try {
    const server = await launchServer({
      port: await freePort(),
      sipWsPort: await freePort(),
      dataDir,
      password: randomBytes(9).toString('base64url'),
    })
    cleanup.push(() => stopChild(server.child))
    const callee = await operator(server, 'op1@demo')
    const caller = await operator(server, 'op4@demo')
    if (!callee.sip || !caller.sip) throw new Error('login answered without SIP settings')
    const toCreds = (s: NonNullable<typeof callee.sip>): Creds => ({
      wsUrl: s.wsUrl,
      aor: s.aor,
      username: s.username,
      password: s.password,
      expiresAt: Date.parse(s.expiresAt),
    })

    const plainPort = await freePort()
    const plainSecret = randomSecret()
    const plain = await startPlainKamailio({
      wsPort: plainPort,
      secret: plainSecret,
      internalSecret: randomSecret(),
      runDir: path.join(dataDir, 'run', 'pbx-plain'),
    })
    cleanup.push(() => plain.stop())
    const plainCreds = (aor: string): Creds => {
      const user = aor.slice(4, aor.indexOf('@'))
      const c = ephemeral(plainSecret, user)
      return { wsUrl: `ws://127.0.0.1:${plainPort}`, aor, ...c, expiresAt: Date.now() + 3600_000 }
    }

    const page = await servePage(root, PAGE_SOURCE, 'bench-calls-page.js')
    cleanup.push(() => new Promise((r) => page.server.close(r)))
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    })
    cleanup.push(() => browser.close())
    const errors: string[] = []
    const routed: Pair = {
      callee: await phonePage(browser, page.url, toCreds(callee.sip), errors),
      caller: await phonePage(browser, page.url, toCreds(caller.sip), errors),
      target: callee.me.extension,
    }
    const direct: Pair = {
      callee: await phonePage(browser, page.url, plainCreds(callee.sip.aor), errors),
      caller: await phonePage(browser, page.url, plainCreds(caller.sip.aor), errors),
      target: callee.me.extension,
    }
    const reportedRegistrations = await reportRegistrationIfCfgDoesNot(server, [
      callee.sip.aor,
      caller.sip.aor,
    ])

    const report: CallsReport = {
      calls,
      routed: [],
      plain: [],
      failures: { routed: [], plain: [] },
      reportedRegistrations,
      warmup,
      pageErrors: errors,
    }
    for (let i = 0; i < warmup + calls; i++) {
      for (const [name, pair] of [
        ['routed', routed],
        ['plain', direct],
      ] as const) {
        try {
          const s = await oneCall(pair)
          if (i >= warmup) report[name].push(s)
        } catch (e) {
          report.failures[name].push((e as Error).message.split('\n')[0]!)
          await pair.caller.evaluate(() => (globalThis as unknown as W).hangup()).catch(() => {})
        }
        // Let the dialog's end reach the server: an operator still "in a call" would get 486 (C2).
        await sleep(300)
      }
    }
    return report
  } finally {
    for (const c of cleanup.reverse()) await c().catch(() => {})
    await rm(dataDir, { recursive: true, force: true })
  }
}

const GOAL_MS = 300
const GOAL_RATIO = 1.2

export function formatCalls(r: CallsReport): string[] {
  const fig = (xs: number[]) => {
    const v = xs.filter(Number.isFinite)
    return [ms(median(v)), ms(percentile(v, 95)), ms(Math.min(...v)), ms(Math.max(...v))]
  }
  const rows: string[][] = []
  for (const [name, xs] of [
    ['routed', r.routed],
    ['plain', r.plain],
  ] as const) {
    rows.push([`dial → operator ringing (${name})`, `${xs.length}`, ...fig(xs.map((s) => s.dialToRinging))])
    rows.push([`accept → two-way audio (${name})`, `${xs.length}`, ...fig(xs.map((s) => s.acceptToAudio))])
    rows.push([`  accept → caller hears (${name})`, `${xs.length}`, ...fig(xs.map((s) => s.audioCaller))])
    rows.push([`  accept → operator hears (${name})`, `${xs.length}`, ...fig(xs.map((s) => s.audioCallee))])
  }
  const d = (xs: CallSample[], p: number) =>
    percentile(
      xs.map((s) => s.dialToRinging),
      p,
    )
  const a = (xs: CallSample[], p: number) =>
    percentile(xs.map((s) => s.acceptToAudio).filter(Number.isFinite), p)
  const ok = (v: number, goal: number) => (v <= goal ? 'within' : 'OVER')
  const ratio50 = d(r.routed, 50) / d(r.plain, 50)
  const ratio95 = d(r.routed, 95) / d(r.plain, 95)
  const notRising = [...r.routed, ...r.plain].filter((s) => !s.rising).length
  return [
    `${r.calls} calls per path after ${r.warmup} warm-up, op4 (104) → op1 (101), app phone in headless Chromium,`,
    'routed = real server + its Kamailio (POST /internal/sip/route per INVITE); plain = same cfg with',
    'route(ASKSERVER) → route(LOCATION). Paths alternate call by call. Machine: 2 cores (noisy).',
    ...table(['measure', 'n', 'p50', 'p95', 'min', 'max'], rows),
    '',
    ...table(
      ['budget', 'measured', 'goal', ''],
      [
        ['dial → ringing p95 (routed)', ms(d(r.routed, 95)), `≤ ${GOAL_MS} ms`, ok(d(r.routed, 95), GOAL_MS)],
        ['accept → audio p95 (routed)', ms(a(r.routed, 95)), `≤ ${GOAL_MS} ms`, ok(a(r.routed, 95), GOAL_MS)],
        [
          'routed/plain dial → ringing p50',
          `${ratio50.toFixed(2)}×`,
          `≤ ${GOAL_RATIO}×`,
          ok(ratio50, GOAL_RATIO),
        ],
        [
          'routed/plain dial → ringing p95',
          `${ratio95.toFixed(2)}×`,
          `≤ ${GOAL_RATIO}×`,
          ok(ratio95, GOAL_RATIO),
        ],
      ],
    ),
    `inbound bytes kept rising 300 ms after audio on both sides: ${r.routed.length + r.plain.length - notRising}/${r.routed.length + r.plain.length}`,
    `failed calls: routed ${r.failures.routed.length}, plain ${r.failures.plain.length}${[...new Set([...r.failures.routed, ...r.failures.plain])].map((f) => `\n  ${f}`).join('')}`,
    ...(r.reportedRegistrations
      ? [
          'NOTE: the rendered cfg does not POST /internal/sip/registration yet; the bench reported both',
          'operators as registered itself, else the server would not route to their softphones.',
        ]
      : []),
    ...r.pageErrors.slice(0, 5).map((e) => `page error: ${e}`),
  ]
}
