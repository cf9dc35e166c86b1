/**
 * Shared steps of the call specs (SPEC S1, C1–C10): an operator phone opened with `?debug` (test access
 * to the softphone through window.__frontlinePhone), the demo site's guest "Call us" line, and the demo
 * "phone network" (SIP account `gateway`) as a tiny SIP.js page. Audio is proven with RTCPeerConnection
 * getStats: RTP bytes must rise while we watch.
 */
import path from 'node:path'
import type { APIRequestContext, Browser, BrowserContext, Page } from '@playwright/test'
import { build } from 'esbuild'
import type { SipSettings } from '../contract/api.ts'
import { expect, type FrontlineServer } from './fixtures.ts'
import { chooseStatus, signIn } from './helpers.ts'

export interface Phone {
  context: BrowserContext
  page: Page
}

/** Demo numbers (server/domain/tenants/demo-data.ts). */
export const SALES_VN = '+74951204560'
export const SUPPORT_VN = '+74951204561'
export const OPERATORS = ['op1@demo', 'op2@demo', 'op3@demo', 'op4@demo', 'op5@demo', 'op6@demo']
export const digits = (s: string) => s.replace(/\D/g, '')

/** A regexp for a phone number however the UI groups its digits. */
export const num = (n: string) => new RegExp(digits(n).split('').join('\\D*'))

export function account(server: FrontlineServer, login: string) {
  const a = server.accounts.find((x) => x.login === login)
  if (!a) throw new Error(`no demo account ${login}`)
  return a
}

/** Every RTCPeerConnection the page creates, kept for getStats (the site and gateway pages). */
export function trackPeerConnections(): void {
  const pcs: RTCPeerConnection[] = []
  ;(globalThis as unknown as { __pcs: RTCPeerConnection[] }).__pcs = pcs
  const Native = globalThis.RTCPeerConnection
  globalThis.RTCPeerConnection = class extends Native {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args)
      pcs.push(this)
    }
  } as typeof RTCPeerConnection
}

export interface Rtp {
  inBytes: number
  outBytes: number
  /** Sum of inbound totalAudioEnergy: grows only while the other side sends sound, not silence. */
  inEnergy: number
}

/** Inbound/outbound audio of the page's newest live peer connection (needs trackPeerConnections). */
export async function pageRtp(page: Page): Promise<Rtp | null> {
  return page.evaluate(async () => {
    const pcs = (globalThis as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? []
    const pc = pcs.filter((p) => p.connectionState !== 'closed').at(-1)
    if (!pc) return null
    const r = { inBytes: 0, outBytes: 0, inEnergy: 0 }
    ;(await pc.getStats()).forEach(
      (s: {
        type: string
        kind?: string
        bytesReceived?: number
        bytesSent?: number
        totalAudioEnergy?: number
      }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') {
          r.inBytes += s.bytesReceived ?? 0
          r.inEnergy += s.totalAudioEnergy ?? 0
        }
        if (s.type === 'outbound-rtp' && s.kind === 'audio') r.outBytes += s.bytesSent ?? 0
      },
    )
    return r
  })
}

type DebugCall = { id: string; status: string; remote: string; sipCallId: string | null }
type DebugPhone = {
  snapshot(): { calls: DebugCall[] }
  stats(id: string): Promise<{ inBytes: number; outBytes: number; inLevel: number } | null>
  dtmfSent(id: string): string
}

/** The operator's calls that have not ended (window.__frontlinePhone.snapshot()). */
export async function liveCalls(page: Page): Promise<DebugCall[]> {
  return page.evaluate(() => {
    const p = (globalThis as unknown as { __frontlinePhone?: DebugPhone }).__frontlinePhone
    return (p?.snapshot().calls ?? []).filter((c) => c.status !== 'ended')
  })
}

/** Waits until the operator's live calls have exactly these statuses (e.g. ['active'], []). */
export async function expectCalls(page: Page, statuses: string[], timeout = 10_000): Promise<void> {
  await expect.poll(async () => (await liveCalls(page)).map((c) => c.status), { timeout }).toEqual(statuses)
}

/** RTP counters of the operator's newest live call (window.__frontlinePhone.stats()), plus energy. */
export async function phoneRtp(page: Page): Promise<Rtp | null> {
  const own = await page.evaluate(async () => {
    const p = (globalThis as unknown as { __frontlinePhone?: DebugPhone }).__frontlinePhone
    const c = (p?.snapshot().calls ?? []).filter((x) => x.status !== 'ended').at(-1)
    return c && p ? p.stats(c.id) : null
  })
  if (!own) return null
  const pc = await pageRtp(page)
  return { inBytes: own.inBytes, outBytes: own.outBytes, inEnergy: pc?.inEnergy ?? 0 }
}

