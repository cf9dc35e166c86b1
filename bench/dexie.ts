/**
 * The Requests mirror in real Chromium (issue 7 budget): the app's own account database
 * (src/lib/store/db.ts `openDb`, schema v5 with `chats` and `messages`) and the app's own reads
 * (src/features/requests/mirror.ts), bundled into a page by esbuild. Filled with one chat of 10,000
 * messages (plus 10,000 more spread over 500 other chats, so the index holds other keys) and 5,000
 * chats in the three tabs; then timed:
 * - "open a chat": `localMessages(db, chat, 50)` — the last 50 by the `[chatId+ord]` index (ord = n);
 *   the first read after the database was opened, then p50/p95 of repeated reads;
 * - the Requests lists: `localChats` of New (by `[state+waitingOrd]`), In work and Completed (by
 *   `[state+lastAt]`, newest first) and `tabCounts` (the tab labels), p50/p95.
 */
import path from 'node:path'
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/harness.ts'
import { percentile } from './lib/common.ts'
import { servePage } from './lib/page.ts'

export interface DexieOptions {
  bigChatMessages: number
  otherChats: number
  otherMessagesPerChat: number
  chats: { new: number; active: number; completed: number }
  runs: number
}

export const DEXIE_DEFAULTS: DexieOptions = {
  bigChatMessages: 10_000,
  otherChats: 500,
  otherMessagesPerChat: 20,
  chats: { new: 1_000, active: 1_000, completed: 3_000 },
  runs: 25,
}

/** Runs in the page: fills the app's database and times the app's reads. */
const PAGE_SOURCE = `
import { openDb } from './src/lib/store/db.ts'
import { chatRow, localChats, localMessages, messageRow, tabCounts } from './src/features/requests/mirror.ts'

const ME = '00000000-0000-4000-8000-000000000001'
const OTHER = '00000000-0000-4000-8000-000000000002'
const uuid = (prefix, i) => prefix + '-0000-4000-8000-' + String(i).padStart(12, '0')
const iso = (ms) => new Date(ms).toISOString()
const T0 = Date.UTC(2026, 10, 1)

function chat(i, state) {
  const created = T0 + i * 37_000
  const mine = state !== 'new' && i % 2 === 0
  return chatRow({
    id: uuid('c0000000', i), channel: 'webchat', state, clientName: 'Visitor ' + i, clientPhone: null,
    clientEmail: null, contactId: null, visitorId: uuid('f0000000', i), groupIds: ['g1', 'g2'],
    assigneeId: state === 'new' ? null : mine ? ME : OTHER, assigneeName: state === 'new' ? null : 'Operator',
    createdAt: iso(created), waitingSince: state === 'completed' ? null : iso(created + (i % 97) * 1000),
    acceptedAt: state === 'new' ? null : iso(created + 60_000),
    completedAt: state === 'completed' ? iso(created + 600_000) : null,
    completedById: state === 'completed' ? (mine ? ME : OTHER) : null,
    lastMessage: { id: uuid('d0000000', i), author: 'client', kind: 'text', preview: 'Здравствуйте, вопрос по заказу ' + i, at: iso(created + (i % 1013) * 5000) },
    messageCount: 20, operatorReadN: i % 20, clientReadN: 20, requestInfo: null,
  })
}

function message(chatId, n, k) {
  return messageRow({
    id: uuid('e' + String(k).padStart(7, '0'), n), chatId, n, clientMsgId: uuid('a' + String(k).padStart(7, '0'), n),
    author: n % 3 === 0 ? 'operator' : 'client', authorId: n % 3 === 0 ? ME : null,
    authorName: n % 3 === 0 ? 'Operator' : null, kind: 'text',
    text: 'Сообщение номер ' + n + ': подскажите, пожалуйста, где мой заказ и когда его привезут?',
    replyToId: null, file: null, at: iso(T0 + n * 1000), delivery: 'read',
  })
}

async function bulk(table, rows) {
  for (let i = 0; i < rows.length; i += 2000) await table.bulkPut(rows.slice(i, i + 2000))
}

let db
const BIG = uuid('b0000000', 1)

window.fill = async (o) => {
  const t0 = performance.now()
  db = openDb('bench-dexie')
  await db.delete()
  db = openDb('bench-dexie')
  await db.open()
  let i = 0
  const chats = []
  for (const [state, count] of Object.entries(o.chats)) for (let k = 0; k < count; k++) chats.push(chat(i++, state))
  await bulk(db.chats, chats)
  const big = []
  for (let n = 1; n <= o.bigChatMessages; n++) big.push(message(BIG, n, 1))
  await bulk(db.messages, big)
  const other = []
  for (let c = 0; c < o.otherChats; c++)
    for (let n = 1; n <= o.otherMessagesPerChat; n++) other.push(message(chats[c % chats.length].id, n, c + 2))
  await bulk(db.messages, other)
  return { fillMs: performance.now() - t0, chats: await db.chats.count(), messages: await db.messages.count() }
}

async function time(fn) {
  const t0 = performance.now()
  const r = await fn()
  return [performance.now() - t0, r]
}

window.measure = async (runs) => {
  // A fresh connection, as after the app starts: the first read pays for opening.
  db.close()
  db = openDb('bench-dexie')
  const [firstOpen, firstRows] = await time(() => localMessages(db, BIG, 50))
  const open = []
  for (let r = 0; r < runs; r++) open.push((await time(() => localMessages(db, BIG, 50)))[0])
  const lists = { new: [], active: [], completed: [], counts: [] }
  const sizes = {}
  for (let r = 0; r < runs; r++) {
    for (const tab of ['new', 'active', 'completed']) {
      const [ms, rows] = await time(() => localChats(db, tab, ME))
      lists[tab].push(ms)
      sizes[tab] = rows.length
    }
    const [ms, counts] = await time(() => tabCounts(db, ME))
    lists.counts.push(ms)
    sizes.counts = counts
  }
  const ns = firstRows.map((m) => m.n)
  return { firstOpen, firstN: [ns[0], ns[ns.length - 1], ns.length], open, lists, sizes }
}
window.ready = true
`

