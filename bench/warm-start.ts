/**
 * Warm start (issue 10 budget, SPEC N3): the built PWA, its service worker installed and the account's
 * Dexie mirror holding 100,000 messages (over 1,000 New chats) and 10,000 calls, on an emulated phone
 * (Pixel 7) with the CPU throttled 4× (CDP Emulation.setCPUThrottlingRate) and the network off, so
 * what shows comes from the precache and the mirror. Two figures per start, from navigation start:
 * the first rows with data (index.html's shell painting the operator's last list, public/boot.js —
 * what the operator sees, and what the budget is judged on) and the app's own live list (the Requests
 * screen's `data-live` rows, read from Dexie). Then, unthrottled: a chat opened from the list until
 * its messages show. The data reads alone (last 50 messages, history search) are timed by
 * ./warm-start-data.ts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium, devices } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH, freePort, launchServer, stopServer } from '../scripts/harness.ts'
import { percentile } from './lib/common.ts'

export interface WarmStartOptions {
  chats: number
  messagesPerChat: number
  calls: number
  runs: number
  cpuRate: number
  /** Where to write a CPU profile (.cpuprofile, Chrome DevTools) of the last throttled start. */
  profile?: string
}
export const WARM_START_DEFAULTS: WarmStartOptions = {
  chats: 1_000,
  messagesPerChat: 100,
  calls: 10_000,
  runs: 5,
  cpuRate: 4,
}

/** Runs in the app's page (plain JS: the bench's TypeScript has no DOM): fills the account's database
 * with plain IndexedDB, in the app's row shapes. */
const FILL_SOURCE = `async function fill(o) {
  const uuid = (prefix, i) => \`\${prefix}-0000-4000-8000-\${String(i).padStart(12, '0')}\`
  const iso = (ms) => new Date(ms).toISOString()
  const T0 = Date.now() - 30 * 24 * 3600_000
  const db = await new Promise((ok, ko) => {
    const r = indexedDB.open(o.dbName)
    r.onsuccess = () => ok(r.result)
    r.onerror = () => ko(r.error)
  })
  const put = (store, rows) =>
    new Promise((ok, ko) => {
      const tx = db.transaction(store, 'readwrite')
      const s = tx.objectStore(store)
      for (const row of rows) s.put(row)
      tx.oncomplete = () => ok()
      tx.onerror = () => ko(tx.error)
    })
  const t0 = performance.now()
  for (let c = 0; c < o.chats; c += 50) {
    const chats = []
    const messages = []
    for (let i = c; i < Math.min(o.chats, c + 50); i++) {
      const created = T0 + i * 37_000
      const id = uuid('c0000000', i)
      const last = iso(created + o.messagesPerChat * 1000)
      chats.push({
        id,
        channel: 'webchat',
        state: 'new',
        clientName: \`Visitor \${i}\`,
        clientPhone: null,
        clientEmail: null,
        contactId: null,
        visitorId: uuid('f0000000', i),
        groupIds: [],
        assigneeId: null,
        assigneeName: null,
        createdAt: iso(created),
        waitingSince: iso(created),
        acceptedAt: null,
        completedAt: null,
        completedById: null,
        lastMessage: {
          id: uuid('d0000000', i),
          author: 'client',
          kind: 'text',
          preview: \`Вопрос \${i}\`,
          at: last,
        },
        messageCount: o.messagesPerChat,
        operatorReadN: 0,
        clientReadN: o.messagesPerChat,
        requestInfo: null,
        lastAt: last,
        waitingOrd: iso(created),
      })
      for (let n = 1; n <= o.messagesPerChat; n++)
        messages.push({
          id: \`\${uuid('e0000000', i)}-\${n}\`,
          chatId: id,
          n,
          ord: n,
          clientMsgId: \`\${uuid('a0000000', i)}-\${n}\`,
          author: 'client',
          authorId: null,
          authorName: null,
          kind: 'text',
          text: \`Сообщение \${n}: подскажите, пожалуйста, где мой заказ?\`,
          replyToId: null,
          file: null,
          at: iso(created + n * 1000),
          delivery: 'read',
        })
    }
    await put('chats', chats)
    await put('messages', messages)
  }
  for (let c = 0; c < o.calls; c += 2000) {
    const calls = []
    for (let i = c; i < Math.min(o.calls, c + 2000); i++) {
      const at = T0 + i * 60_000
      const phone = \`+7916\${String(1000000 + i * 7).slice(-7)}\`
      calls.push({
        id: uuid('a1000000', i),
        sipCallId: \`bench-\${i}\`,
        direction: 'inbound',
        state: 'ended',
        fromNumber: phone,
        toNumber: '+74951204560',
        peerNumber: phone,
        peerGiven: false,
        virtualNumber: '+74951204560',
        callerEmployeeId: null,
        answeredById: null,
        answeredByName: 'Operator',
        groupId: null,
        groupName: 'Sales',
        contactId: null,
        contactName: null,
        transferOfId: null,
        startedAt: iso(at),
        answeredAt: iso(at + 5000),
        endedAt: iso(at + 65_000),
        durationSec: 60,
        failureCode: null,
        failureReason: null,
        missed: false,
        handledById: null,
        handledByName: null,
        handledAt: null,
        handledHow: null,
        hasRecording: false,
      })
    }
    await put('calls', calls)
  }
  db.close()
  return performance.now() - t0
}`

