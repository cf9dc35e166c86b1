/**
 * Issue 11 item 8 (first paint on a phone): Lighthouse 12's mobile performance run (its default
 * config: Moto G Power emulation, simulated slow 4G, 4× CPU) on the built PWA served by a real server,
 * for the login page and for a signed-in screen (Requests). The signed-in run gets its session the way
 * the app keeps it (idb-keyval `accounts`, lib/session) in the same profile, then the origin's service
 * worker and caches are cleared so both runs are first loads over the network. Prints the score, LCP,
 * FCP, TBT and the JavaScript bytes each page loads (the login route must stay light).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium } from '@playwright/test'
import lighthouse from 'lighthouse'
import { CHROMIUM_ARGS, CHROMIUM_PATH, freePort, launchServer, stopServer } from '../scripts/harness.ts'
import { median } from './lib/common.ts'

export interface LighthouseOptions {
  runs: number
  /** Also print Lighthouse's own breakdown of the signed-in runs (bootup time per script, main-thread
   * work, long tasks, the LCP element and its phases, unused JavaScript). */
  detail: boolean
  /** Only the signed-in screen (the login page is skipped): quicker while working on the start path. */
  signedInOnly: boolean
}
export const LIGHTHOUSE_DEFAULTS: LighthouseOptions = { runs: 3, detail: false, signedInOnly: false }

export interface LighthouseRun {
  score: number
  lcpMs: number
  fcpMs: number
  tbtMs: number
  jsBytes: number
  jsFiles: number
  lcpElement: string
  /** Lighthouse's breakdown lines (only with `detail`). */
  detail?: string[]
}
export interface LighthouseReport {
  options: LighthouseOptions
  chromium: string
  login: LighthouseRun[]
  signedIn: LighthouseRun[]
}

interface Audit {
  numericValue?: number
  details?: { items?: Array<Record<string, unknown>> }
}

const short = (url: unknown) => String(url).replace(/^https?:\/\/[^/]+/, '') || String(url)
const ms = (x: unknown) => `${Number(x ?? 0).toFixed(0)} ms`

/** Lighthouse's own figures for one run: where the main thread went and what the LCP waited on. */
function detailLines(a: Record<string, Audit>): string[] {
  const items = (id: string) => (a[id]?.details?.items ?? []) as Array<Record<string, unknown>>
  const out: string[] = []
  out.push(
    `    bootup-time (total ${ms(a['bootup-time']?.numericValue)}): ${items('bootup-time')
      .map(
        (i) =>
          `${short(i.url)} ${ms(i.total)} (script ${ms(i.scripting)}, parse ${ms(i.scriptParseCompile)})`,
      )
      .join('; ')}`,
  )
  out.push(
    `    main thread (total ${ms(a['mainthread-work-breakdown']?.numericValue)}): ${items(
      'mainthread-work-breakdown',
    )
      .map((i) => `${i.groupLabel ?? i.group} ${ms(i.duration)}`)
      .join('; ')}`,
  )
  out.push(
    `    long tasks: ${items('long-tasks')
      .map((i) => `${short(i.url)} @${ms(i.startTime)} ${ms(i.duration)}`)
      .join('; ')}`,
  )
  // The trace as it was observed (no throttling): what the simulated figures are computed from.
  const m = (a.metrics?.details?.items?.[0] ?? {}) as Record<string, number>
  out.push(
    `    observed (unthrottled): FCP ${ms(m.observedFirstContentfulPaint)}, LCP ${ms(m.observedLargestContentfulPaint)}, last visual change ${ms(m.observedLastVisualChange)}`,
  )
  // LH 12 with this Chromium often fails the LCP element audit (its TraceElements gatherer).
  const lcpAudit = a['largest-contentful-paint-element'] as Audit & { errorMessage?: string }
  const lcp = (lcpAudit?.details?.items ?? []) as Array<{ items?: Array<Record<string, unknown>> }>
  const phases = lcp[1]?.items ?? []
  out.push(
    `    LCP phases: ${phases.map((p) => `${p.phase} ${ms(p.timing)}`).join('; ') || `n/a (${lcpAudit?.errorMessage?.slice(0, 90) ?? 'no audit'})`}`,
  )
  const before = (
    (a['network-requests']?.details?.items ?? []) as Array<{ url: string; networkRequestTime?: number }>
  )
    .filter((r) => (r.networkRequestTime ?? 0) < (m.observedLargestContentfulPaint ?? 0))
    .map((r) => short(r.url))
  out.push(`    requests started before the observed LCP (${before.length}): ${before.join(', ')}`)
  out.push(
    `    unused JS: ${items('unused-javascript')
      .map(
        (i) =>
          `${short(i.url)} ${(Number(i.wastedBytes) / 1024).toFixed(0)}/${(Number(i.totalBytes) / 1024).toFixed(0)} KB`,
      )
      .join('; ')}`,
  )
  out.push(
    `    render-blocking: ${
      items('render-blocking-resources')
        .map((i) => `${short(i.url)} ${ms(i.wastedMs)}`)
        .join('; ') || 'none'
    }`,
  )
  const reqs = (a['network-requests']?.details?.items ?? []) as Array<{ url: string }>
  const seen = new Map<string, number>()
  for (const r of reqs) seen.set(r.url, (seen.get(r.url) ?? 0) + 1)
  const twice = [...seen].filter(([, n]) => n > 1)
  out.push(
    `    requests: ${reqs.length}; fetched more than once: ${twice.map(([u, n]) => `${short(u)} ×${n}`).join(', ') || 'none'}`,
  )
  return out
}

