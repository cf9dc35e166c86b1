/**
 * C5 blind transfer with a customer on another SIP stack (issue 11 budgets): a real Frontline server
 * with its Kamailio; the customer is JsSIP (npm) on the phone network line, which follows the REFER with
 * a plain INVITE (no Referred-By) — authorised by the server's grant. The operators run the app's own
 * phone (src/lib/phone). All three are pages of one headless Chromium with fake media; times are taken
 * inside the pages (performance.timeOrigin + performance.now(), comparable across pages of one machine).
 *
 * - REFER → target ringing: op4's blindTransfer() called → op1's phone shows the incoming leg (the REFER
 *   report and grant, JsSIP's INVITE, its routing request, the ring).
 * - REFER → transfer done: the same start → op4's transfer resolves (NOTIFY 2xx after op1 answered; op1
 *   answers as soon as it rings).
 *
 * The customer calls Support (+74951204561), which rings op4 only (op1 is not in Support).
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium, type Page } from '@playwright/test'
import type { SipSettings } from '../contract/api.ts'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/harness.ts'
import { freePort, median, ms, percentile, sleep, table } from './lib/common.ts'
import { launchServer, operator, stopChild } from './lib/frontline.ts'
import { PHONE_PAGE_PRELUDE, servePage } from './lib/page.ts'

const SUPPORT_VN = '+74951204561'

/** One page source for both roles: the app's phone (operators) and JsSIP (the customer). */
const PAGE_SOURCE = `
import { Phone } from './src/lib/phone/index.ts'
import JsSIP from './node_modules/jssip/lib/JsSIP.js'
${PHONE_PAGE_PRELUDE}
window.answer = () => phone.call(current).accept()
window.transfer = (target) => {
  const at = now()
  window.transferDone = phone.blindTransfer(current, target, 30000).then(() => now(), (e) => String(e && e.message))
  return at
}
window.hangup = () => phone.call(current).hangup()
window.callStatus = () => phone.snapshot().calls.find((c) => c.id === current)?.status ?? 'none'

const media = { mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } }
const cust = (window.cust = { ua: null, session: null, state: 'idle' })
function follow(s) {
  cust.session = s
  const set = (st) => { if (cust.session === s) cust.state = st }
  s.on('confirmed', () => set('talking'))
  s.on('ended', () => set('ended'))
  s.on('failed', (e) => set('failed ' + ((e.message && e.message.status_code) || e.cause)))
  s.on('refer', (e) => e.accept((next) => follow(next), media))
}
window.startCustomer = (sip) => new Promise((resolve, reject) => {
  cust.domain = sip.domain
  cust.ua = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(sip.wsUrl)],
    uri: sip.aor, authorization_user: sip.username, password: sip.password,
    register: true, session_timers: false,
  })
  cust.ua.on('registered', () => resolve('registered'))
  cust.ua.on('registrationFailed', (e) => reject(new Error('REGISTER ' + e.cause)))
  cust.ua.start()
})
window.customerCall = (number) => {
  cust.state = 'calling'
  follow(cust.ua.call('sip:' + number + '@' + cust.domain, { ...media, fromDisplayName: '+79165550399' }))
}
window.customerState = () => cust.state
window.ready = true
`

interface W {
  start(c: unknown): Promise<string>
  nextIncoming(): Promise<number>
  answer(): Promise<void>
  transfer(t: string): number
  /** When the transfer finished, or why it failed. */
  transferDone: Promise<number | string>
  hangup(): Promise<void>
  callStatus(): string
  startCustomer(s: unknown): Promise<string>
  customerCall(n: string): void
  customerState(): string
}

export interface BlindTransferSample {
  referToRinging: number
  referToDone: number
}

export interface BlindTransferReport {
  transfers: number
  warmup: number
  samples: BlindTransferSample[]
  failures: string[]
}

async function waitFor(page: Page, fn: () => boolean, what: string, timeout = 10_000): Promise<void> {
  try {
    await page.waitForFunction(fn, undefined, { timeout, polling: 10 })
  } catch {
    throw new Error(`${what} within ${timeout} ms`)
  }
}

