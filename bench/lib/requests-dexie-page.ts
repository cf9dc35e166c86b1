/**
 * Runs in Chromium (bundled by bench/requests-dexie.ts): the Requests mirror's reads at the issue's
 * sizes — a chat of 10,000 messages opened (its last 50), and the lists over 5,000 chats.
 */
import type { ChatView, MessageView } from '../../contract/chats.ts'
import {
  chatRow,
  localChats,
  localMessages,
  messageRow,
  tabCounts,
} from '../../src/features/requests/mirror.ts'
import { openDb } from '../../src/lib/store/db.ts'

const ME = '00000000-0000-4000-8000-000000000001'

function chat(i: number): ChatView {
  const at = new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString()
  const state = i % 3 === 0 ? 'new' : i % 3 === 1 ? 'active' : 'completed'
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    channel: 'webchat',
    state,
    clientName: `Client ${i}`,
    clientPhone: null,
    clientEmail: null,
    contactId: null,
    visitorId: null,
    groupIds: [],
    assigneeId: state === 'new' ? null : ME,
    assigneeName: null,
    createdAt: at,
    waitingSince: state === 'new' ? at : null,
    acceptedAt: null,
    completedAt: state === 'completed' ? at : null,
    completedById: null,
    lastMessage: { id: `m${i}`, author: 'client', kind: 'text', preview: `Hello ${i}`, at },
    messageCount: 3,
    operatorReadN: 1,
    clientReadN: 0,
    requestInfo: null,
  }
}

function message(chatId: string, n: number): MessageView {
  return {
    id: `msg-${n}`,
    chatId,
    n,
    clientMsgId: `cm-${n}`,
    author: n % 2 ? 'client' : 'operator',
    authorId: null,
    authorName: null,
    kind: 'text',
    text: `Message number ${n} with a little text to make it realistic.`,
    replyToId: null,
    file: null,
    at: new Date(Date.UTC(2026, 10, 1) + n * 1000).toISOString(),
    delivery: 'read',
  }
}

async function median(runs: number, f: () => Promise<unknown>): Promise<number> {
  const ts: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await f()
    ts.push(performance.now() - t0)
  }
  ts.sort((a, b) => a - b)
  return ts[Math.floor(ts.length / 2)] ?? 0
}

async function run() {
  const db = openDb(`bench-${Date.now()}`)
  const big = chat(0).id
  const rows = Array.from({ length: 10_000 }, (_, i) => messageRow(message(big, i + 1)))
  for (let i = 0; i < rows.length; i += 2000) await db.messages.bulkPut(rows.slice(i, i + 2000))
  await db.chats.bulkPut(Array.from({ length: 5000 }, (_, i) => chatRow(chat(i))))
  const firstOpen = performance.now()
  await localMessages(db, big, 50)
  const first = performance.now() - firstOpen
  const out = {
    openChatFirst: first,
    openChat: await median(20, () => localMessages(db, big, 50)),
    listNew: await median(10, () => localChats(db, 'new', ME)),
    listActive: await median(10, () => localChats(db, 'active', ME)),
    counts: await median(10, () => tabCounts(db, ME)),
  }
  db.close()
  await db.delete()
  return out
}

;(globalThis as unknown as { runBench: typeof run }).runBench = run