interface PageResult {
  firstOpen: number
  firstN: [number, number, number]
  open: number[]
  lists: Record<'new' | 'active' | 'completed' | 'counts', number[]>
  sizes: { new: number; active: number; completed: number; counts: Record<string, number> }
}

export interface DexieReport {
  options: DexieOptions
  chromium: string
  fill: { fillMs: number; chats: number; messages: number }
  page: PageResult
}

interface W {
  fill(o: DexieOptions): Promise<DexieReport['fill']>
  measure(runs: number): Promise<PageResult>
}

/** Fills and measures in one headless Chromium page. */
export async function measureDexie(opts: Partial<DexieOptions> = {}): Promise<DexieReport> {
  const o = { ...DEXIE_DEFAULTS, ...opts }
  const { url, server } = await servePage(
    path.resolve(import.meta.dirname, '..'),
    PAGE_SOURCE,
    'bench-dexie-page.js',
  )
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  })
  try {
    const page = await (await browser.newContext()).newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(url)
    await page.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true)
    const fill = await page.evaluate((x) => (globalThis as unknown as W).fill(x), o)
    const result = await page.evaluate((runs) => (globalThis as unknown as W).measure(runs), o.runs)
    if (errors.length) throw new Error(errors.join('; '))
    return { options: o, chromium: browser.version(), fill, page: result }
  } finally {
    await browser.close()
    await new Promise((r) => server.close(r))
  }
}

const f1 = (x: number) => `${x.toFixed(1)} ms`
const stats = (xs: number[]) => `p50 ${f1(percentile(xs, 50))}, p95 ${f1(percentile(xs, 95))}`

/** Lines for the bench output. */
export function formatDexie(r: DexieReport): string[] {
  const o = r.options
  const p = r.page
  const p95 = percentile(p.open, 95)
  const c = p.sizes.counts
  return [
    `Chromium ${r.chromium}; the app's schema (src/lib/store/db.ts v5) and reads (features/requests/mirror.ts)`,
    `filled ${r.fill.chats} chats (${o.chats.new} New, ${o.chats.active} In work — half mine —, ${o.chats.completed} Completed) and ${r.fill.messages} messages (${o.bigChatMessages} in one chat) in ${(r.fill.fillMs / 1000).toFixed(1)} s`,
    `open a chat (last 50 of ${o.bigChatMessages} by [chatId+ord]): first read after opening the database ${f1(p.firstOpen)} (n ${p.firstN[0]}…${p.firstN[1]}, ${p.firstN[2]} rows); then ${stats(p.open)} over ${o.runs} runs — goal ≤ 20 ms: ${p95 <= 20 ? 'within' : 'OVER'}`,
    `Requests lists (${o.runs} runs each):`,
    `  New (${p.sizes.new} rows, longest waiting first): ${stats(p.lists.new)}`,
    `  In work (${p.sizes.active} mine of ${o.chats.active}, newest activity first): ${stats(p.lists.active)}`,
    `  Completed (${p.sizes.completed} rows, newest first): ${stats(p.lists.completed)}`,
    `  tab counts (new ${c.new}, in work ${c.active}, completed ${c.completed}, unread ${c.unreadNew}/${c.unreadActive}): ${stats(p.lists.counts)}`,
  ]
}
