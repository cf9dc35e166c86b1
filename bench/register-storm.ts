/**
 * Registration storm: N SIP.js user agents in Node (signalling only) connect and REGISTER at once with
 * ephemeral credentials against a Kamailio of its own (pbx/index.ts startPbx, generated secret, no
 * Frontline server: REGISTER never reaches the server). The cfg's pike bans an address sending more than
 * 30 REGISTERs in 2 s, so the UAs are spread over many loopback source addresses (127.0.0.x through ws's
 * localAddress); pike itself stays as rendered. A fresh Kamailio per round.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Registerer, RegistererState, UserAgent } from 'sip.js'
import WebSocket from 'ws'
import { findKamailio, startPbx } from '../pbx/index.ts'
import {
  ephemeral,
  freePort,
  kamailioMemory,
  mb,
  median,
  ms,
  type ProcMem,
  percentile,
  randomSecret,
  table,
} from './lib/common.ts'

const DOMAIN = 'storm.frontline.local'
const TIMEOUT_MS = 15_000

export interface StormRound {
  uas: number
  addresses: number
  connectMs: number
  /** From the first register() to the last final answer. */
  wallMs: number
  perSecond: number
  latencies: number[]
  failures: Record<string, number>
  memBefore: ProcMem
  memAfter: ProcMem
}

export interface StormReport {
  rounds: StormRound[]
  /** Same storm from one address (127.0.0.1): what pike does to it. */
  singleAddress: StormRound | null
}

/** ws with a fixed local address per socket, handed out round robin (SIP.js constructs it itself). */
function webSocketFrom(addresses: string[]) {
  let next = 0
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { localAddress: addresses[next++ % addresses.length] })
    }
  }
}

async function stormOnce(uas: number, addressCount: number, timeoutMs = TIMEOUT_MS): Promise<StormRound> {
  const runDir = await mkdtemp(path.join(tmpdir(), 'frontline-storm-'))
  const wsPort = await freePort()
  const secret = randomSecret()
  const log: string[] = []
  const pbx = await startPbx({
    wsPort,
    secret,
    internalSecret: randomSecret(),
    // Nothing in a REGISTER asks the server; a closed port keeps it that way.
    internalUrl: 'http://127.0.0.1:9',
    runDir,
    log: (l) => log.push(l),
  })
  if (!pbx) throw new Error('kamailio is not installed')
  const agents: UserAgent[] = []
  try {
    const mainPid = Number((await readFile(path.join(runDir, 'kamailio.pid'), 'utf8')).trim())
    const addresses = Array.from({ length: addressCount }, (_, i) => `127.0.0.${i + 1}`)
    ;(globalThis as Record<string, unknown>).WebSocket = webSocketFrom(addresses)
    const memBefore = await kamailioMemory(mainPid)

    for (let i = 0; i < uas; i++) {
      const c = ephemeral(secret, `u${i}`)
      agents.push(
        new UserAgent({
          uri: UserAgent.makeURI(`sip:u${i}@${DOMAIN}`),
          transportOptions: { server: `ws://127.0.0.1:${wsPort}`, connectionTimeout: 20 },
          authorizationUsername: c.username,
          authorizationPassword: c.password,
          logLevel: 'error',
          logBuiltinEnabled: false,
        }),
      )
    }
    const tc = performance.now()
    await Promise.all(agents.map((a) => a.start()))
    const connectMs = performance.now() - tc

    const failures: Record<string, number> = {}
    const latencies: number[] = []
    const fail = (why: string) => {
      failures[why] = (failures[why] ?? 0) + 1
    }
    const t0 = performance.now()
    let last = t0
    await Promise.all(
      agents.map(
        (a) =>
          new Promise<void>((resolve) => {
            const reg = new Registerer(a, { expires: 600 })
            const start = performance.now()
            const timer = setTimeout(() => done('timeout'), timeoutMs)
            let settled = false
            const done = (why: string | null) => {
              if (settled) return
              settled = true
              clearTimeout(timer)
              last = Math.max(last, performance.now())
              if (why) fail(why)
              else latencies.push(performance.now() - start)
              resolve()
            }
            reg.stateChange.addListener((s) => {
              if (s === RegistererState.Registered) done(null)
            })
            reg
              .register({
                requestDelegate: {
                  onReject: (r) => done(`${r.message.statusCode} ${r.message.reasonPhrase}`),
                },
              })
              .catch((e: Error) => done(e.message))
          }),
      ),
    )
    const wallMs = last - t0
    await new Promise((r) => setTimeout(r, 300))
    const memAfter = await kamailioMemory(mainPid)
    return {
      uas,
      addresses: addressCount,
      connectMs,
      wallMs,
      perSecond: (latencies.length / wallMs) * 1000,
      latencies,
      failures,
      memBefore,
      memAfter,
    }
  } finally {
    // Close the sockets without 500 un-REGISTERs: stopping Kamailio first drops them all.
    await pbx.stop()
    await Promise.all(agents.map((a) => Promise.race([a.stop().catch(() => {}), sleepMs(2000)])))
    await rm(runDir, { recursive: true, force: true })
  }
}