/** DTMF tones that left through RTP on the operator's newest live call. */
export async function dtmfSent(page: Page): Promise<string> {
  return page.evaluate(() => {
    const p = (globalThis as unknown as { __frontlinePhone?: DebugPhone }).__frontlinePhone
    const c = (p?.snapshot().calls ?? []).filter((x) => x.status !== 'ended').at(-1)
    return c && p ? p.dtmfSent(c.id) : ''
  })
}

type RtpReader = (page: Page) => Promise<Rtp | null>

/** How much audio arrives/leaves in `ms` (after the call has media at all). */
export async function rtpDelta(page: Page, ms = 1500, read: RtpReader = phoneRtp): Promise<Rtp> {
  await expect.poll(async () => (await read(page)) !== null, { timeout: 10_000 }).toBe(true)
  const a = (await read(page)) as Rtp
  await page.waitForTimeout(ms)
  const b = (await read(page)) as Rtp
  return {
    inBytes: b.inBytes - a.inBytes,
    outBytes: b.outBytes - a.outBytes,
    inEnergy: b.inEnergy - a.inEnergy,
  }
}

/**
 * Audio flows both ways on this page's call: inbound and outbound RTP bytes rise (≥ 1 KB beyond a
 * baseline; Opus at 20 ms frames sends several KB a second).
 */
export async function expectAudioBothWays(page: Page, read: RtpReader = phoneRtp): Promise<void> {
  await expect.poll(async () => (await read(page)) !== null, { timeout: 10_000 }).toBe(true)
  const a = (await read(page)) as Rtp
  await expect
    .poll(
      async () => {
        const b = (await read(page)) as Rtp | null
        return { in: (b?.inBytes ?? 0) - a.inBytes > 1000, out: (b?.outBytes ?? 0) - a.outBytes > 1000 }
      },
      { timeout: 10_000, message: 'inbound and outbound audio bytes rise' },
    )
    .toEqual({ in: true, out: true })
}

/** A signed-in operator in `status` with the phone line connected, opened with `?debug`. */
export async function openPhone(
  browser: Browser,
  server: FrontlineServer,
  login: string,
  status: RegExp = /Available/,
): Promise<Phone> {
  const context = await browser.newContext({ baseURL: server.baseURL, permissions: ['microphone'] })
  await context.addInitScript(trackPeerConnections)
  const page = await context.newPage()
  await page.goto('/?debug')
  await signIn(page, server, login)
  await chooseStatus(page, status)
  await expectLine(page)
  await expect.poll(() => page.evaluate(() => '__frontlinePhone' in globalThis)).toBe(true)
  return { context, page }
}

/** The header's line indicator says the softphone is registered. */
export async function expectLine(page: Page): Promise<void> {
  await expect(page.getByRole('status', { name: 'Phone line: connected' })).toBeVisible({ timeout: 15_000 })
}

export const incoming = (page: Page) => page.getByRole('dialog', { name: /^Incoming call/ })
export const inCall = (page: Page) => page.getByRole('dialog', { name: /^Call with/ })

/** Dials a number or extension from the Calls tab's number field. */
export async function dial(page: Page, number: string): Promise<void> {
  await page.getByRole('link', { name: 'Calls', exact: true }).click()
  await page.getByRole('textbox', { name: 'Number to call' }).fill(number)
  await page.getByRole('button', { name: 'Call', exact: true }).click()
}

/** Accepts the ringing call and waits for it to be active on this phone. */
export async function accept(page: Page): Promise<void> {
  await incoming(page).getByRole('button', { name: 'Accept' }).click({ timeout: 15_000 })
  await expectCalls(page, ['active'])
}

/** Hangs up the call on screen and waits until this phone has no live call. */
export async function hangUp(page: Page): Promise<void> {
  await inCall(page).getByRole('button', { name: 'Hang up' }).click()
  await expectCalls(page, [])
}

// ——— API shortcuts (statuses between tests; history checks) ———

const tokens = new Map<string, string>()

/** A session token of `login` on this server (kept for the worker). */
export async function tokenOf(request: APIRequestContext, server: FrontlineServer, login: string) {
  const key = `${server.baseURL} ${login}`
  const known = tokens.get(key)
  if (known) return known
  const r = await request.post(`${server.baseURL}/api/auth/login`, {
    data: { login, password: server.password },
  })
  expect(r.ok(), `login ${login}`).toBe(true)
  const { token } = (await r.json()) as { token: string }
  tokens.set(key, token)
  return token
}

