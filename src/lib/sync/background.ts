/**
 * The outbox run from a closed app (SPEC N3): the service worker's Background Sync drains every saved
 * account's outbox with that account's own token (sw/outbox.ts wires the `sync` event to this).
 * It is the page's outbox (./outbox.ts) run once with `ready` always true: the same claims in
 * IndexedDB and the same Web Lock liveness keep a page and the worker from sending one item at
 * once, items of one chat leave in the order written, and a replayed sync finds nothing to send.
 * No DOM, no Solid: the worker imports it.
 */
import type { FrontlineDb, OutboxItem } from '../store/db.ts'
import { CHAT_KINDS, deliverChatItem, outcomeOf } from './chat-delivery.ts'
import { type OutboxRun, type SenderRegistry, startOutbox } from './outbox.ts'

/** What a drain left behind: items still waiting (a retry is due later, or a live page holds them). */
export interface DrainResult {
  left: number
}

/** Deliver what can leave now from one account's outbox, then stop. */
export async function drainOutbox(
  db: FrontlineDb,
  senders: SenderRegistry,
  opts: { runId?: string; now?: () => number; alive?: Parameters<typeof startOutbox>[1]['alive'] } = {},
): Promise<DrainResult> {
  let run: OutboxRun | null = null
  try {
    run = startOutbox(db, { ready: () => true, senders, ...opts })
    await run.idle()
  } finally {
    run?.stop()
  }
  const left = await db.outbox.filter((it: OutboxItem) => it.state !== 'refused').count()
  return { left }
}

/** The worker's senders for an account: the chat kinds, with that account's token. */
export function workerSenders(token: string, fetchFn?: typeof fetch, origin?: string): SenderRegistry {
  const senders: SenderRegistry = new Map()
  const chat = {
    send: async (item: OutboxItem) =>
      outcomeOf(await deliverChatItem(item, token, { fetch: fetchFn, origin })),
  }
  for (const kind of CHAT_KINDS) senders.set(kind, chat)
  return senders
}

/** A saved account as the worker needs it (lib/session keeps them in idb-keyval). */
export interface WorkerAccount {
  key: string
  token: string
}

/**
 * One Background Sync: drain each account's own database with its own token (a mirror belongs to
 * one account). Rejects when anything is left, so the browser fires the sync again later.
 */
export async function syncAccounts(
  accounts: readonly WorkerAccount[],
  open: (key: string) => FrontlineDb,
  sendersFor: (token: string) => SenderRegistry = (t) => workerSenders(t),
): Promise<void> {
  let left = 0
  for (const acc of accounts) {
    const db = open(acc.key)
    try {
      left += (await drainOutbox(db, sendersFor(acc.token))).left
    } finally {
      db.close()
    }
  }
  if (left > 0) throw new Error(`outbox: ${left} item(s) still waiting`)
}
