/**
 * A customer on a phone of another SIP stack: JsSIP (npm `jssip`) registered as the tenant's phone
 * network line (`gateway`) in a page of its own, with real WebRTC audio. JsSIP follows a REFER with a
 * plain INVITE to the Refer-To URI — no Referred-By (RFC 3892 is optional) — like most desk phones.
 */
import path from 'node:path'
import type { APIRequestContext, Browser, BrowserContext, Page } from '@playwright/test'
import { build } from 'esbuild'
import type { SipSettings } from '../contract/api.ts'
import { expect, type FrontlineServer } from './fixtures.ts'
import { tokenOf, trackPeerConnections } from './phone-helpers.ts'

let bundle: Promise<string> | null = null
/** JsSIP as one IIFE (global `JsSIP`), bundled once per worker. */
function jssipJs(): Promise<string> {
  bundle ??= build({
    entryPoints: [path.resolve(import.meta.dirname, '../node_modules/jssip/lib/JsSIP.js')],
    bundle: true,
    format: 'iife',
    globalName: 'JsSIP',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  }).then((r) => r.outputFiles[0]?.text ?? '')
  return bundle
}

/** Runs in the page: one UA, its sessions, the REFERs it got and (when told to) follows. */
const CUSTOMER_SCRIPT = `
const J = window.JsSIP
const media = { mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } }
const c = (window.cust = { ua: null, session: null, state: 'idle', refers: [], followRefer: true, history: [] })
function follow(s) {
  c.session = s
  const set = (st) => { if (c.session === s) { c.state = st; c.history.push(st) } }
  s.on('progress', () => set('ringing'))
  s.on('confirmed', () => set('talking'))
  s.on('ended', () => set('ended'))
  s.on('failed', (e) => set('failed ' + (e.message && e.message.status_code || e.cause)))
  s.on('refer', (e) => {
    c.refers.push({ to: String(e.request.refer_to.uri), at: performance.now() })
    if (!c.followRefer) return
    e.accept((next) => follow(next), media)
  })
}
c.start = (sip) => new Promise((resolve, reject) => {
  c.domain = sip.domain
  c.ua = new J.UA({
    sockets: [new J.WebSocketInterface(sip.wsUrl)],
    uri: sip.aor,
    authorization_user: sip.username,
    password: sip.password,
    register: true,
    session_timers: false,
  })
  c.ua.on('registered', () => resolve())
  c.ua.on('registrationFailed', (e) => reject(new Error('REGISTER ' + e.cause)))
  c.ua.start()
})
c.call = (number, clientNumber) => {
  c.state = 'calling'
  follow(c.ua.call('sip:' + number + '@' + c.domain, { ...media, fromDisplayName: clientNumber }))
}
c.hangUp = () => { if (c.session && !c.session.isEnded()) c.session.terminate() }
`

export interface JsSipCustomer {
  context: BrowserContext
  page: Page
  /** The phone network calls `number` (a virtual number) as client `clientNumber`. */
  call(number: string, clientNumber: string): Promise<void>
  /** 'calling' | 'ringing' | 'talking' | 'ended' | 'failed …' of its current session. */
  state(): Promise<string>
  /** Refer-To URIs of the REFERs it got. */
  refers(): Promise<string[]>
  hangUp(): Promise<void>
}

/** Issues the tenant's phone network line (admin route) and registers JsSIP on it. */
export async function jssipCustomer(
  browser: Browser,
  request: APIRequestContext,
  server: FrontlineServer,
  opts: { followRefer?: boolean } = {},
): Promise<JsSipCustomer> {
  const token = await tokenOf(request, server, 'admin@demo')
  const r = await request.post(`${server.baseURL}/api/admin/sip/gateway-credentials`, {
    data: {},
    headers: { authorization: `Bearer ${token}` },
  })
  expect(r.ok(), 'gateway credentials').toBe(true)
  const sip = (await r.json()) as SipSettings
  // A page of the server's origin: a secure context for getUserMedia that may open Kamailio's WebSocket.
  const context = await browser.newContext({ permissions: ['microphone'], bypassCSP: true })
  await context.addInitScript(trackPeerConnections)
  const page = await context.newPage()
  await page.goto(`${server.baseURL}/api/health`)
  await page.addScriptTag({ content: await jssipJs() })
  await page.addScriptTag({ content: CUSTOMER_SCRIPT })
  type C = {
    cust: {
      followRefer: boolean
      state: string
      refers: Array<{ to: string }>
      start(s: unknown): Promise<void>
      call(n: string, f: string): void
      hangUp(): void
    }
  }
  await page.evaluate(
    ([s, follow]) => {
      const c = (globalThis as unknown as C).cust
      c.followRefer = follow
      return c.start(s)
    },
    [sip, opts.followRefer ?? true] as const,
  )
  return {
    context,
    page,
    call: (number, clientNumber) =>
      page.evaluate(([n, f]) => (globalThis as unknown as C).cust.call(n, f), [
        number,
        clientNumber,
      ] as const),
    state: () => page.evaluate(() => (globalThis as unknown as C).cust.state),
    refers: () => page.evaluate(() => (globalThis as unknown as C).cust.refers.map((x) => x.to)),
    hangUp: () => page.evaluate(() => (globalThis as unknown as C).cust.hangUp()),
  }
}