/** Sets statuses through the API (status ids of contract/status.ts). */
export async function setStatuses(
  request: APIRequestContext,
  server: FrontlineServer,
  statuses: Record<string, 'available' | 'break' | 'dnd' | 'away' | 'off_work'>,
): Promise<void> {
  for (const [login, status] of Object.entries(statuses)) {
    const token = await tokenOf(request, server, login)
    const r = await request.put(`${server.baseURL}/api/me/status`, {
      data: { status },
      headers: { authorization: `Bearer ${token}` },
    })
    expect(r.ok(), `status of ${login}`).toBe(true)
  }
}

/** Every demo operator Off work: a test starts from a tenant where nobody takes calls. */
export async function everyoneOff(request: APIRequestContext, server: FrontlineServer): Promise<void> {
  await setStatuses(request, server, Object.fromEntries(OPERATORS.map((l) => [l, 'off_work' as const])))
}

/** GET /api/calls?scope=all as `login`. */
export async function history(
  request: APIRequestContext,
  server: FrontlineServer,
  login: string,
  q = '',
): Promise<Array<Record<string, unknown>>> {
  const token = await tokenOf(request, server, login)
  const r = await request.get(`${server.baseURL}/api/calls?scope=all&q=${encodeURIComponent(q)}`, {
    headers: { authorization: `Bearer ${token}` },
  })
  expect(r.ok()).toBe(true)
  return ((await r.json()) as { items: Array<Record<string, unknown>> }).items
}

// ——— The demo site's guest line ———

export interface SiteCustomer {
  context: BrowserContext
  page: Page
  /** Presses "Call" for the line labelled `group` (Sales/Support). */
  call(group: 'Sales' | 'Support'): Promise<void>
  hangUp(): Promise<void>
  state(): ReturnType<Page['locator']>
}

/** A visitor of /site/ who gave `phone` as their number. */
export async function siteCustomer(
  browser: Browser,
  server: FrontlineServer,
  phone = '',
): Promise<SiteCustomer> {
  const context = await browser.newContext({ baseURL: server.baseURL, permissions: ['microphone'] })
  await context.addInitScript(trackPeerConnections)
  const page = await context.newPage()
  await page.goto('/site/')
  await expect(page.getByText('Ready to call.')).toBeVisible({ timeout: 10_000 })
  if (phone) await page.getByLabel(/your phone number/i).fill(phone)
  const state = () => page.locator('#state')
  return {
    context,
    page,
    state,
    async call(group) {
      await page.getByRole('radio', { name: new RegExp(`^${group}`) }).check()
      await page.getByRole('button', { name: 'Call', exact: true }).click()
    },
    async hangUp() {
      await page.getByRole('button', { name: 'Hang up', exact: true }).click()
      await expect(state()).toHaveText(/ended|did not go through/)
    },
  }
}

// ——— The demo phone network: SIP account `gateway` in a tiny SIP.js page ———

let sipBundle: Promise<string> | null = null
/** SIP.js as one IIFE (global `SIP`), bundled once per worker. */
function sipJs(): Promise<string> {
  sipBundle ??= build({
    stdin: { contents: "export * from 'sip.js'", resolveDir: path.resolve(import.meta.dirname, '..') },
    bundle: true,
    format: 'iife',
    globalName: 'SIP',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  }).then((r) => r.outputFiles[0]?.text ?? '')
  return sipBundle
}

