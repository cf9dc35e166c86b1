/**
 * The reads a warm start makes, on a mirror the size of a busy operator's device (issue 10 budget):
 * 100,000 messages over 1,000 chats and 10,000 calls in the app's own database (src/lib/store/db.ts)
 * read by the app's own functions (features/requests/mirror.ts, features/calls/data.ts), bundled
 * into a page, unthrottled: open a chat (its last 50 messages) and history search.
 */
import path from 'node:path'
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/harness.ts'
import { percentile } from './lib/common.ts'
import { servePage } from './lib/page.ts'

export interface WarmDataOptions {
  chats: number
  messagesPerChat: number
  calls: number
  runs: number
}
export const WARM_DATA_DEFAULTS: WarmDataOptions = {
  chats: 1_000,
  messagesPerChat: 100,
  calls: 10_000,
  runs: 25,
}

const PAGE_SOURCE = `
import { openDb } from './src/lib/store/db.ts'
import { chatRow, localChats, localMessages, messageRow } from './src/features/requests/mirror.ts'
import { localCalls } from './src/features/calls/data.ts'

const ME = '00000000-0000-4000-8000-000000000001'
const OTHER = '00000000-0000-4000-8000-000000000002'
const uuid = (prefix, i) => prefix + '-0000-4000-8000-' + String(i).padStart(12, '0')
const iso = (ms) => new Date(ms).toISOString()
const T0 = Date.UTC(2026, 10, 1)
const NAMES = ['Елена Соколова', 'Иван Петров', 'Мария Кузнецова', 'Олег Смирнов', 'Анна Попова']

export function chat(i) {
  const created = T0 + i * 37_000
  return chatRow({
    id: uuid('c0000000', i), channel: 'webchat', state: 'active', clientName: 'Visitor ' + i, clientPhone: null,
    clientEmail: null, contactId: null, visitorId: uuid('f0000000', i), groupIds: ['g1'],
    assigneeId: ME, assigneeName: 'Operator', createdAt: iso(created), waitingSince: null,
    acceptedAt: iso(created + 60_000), completedAt: null, completedById: null,
    lastMessage: { id: uuid('d0000000', i), author: 'client', kind: 'text', preview: 'Вопрос ' + i, at: iso(created + 5000) },
    messageCount: 100, operatorReadN: 100, clientReadN: 100, requestInfo: null,
  })
}

function message(chatId, n, k) {
  return messageRow({
    id: uuid('e' + String(k).padStart(7, '0'), n), chatId, n, clientMsgId: uuid('a' + String(k).padStart(7, '0'), n),
    author: n % 3 === 0 ? 'operator' : 'client', authorId: n % 3 === 0 ? ME : null,
    authorName: n % 3 === 0 ? 'Operator' : null, kind: 'text',
    text: 'Сообщение номер ' + n + ': подскажите, пожалуйста, где мой заказ?',
    replyToId: null, file: null, at: iso(T0 + n * 1000), delivery: 'read',
  })
}

function call(i) {
  const at = T0 + i * 60_000
  const missed = i % 10 === 0
  const phone = '+7916' + String(1000000 + i * 7).slice(-7)
  return {
    id: uuid('a1000000', i), sipCallId: 'bench-' + i, direction: 'inbound', state: missed ? 'failed' : 'ended',
    fromNumber: phone, toNumber: '+74951204560', peerNumber: phone, peerGiven: false, virtualNumber: '+74951204560',
    callerEmployeeId: null, answeredById: missed ? null : i % 3 === 0 ? ME : OTHER, answeredByName: missed ? null : 'Operator',
    groupId: 'g1', groupName: 'Sales', contactId: i % 4 === 0 ? uuid('b1000000', i % 500) : null,
    contactName: i % 4 === 0 ? NAMES[i % NAMES.length] : null, transferOfId: null,
    startedAt: iso(at), answeredAt: missed ? null : iso(at + 5000), endedAt: iso(at + 65_000),
    durationSec: missed ? null : 60, failureCode: missed ? 408 : null, failureReason: missed ? 'No answer' : null,
    missed, handledById: null, handledByName: null, handledAt: null, handledHow: null, hasRecording: false,
  }
}

async function bulk(table, rows) {
  for (let i = 0; i < rows.length; i += 5000) await table.bulkPut(rows.slice(i, i + 5000))
}

let db
window.fill = async (o) => {
  const t0 = performance.now()
  db = openDb('bench-warm')
  await db.delete()
  db = openDb('bench-warm')
  const chats = Array.from({ length: o.chats }, (_, i) => chat(i))
  await bulk(db.chats, chats)
  for (let c = 0; c < o.chats; c += 100) {
    const rows = []
    for (let k = c; k < Math.min(o.chats, c + 100); k++)
      for (let n = 1; n <= o.messagesPerChat; n++) rows.push(message(chats[k].id, n, k))
    await bulk(db.messages, rows)
  }
  await bulk(db.calls, Array.from({ length: o.calls }, (_, i) => call(i)))
  return { fillMs: performance.now() - t0, messages: await db.messages.count(), calls: await db.calls.count() }
}

async function time(fn) {
  const t0 = performance.now()
  const r = await fn()
  return [performance.now() - t0, r]
}

window.measure = async (o) => {
  db.close()
  db = openDb('bench-warm')
  const out = { open: [], list: [], mine: [], missed: [], searchDigits: [], searchName: [], sizes: {} }
  const chatId = (k) => uuid('c0000000', k)
  for (let r = 0; r < o.runs; r++) {
    const [ms, rows] = await time(() => localMessages(db, chatId((r * 37) % o.chats), 50))
    out.open.push(ms); out.sizes.open = rows.length
    const [l, chats] = await time(() => localChats(db, 'active', ME)); out.list.push(l); out.sizes.list = chats.length
    const [m, mine] = await time(() => localCalls(db, 'mine', ME, '')); out.mine.push(m); out.sizes.mine = mine.length
    const [x, missed] = await time(() => localCalls(db, 'missed', ME, '')); out.missed.push(x); out.sizes.missed = missed.length
    const [d, byDigits] = await time(() => localCalls(db, 'all', ME, '104 9')); out.searchDigits.push(d); out.sizes.digits = byDigits.length
    const [n, byName] = await time(() => localCalls(db, 'all', ME, 'Соколова')); out.searchName.push(n); out.sizes.name = byName.length
  }
  return out
}
window.ready = true
`