export interface WarmStartReport {
  options: WarmStartOptions
  chromium: string
  fillMs: number
  /** Navigation → the first rows with data on the screen (the shell's snapshot, else the app's). */
  toList: number[]
  /** Navigation → the app's own list (its rows, read from the mirror). */
  toLive: number[]
  openChat: number[]
}

/** Starts a server of its own, signs in on an emulated phone, fills the mirror, then times warm starts. */
export async function measureWarmStart(opts: Partial<WarmStartOptions> = {}): Promise<WarmStartReport> {
  const o = { ...WARM_START_DEFAULTS, ...opts }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'frontline-bench-warm-'))
  const port = await freePort()
  const password = 'bench-warm-pass'
  const { child } = await launchServer({
    port,
    dataDir,
    pbx: false,
    sipWsPort: await freePort(),
    password,
    timeoutMs: 120_000,
  })
  const baseURL = `http://127.0.0.1:${port}`
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
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
    // Available: the New list shows (Off work hides it).
    await fetch(`${baseURL}/api/me/status`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ status: 'available' }),
    })
    // The page scripts below are strings (this project's TypeScript has no DOM): the app's CSP would refuse them.
    const context = await browser.newContext({
      ...devices['Pixel 7'],
      baseURL,
      serviceWorkers: 'allow',
      bypassCSP: true,
    })
    const page = await context.newPage()
    // A saved session, as lib/session keeps it (idb-keyval), so the app starts signed in.
    await page.goto('/login')
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
    await page.goto('/requests')
    await page.waitForFunction('navigator.serviceWorker.ready.then((r) => r.active !== null)')
    await page.reload()
    await page.waitForFunction('navigator.serviceWorker.controller !== null')
    // The start-up snapshots have landed before the mirror is filled (they replace the tabs' chats).
    await page.waitForLoadState('networkidle')
    const fillMs = (await page.evaluate(
      `(${FILL_SOURCE})(${JSON.stringify({ ...o, dbName: `frontline-${key}` })})`,
    )) as number

    await context.setOffline(true)
    const cdp = await context.newCDPSession(page)
    const toList: number[] = []
    const toLive: number[] = []
    // Each start notes, from the page's own clock, the frame in which rows with data first showed
    // (a MutationObserver sees them inserted; the stamp is taken in the next animation frame, the one
    // that paints them) and the frame of the app's own rows.
    await page.addInitScript(`(() => {
      const w = (window.__warm = {})
      const stamp = (k) => { w[k] = 0; requestAnimationFrame(() => { w[k] = performance.now() }) }
      const note = () => {
        if (w.first === undefined && document.querySelector('main a[href^="/requests/"]')) stamp('first')
        if (w.live === undefined && document.querySelector('.requests-page[data-live] a[href^="/requests/"]')) {
          stamp('live')
          observer.disconnect()
        }
      }
      const observer = new MutationObserver(note)
      observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-live'] })
    })()`)
    const listed = () =>
      page
        .waitForFunction(
          'window.__warm && window.__warm.live > 0 && window.__warm.first > 0 ? window.__warm : null',
          null,
          {
            polling: 100,
            timeout: 60_000,
          },
        )
        .then((h) => h.jsonValue() as Promise<{ first: number; live: number }>)
    for (let r = 0; r < o.runs + 1; r++) {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: o.cpuRate })
      const profiling = o.profile && r === o.runs
      if (profiling) {
        await cdp.send('Profiler.enable')
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
        await cdp.send('Profiler.start')
      }
      await page.goto('/requests', { waitUntil: 'commit' })
      const t = await listed()
      if (profiling) {
        const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown }
        await writeFile(o.profile as string, JSON.stringify(profile))
      }
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 })
      if (r > 0) {
        // the first start after filling warms the disk cache
        toList.push(t.first)
        toLive.push(t.live)
      }
      // …and its list, with the filled mirror's chats, is saved for the shell (debounced, idle time).
      else
        await page.waitForFunction(
          `(localStorage.getItem('frontline.requests.' + localStorage.getItem('frontline.account')) || '').includes('Visitor ')`,
          null,
          { timeout: 30_000 },
        )
    }
    const openChat: number[] = []
    for (let r = 0; r < o.runs; r++) {
      await page.goto('/requests')
      await listed()
      const links = page.locator('main a[href^="/requests/"]')
      const t0 = await page.evaluate(() => performance.now())
      await links.nth(r).click()
      const h = await page.waitForFunction(
        `[...document.querySelectorAll('main li')].some((li) => li.textContent?.includes(${JSON.stringify(`Сообщение ${o.messagesPerChat}:`)})) ? performance.now() : null`,
        null,
        { polling: 'raf' },
      )
      openChat.push(((await h.jsonValue()) as number) - t0)
    }
    return { options: o, chromium: browser.version(), fillMs, toList, toLive, openChat }
  } finally {
    await browser.close()
    await stopServer(child)
    await rm(dataDir, { recursive: true, force: true })
  }
}

const f0 = (x: number) => `${x.toFixed(0)} ms`
const stats = (xs: number[]) =>
  `p50 ${f0(percentile(xs, 50))}, p95 ${f0(percentile(xs, 95))} (${xs.map(f0).join(', ')})`

/** Lines for the bench output. */
export function formatWarmStart(r: WarmStartReport): string[] {
  const o = r.options
  const p50 = percentile(r.toList, 50)
  return [
    `Chromium ${r.chromium}, Pixel 7 emulation; mirror: ${o.chats * o.messagesPerChat} messages over ${o.chats} New chats, ${o.calls} calls (filled in ${(r.fillMs / 1000).toFixed(1)} s)`,
    `warm start offline, CPU ${o.cpuRate}× throttled, navigation → first Requests rows with data (the shell's saved list — what the operator sees; the budget is judged on this): ${stats(r.toList)} — goal ≤ 500 ms: ${p50 <= 500 ? 'within' : 'OVER'}`,
    `warm start offline, CPU ${o.cpuRate}× throttled, navigation → the app's own live list (read from the mirror): ${stats(r.toLive)}`,
    `open a chat from the list until its messages show (UI, unthrottled): ${stats(r.openChat)}`,
  ]
}