/** Runs `transfers` blind transfers after `warmup`; prints nothing (see formatBlindTransfer). */
export async function measureBlindTransfer(
  root: string,
  opts: { transfers?: number; warmup?: number } = {},
): Promise<BlindTransferReport> {
  const { transfers = 20, warmup = 2 } = opts
  const dataDir = await mkdtemp(path.join(tmpdir(), 'frontline-bench-xfer-'))
  const cleanup: (() => Promise<unknown>)[] = []
  try {
    const server = await launchServer({
      port: await freePort(),
      sipWsPort: await freePort(),
      dataDir,
      password: randomBytes(9).toString('base64url'),
    })
    cleanup.push(() => stopChild(server.child))
    const target = await operator(server, 'op1@demo')
    const transferor = await operator(server, 'op4@demo')
    const admin = await operator(server, 'admin@demo', 'off_work')
    const gw = await fetch(`${server.baseURL}/api/admin/sip/gateway-credentials`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: '{}',
    })
    if (!gw.ok) throw new Error(`gateway credentials: HTTP ${gw.status}`)
    const gatewaySip = (await gw.json()) as SipSettings
    const page = await servePage(root, PAGE_SOURCE, 'bench-transfer-blind-page.js')
    cleanup.push(() => new Promise((r) => page.server.close(r)))
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    })
    cleanup.push(() => browser.close())
    const open = async () => {
      const p = await (await browser.newContext({ permissions: ['microphone'] })).newPage()
      await p.goto(page.url)
      await p.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true)
      return p
    }
    const creds = (s: SipSettings) => ({ ...s, expiresAt: Date.parse(s.expiresAt) })
    const op1 = await open()
    const op4 = await open()
    const customer = await open()
    for (const [p, s] of [
      [op1, target.sip],
      [op4, transferor.sip],
    ] as const) {
      if (!s) throw new Error('login answered without SIP settings')
      const line = await p.evaluate((c) => (globalThis as unknown as W).start(c), creds(s))
      if (line !== 'registered') throw new Error(`operator line: ${line}`)
    }
    await customer.evaluate((s) => (globalThis as unknown as W).startCustomer(s), gatewaySip)

    const report: BlindTransferReport = { transfers, warmup, samples: [], failures: [] }
    for (let i = 0; i < warmup + transfers; i++) {
      try {
        const offered = op4.evaluate(() => (globalThis as unknown as W).nextIncoming())
        await customer.evaluate((n) => (globalThis as unknown as W).customerCall(n), SUPPORT_VN)
        await offered
        await op4.evaluate(() => (globalThis as unknown as W).answer())
        await waitFor(
          customer,
          () => (globalThis as unknown as W).customerState() === 'talking',
          'customer connected to op4',
        )
        const ringing = op1.evaluate(() => (globalThis as unknown as W).nextIncoming())
        const referAt = await op4.evaluate(() => (globalThis as unknown as W).transfer('101'))
        const ringAt = await Promise.race([
          ringing,
          op4
            .evaluate(() => (globalThis as unknown as W).transferDone)
            .then((at) =>
              Promise.reject(
                new Error(typeof at === 'string' ? `before ringing: ${at}` : 'done before ringing'),
              ),
            ),
          sleep(10_000).then(() => Promise.reject(new Error('no ringing at the target within 10 s'))),
        ])
        await op1.evaluate(() => (globalThis as unknown as W).answer())
        const doneAt = await op4.evaluate(() => (globalThis as unknown as W).transferDone)
        if (typeof doneAt === 'string') throw new Error(doneAt)
        await waitFor(
          customer,
          () => (globalThis as unknown as W).customerState() === 'talking',
          'customer connected to op1',
        )
        await op1.evaluate(() => (globalThis as unknown as W).hangup())
        await waitFor(
          customer,
          () => (globalThis as unknown as W).customerState() === 'ended',
          'customer call ended',
        )
        if (i >= warmup)
          report.samples.push({ referToRinging: ringAt - referAt, referToDone: doneAt - referAt })
      } catch (e) {
        report.failures.push(
          `#${i + 1}${i < warmup ? ' (warm-up)' : ''}: ${(e as Error).message.split('\n')[0] ?? ''}`,
        )
        await op1.evaluate(() => (globalThis as unknown as W).hangup()).catch(() => {})
        await op4.evaluate(() => (globalThis as unknown as W).hangup()).catch(() => {})
      }
      // Let the dialogs' end reach the server: an operator still "in a call" would get 486 (C2).
      await sleep(1000)
    }
    return report
  } finally {
    for (const c of cleanup.reverse()) await c().catch(() => {})
    await rm(dataDir, { recursive: true, force: true })
  }
}

/** The report as printed lines. */
export function formatBlindTransfer(r: BlindTransferReport): string[] {
  const fig = (xs: number[]) => [
    `${xs.length}`,
    ms(median(xs)),
    ms(percentile(xs, 95)),
    ms(Math.min(...xs)),
    ms(Math.max(...xs)),
  ]
  return [
    `${r.transfers} blind transfers after ${r.warmup} warm-up: JsSIP customer (phone network line) → Support,`,
    'op4 answers and transfers to op1 (101) with the app phone; headless Chromium, real server + Kamailio.',
    ...table(
      ['measure', 'n', 'p50', 'p95', 'min', 'max'],
      [
        ['REFER → target ringing', ...fig(r.samples.map((s) => s.referToRinging))],
        ['REFER → transfer done (NOTIFY 2xx)', ...fig(r.samples.map((s) => s.referToDone))],
      ],
    ),
    `failed transfers: ${r.failures.length}${[...new Set(r.failures)].map((f) => `\n  ${f}`).join('')}`,
  ]
}