function summarise(
  lhr: {
    categories: { performance: { score: number | null } }
    audits: Record<string, Audit>
  },
  detail = false,
): LighthouseRun {
  const a = lhr.audits
  const requests = (a['network-requests']?.details?.items ?? []) as Array<{
    url: string
    resourceType?: string
    transferSize?: number
    resourceSize?: number
  }>
  const scripts = requests.filter((r) => r.resourceType === 'Script')
  const lcpItems = a['largest-contentful-paint-element']?.details?.items ?? []
  const node = JSON.stringify(lcpItems).match(/"snippet":"((?:[^"\\]|\\.)*)"/)
  return {
    score: Math.round((lhr.categories.performance.score ?? 0) * 100),
    lcpMs: a['largest-contentful-paint']?.numericValue ?? Number.NaN,
    fcpMs: a['first-contentful-paint']?.numericValue ?? Number.NaN,
    tbtMs: a['total-blocking-time']?.numericValue ?? Number.NaN,
    jsBytes: scripts.reduce((s, r) => s + (r.resourceSize ?? r.transferSize ?? 0), 0),
    jsFiles: scripts.length,
    lcpElement: node ? JSON.parse(`"${node[1]}"`).slice(0, 80) : '?',
    ...(detail ? { detail: detailLines(a) } : {}),
  }
}