/** Runs in the gateway page: a registered UA that records the INVITEs it gets (headers, R-URI). */
const GATEWAY_SCRIPT = `
const S = window.SIP
const media = { constraints: { audio: true, video: false } }
const gw = (window.gw = { invites: [], session: null, state: 'idle', autoAnswer: true, ua: null })
function follow(s) {
  gw.session = s
  s.stateChange.addListener((st) => {
    if (gw.session !== s) return
    gw.state = st === S.SessionState.Established ? 'talking' : st === S.SessionState.Terminated ? 'ended' : gw.state
  })
}
gw.start = async (sip) => {
  gw.domain = sip.domain
  gw.ua = new S.UserAgent({
    uri: S.UserAgent.makeURI(sip.aor),
    transportOptions: { server: sip.wsUrl },
    authorizationUsername: sip.username,
    authorizationPassword: sip.password,
    logLevel: 'error',
    sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: [] }, iceGatheringTimeout: 500 },
    delegate: {
      onInvite: (inv) => {
        const r = inv.request
        gw.invites.push({ dial: r.getHeader('X-Frontline-Dial') || '', ruri: String(r.ruri), from: String(r.from.uri), fromName: r.from.displayName || '' })
        gw.state = 'ringing'
        follow(inv)
        gw.pending = inv
        if (gw.autoAnswer) void inv.accept({ sessionDescriptionHandlerOptions: media })
      },
    },
  })
  await gw.ua.start()
  const reg = new S.Registerer(gw.ua)
  await new Promise((resolve, reject) => {
    reg.stateChange.addListener((st) => { if (st === S.RegistererState.Registered) resolve() })
    reg.register({ requestDelegate: { onReject: (r) => reject(new Error('REGISTER ' + r.message.statusCode)) } }).catch(reject)
  })
}
gw.accept = () => gw.pending.accept({ sessionDescriptionHandlerOptions: media })
gw.call = (number, fromDisplayName) => {
  const inviter = new S.Inviter(gw.ua, S.UserAgent.makeURI('sip:' + number + '@' + gw.domain), {
    sessionDescriptionHandlerOptions: media,
    params: fromDisplayName ? { fromDisplayName } : {},
  })
  follow(inviter)
  gw.state = 'calling'
  return inviter.invite({ requestDelegate: { onReject: (r) => { gw.state = 'failed ' + r.message.statusCode } } }).then(() => undefined)
}
gw.hangUp = async () => {
  const s = gw.session
  if (!s) return
  if (s.state === S.SessionState.Established) await s.bye()
  else if (s instanceof S.Inviter) await s.cancel()
  else await s.reject()
}
`

export interface Gateway {
  context: BrowserContext
  page: Page
  /** INVITEs the phone network received: X-Frontline-Dial, R-URI, From. */
  invites(): Promise<Array<{ dial: string; ruri: string; from: string; fromName: string }>>
  state(): Promise<string>
  /** The phone network calls `number` (a virtual number) as client `clientNumber` (From display-name). */
  call(number: string, clientNumber: string): Promise<void>
  hangUp(): Promise<void>
}

/** Issues the gateway line (admin route) and registers it in a page of its own. */
export async function gateway(
  browser: Browser,
  request: APIRequestContext,
  server: FrontlineServer,
  opts: { autoAnswer?: boolean } = {},
): Promise<Gateway> {
  const token = await tokenOf(request, server, 'admin@demo')
  const r = await request.post(`${server.baseURL}/api/admin/sip/gateway-credentials`, {
    data: {},
    headers: { authorization: `Bearer ${token}` },
  })
  expect(r.ok(), 'gateway credentials').toBe(true)
  const sip = (await r.json()) as SipSettings
  // A page of the server's origin (a secure context for getUserMedia; a document the test fulfils
  // itself cannot open Kamailio's WebSocket in Chromium, so it is /api/health with the scripts added).
  const context = await browser.newContext({ permissions: ['microphone'], bypassCSP: true })
  await context.addInitScript(trackPeerConnections)
  const page = await context.newPage()
  await page.goto(`${server.baseURL}/api/health`)
  await page.addScriptTag({ content: await sipJs() })
  await page.addScriptTag({ content: GATEWAY_SCRIPT })
  await page.evaluate(
    ([s, auto]) => {
      const g = (globalThis as unknown as { gw: { autoAnswer: boolean; start(s: unknown): Promise<void> } })
        .gw
      g.autoAnswer = auto
      return g.start(s)
    },
    [sip, opts.autoAnswer ?? true] as const,
  )
  type G = {
    gw: {
      invites: unknown[]
      state: string
      call(n: string, f: string): Promise<void>
      hangUp(): Promise<void>
    }
  }
  return {
    context,
    page,
    invites: () => page.evaluate(() => (globalThis as unknown as G).gw.invites) as never,
    state: () => page.evaluate(() => (globalThis as unknown as G).gw.state),
    call: (number, clientNumber) =>
      page.evaluate(([n, c]) => (globalThis as unknown as G).gw.call(n, c), [number, clientNumber] as const),
    hangUp: () => page.evaluate(() => (globalThis as unknown as G).gw.hangUp()),
  }
}

/** Closes contexts, ignoring ones already closed. */
export async function closeAll(...xs: Array<{ context: BrowserContext } | null | undefined>): Promise<void> {
  await Promise.all(xs.map((x) => x?.context.close().catch(() => {})))
}