const sleepMs = (n: number) => new Promise((r) => setTimeout(r, n))

export async function measureRegisterStorm(
  opts: { uas?: number; rounds?: number; addresses?: number; singleAddressUas?: number } = {},
): Promise<StormReport> {
  if (!findKamailio()) throw new Error('kamailio is not installed')
  const { uas = 500, rounds = 3, addresses = 50, singleAddressUas = 100 } = opts
  const previous = (globalThis as Record<string, unknown>).WebSocket
  try {
    const all: StormRound[] = []
    for (let i = 0; i < rounds; i++) all.push(await stormOnce(uas, addresses))
    const single = singleAddressUas > 0 ? await stormOnce(singleAddressUas, 1, 3000) : null
    return { rounds: all, singleAddress: single }
  } finally {
    ;(globalThis as Record<string, unknown>).WebSocket = previous
  }
}

export function formatRegisterStorm(r: StormReport): string[] {
  const fails = (f: Record<string, number>) =>
    Object.entries(f)
      .map(([k, v]) => `${v}× ${k}`)
      .join(', ') || '0'
  const row = (x: StormRound, name: string) => [
    name,
    `${x.uas} from ${x.addresses} addr`,
    ms(x.connectMs),
    ms(x.wallMs),
    x.perSecond.toFixed(0),
    ms(median(x.latencies)),
    ms(percentile(x.latencies, 95)),
    ms(Math.max(...x.latencies)),
    fails(x.failures),
    `${mb(x.memBefore.rssKb)} → ${mb(x.memAfter.rssKb)}`,
    `${mb(x.memBefore.pssKb)} → ${mb(x.memAfter.pssKb)}`,
    `${(x.memAfter.cpuMs - x.memBefore.cpuMs).toFixed(0)} ms`,
  ]
  const rows = r.rounds.map((x, i) => row(x, `round ${i + 1}`))
  const allLat = r.rounds.flatMap((x) => x.latencies)
  const lines = [
    'SIP.js UAs in this Node process (signalling only) → Kamailio of its own; REGISTER→200 includes the 401',
    'challenge round trip. Kamailio RSS = sum of VmRSS over its processes (shared memory counted in each);',
    'PSS splits shared pages, so it is the fairer total. Kamailio CPU = utime+stime of its processes during',
    'the storm. One Node process drives all UAs on the same 2 cores: its SIP.js work (~100% of a core) is',
    'the bottleneck of reg/s here, not Kamailio.',
    ...table(
      [
        'run',
        'UAs',
        'connect all',
        'REGISTER wall',
        'reg/s',
        'p50',
        'p95',
        'max',
        'failures',
        'Kamailio RSS before → after',
        'PSS before → after',
        'Kamailio CPU',
      ],
      rows,
    ),
    `all rounds: median reg/s ${median(r.rounds.map((x) => x.perSecond)).toFixed(0)}, REGISTER→200 p50 ${ms(median(allLat))}, p95 ${ms(percentile(allLat, 95))}`,
  ]
  if (r.singleAddress) {
    lines.push(
      'cross-check, pike as rendered (30 REGISTERs / 2 s per address), all from 127.0.0.1 (the REGISTER that',
      'trips pike is dropped without a reply: a timeout here, 3 s):',
      ...table(
        ['run', 'UAs', '', 'wall', 'reg/s', 'p50', 'p95', 'max', 'failures', 'RSS', 'PSS', 'CPU'],
        [row(r.singleAddress, 'one address')],
      ),
    )
  }
  return lines
}