/** Starts a server of its own and runs Lighthouse `runs` times on each page. */
export async function measureLighthouse(opts: Partial<LighthouseOptions> = {}): Promise<LighthouseReport> {
  const o = { ...LIGHTHOUSE_DEFAULTS, ...opts }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'frontline-bench-lh-'))
  const port = await freePort()
  const debugPort = await freePort()
  const password = 'bench-lh-pass'
  const { child } = await launchServer({
    port,
    dataDir,
    pbx: false,
    sipWsPort: await freePort(),
    password,
    timeoutMs: 120_000,
  })
  const baseURL = `http://127.0.0.1:${port}`
  // Debian's Chromium with the machine's flags, a profile of its own: Lighthouse opens its tab in the
  // default (persistent) context over the DevTools port, where the session is injected too.
  const context = await chromium.launchPersistentContext(path.join(dataDir, 'profile'), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, `--remote-debugging-port=${debugPort}`],
  })
  try {
    const res = await fetch(`${baseURL}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'op1@demo', password }),
    })
    if (!res.ok) throw new Error(`login: HTTP ${res.status}`)
    const { token, me } = (await res.json()) as { token: string; me: { id: string; tenantId: string } }
    const key = `${me.tenantId}.${me.id}`
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    const run = async (url: string, signedIn: boolean): Promise<LighthouseRun> => {
      await page.goto(`${baseURL}/login`)
      if (signedIn) {
        // A saved session, as lib/session keeps it; the storage reset would wipe it, so the run keeps
        // storage and only the service worker and its caches are cleared (a first load, signed in).
        await page.evaluate(`new Promise((ok, ko) => {
          const r = indexedDB.open('keyval-store')
          r.onupgradeneeded = () => r.result.createObjectStore('keyval')
          r.onsuccess = () => {
            const tx = r.result.transaction('keyval', 'readwrite')
            tx.objectStore('keyval').put(${JSON.stringify({ list: [{ key, token, me, savedAt: new Date().toISOString() }], activeKey: key })}, 'accounts')
            tx.oncomplete = () => { r.result.close(); ok() }
            tx.onerror = () => ko(tx.error)
          }
        })`)
      }
      await page.evaluate(
        'navigator.serviceWorker.getRegistrations().then((rs) => Promise.all(rs.map((r) => r.unregister())))',
      )
      await cdp.send('Storage.clearDataForOrigin', {
        origin: baseURL,
        storageTypes: 'service_workers,cache_storage',
      })
      await cdp.send('Network.clearBrowserCache')
      await page.goto('about:blank')
      const result = await lighthouse(url, {
        port: debugPort,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance'],
        disableStorageReset: signedIn,
      })
      if (!result) throw new Error('lighthouse returned nothing')
      if (process.env.LIGHTHOUSE_DUMP)
        await writeFile(
          `${process.env.LIGHTHOUSE_DUMP}-${signedIn ? 'signed-in' : 'login'}.json`,
          result.report as string,
        )
      if (result.lhr.runtimeError) throw new Error(`lighthouse: ${result.lhr.runtimeError.message}`)
      return summarise(result.lhr as unknown as Parameters<typeof summarise>[0], o.detail && signedIn)
    }
    const login: LighthouseRun[] = []
    const signedIn: LighthouseRun[] = []
    // On a loaded machine Lighthouse now and then loses its trace (NO_NAVSTART): that run is redone.
    const retried = async (url: string, signed: boolean): Promise<LighthouseRun> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await run(url, signed)
        } catch (e) {
          if (attempt >= 3 || !/NO_NAVSTART|NO_FCP|trace/i.test((e as Error).message)) throw e
        }
      }
    }
    for (let r = 0; r < o.runs; r++) {
      if (!o.signedInOnly) login.push(await retried(`${baseURL}/login`, false))
      signedIn.push(await retried(`${baseURL}/requests`, true))
    }
    const { product } = (await cdp.send('Browser.getVersion')) as { product: string }
    return { options: o, chromium: product.replace(/^[^/]*\//, ''), login, signedIn }
  } finally {
    await context.close()
    await stopServer(child)
    await rm(dataDir, { recursive: true, force: true })
  }
}

const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`
const s2 = (x: number) => `${(x / 1000).toFixed(2)} s`

function line(name: string, runs: LighthouseRun[]): string[] {
  const score = median(runs.map((r) => r.score))
  const lcp = median(runs.map((r) => r.lcpMs))
  return [
    `${name}: performance ${score} (${runs.map((r) => r.score).join(', ')}), LCP ${s2(lcp)} (${runs.map((r) => s2(r.lcpMs)).join(', ')}), FCP ${s2(median(runs.map((r) => r.fcpMs)))}, TBT ${median(runs.map((r) => r.tbtMs)).toFixed(0)} ms — goal ≥ 95 and LCP ≤ 2.0 s: ${score >= 95 && lcp <= 2000 ? 'within' : 'OVER'}`,
    `  JS loaded: ${kb(median(runs.map((r) => r.jsBytes)))} in ${median(runs.map((r) => r.jsFiles))} files; LCP element: ${runs.at(-1)?.lcpElement}`,
  ]
}

/** Lines for the bench output (medians of the runs, each run's figure in brackets). */
export function formatLighthouse(r: LighthouseReport): string[] {
  return [
    `Lighthouse 12 mobile (simulated slow 4G, 4× CPU), Chromium ${r.chromium}, ${r.options.runs} runs each`,
    ...(r.login.length ? line('login page (/login)', r.login) : []),
    ...line('signed-in screen (/requests)', r.signedIn),
    ...r.signedIn.flatMap((run, i) =>
      run.detail ? [`  signed-in run ${i + 1} (score ${run.score}):`, ...run.detail] : [],
    ),
  ]
}