type Series = 'open' | 'list' | 'mine' | 'missed' | 'searchDigits' | 'searchName'
export interface WarmDataReport {
  options: WarmDataOptions
  fill: { fillMs: number; messages: number; calls: number }
  page: Record<Series, number[]> & { sizes: Record<string, number> }
}

interface W {
  fill(o: WarmDataOptions): Promise<WarmDataReport['fill']>
  measure(o: WarmDataOptions): Promise<WarmDataReport['page']>
}

/** Fills and measures in one headless Chromium page (no throttling). */
export async function measureWarmData(opts: Partial<WarmDataOptions> = {}): Promise<WarmDataReport> {
  const o = { ...WARM_DATA_DEFAULTS, ...opts }
  const { url, server } = await servePage(
    path.resolve(import.meta.dirname, '..'),
    PAGE_SOURCE,
    'bench-warm-page.js',
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
    page.on('crash', () => errors.push('the page crashed'))
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    await page.goto(url)
    await page.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true)
    const fill = await page.evaluate((x) => (globalThis as unknown as W).fill(x), o)
    const result = await page.evaluate((x) => (globalThis as unknown as W).measure(x), o)
    if (errors.length) throw new Error(errors.join('; '))
    return { options: o, fill, page: result }
  } finally {
    await browser.close()
    await new Promise((r) => server.close(r))
  }
}

const f1 = (x: number) => `${x.toFixed(1)} ms`
const stats = (xs: number[]) => `p50 ${f1(percentile(xs, 50))}, p95 ${f1(percentile(xs, 95))}`
const goal = (xs: number[], g: number) => (percentile(xs, 95) <= g ? 'within' : 'OVER')

/** Lines for the bench output. */
export function formatWarmData(r: WarmDataReport): string[] {
  const p = r.page
  const s = p.sizes
  return [
    `mirror: ${r.fill.messages} messages in ${r.options.chats} chats, ${r.fill.calls} calls (filled in ${(r.fill.fillMs / 1000).toFixed(1)} s); unthrottled, ${r.options.runs} runs each`,
    `  open a chat (last ${s.open} messages): ${stats(p.open)} — goal ≤ 20 ms: ${goal(p.open, 20)}`,
    `  In work list (${s.list} chats): ${stats(p.list)}`,
    `  history, My calls (${s.mine} rows): ${stats(p.mine)}`,
    `  history, Missed (${s.missed} rows): ${stats(p.missed)}`,
    `  history search by number "104 9" (${s.digits} rows): ${stats(p.searchDigits)} — goal ≤ 50 ms: ${goal(p.searchDigits, 50)}`,
    `  history search by name "Соколова" (${s.name} rows): ${stats(p.searchName)} — goal ≤ 50 ms: ${goal(p.searchName, 50)}`,
  ]
}
