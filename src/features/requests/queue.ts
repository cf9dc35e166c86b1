/**
 * Runs the chat outbox (send.ts) for the active account: at start (items a reload left behind),
 * after each message composed, when the network or the realtime link comes back, and when a
 * backoff is due. One run at a time; a kick during a run makes it go round once more.
 */
import type { FrontlineDb } from '../../lib/store/index.ts'
import { httpTransport } from './remote.ts'
import { drainOnce, makeDue, type Transport } from './send.ts'

let current: FrontlineDb | null = null
let transport: Transport = httpTransport
let timer: ReturnType<typeof setTimeout> | undefined
let running: Promise<void> | null = null
let again = false

async function run(db: FrontlineDb): Promise<void> {
  do {
    again = false
    clearTimeout(timer)
    const next = await drainOnce(db, transport)
    if (next !== null && current === db && db.isOpen())
      timer = setTimeout(() => kickOutbox(), Math.max(250, next - Date.now()))
  } while (again && current === db)
}

/** Send what is due now (no-op without an account); `reconnected`: what waited on backoff is due too. */
export function kickOutbox(reconnected = false): Promise<void> {
  const db = current
  if (!db) return Promise.resolve()
  if (reconnected) return makeDue(db).then(() => kickOutbox())
  if (running) {
    again = true
    return running
  }
  running = run(db)
    .catch((e: unknown) => console.error('chat outbox', e))
    .finally(() => {
      running = null
    })
  return running
}

/** Follow an account's database (null on sign-out); `t` replaces the HTTP transport in tests. */
export function followOutbox(db: FrontlineDb | null, t: Transport = httpTransport): void {
  clearTimeout(timer)
  current = db
  transport = t
  if (db) void kickOutbox()
}

globalThis.addEventListener?.('online', () => void kickOutbox(true))
