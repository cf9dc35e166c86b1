/**
 * The one durable outbox (ARCHITECTURE "Realtime and offline", SPEC N3, C8): everything the device
 * must deliver — call recordings, chat messages, files, voice — is an item in the account's Dexie
 * database, so it survives reloads and dead networks. Lifecycle and retry policy: ./outbox-state.ts.
 *
 * - A feature registers one sender per kind (`registerSender`); the sender does the request and says
 *   what came of it (`outcomeOfStatus` maps an HTTP status by the one policy).
 * - `enqueue` keeps an item whose id was made once, when it was composed (`newOutboxId`).
 * - `startOutbox` runs while the device is online and the realtime link is live: items of one `key`
 *   leave one at a time in the order they were composed, different keys in parallel; a refused item
 *   is kept with its error and blocks nothing; a failed-retryable one holds its key until it is sent.
 * - Two tabs (or two runs) never send one item twice: an item is claimed in a Dexie transaction, and
 *   a claim only expires when its run died mid-send. A run holds the Web Lock `outbox-run-<runId>`
 *   while it lives, so a claim whose lock nobody holds (the page was reloaded or closed mid-send) is
 *   taken over at once; without Web Locks, after `CLAIM_LEASE_MS`.
 * - The service worker runs the same outbox by Background Sync (./background.ts, sw/outbox.ts): it is
 *   one more run with its own lock, so the claims keep it and a page from sending one item twice.
 */
import Dexie from 'dexie'
// From the store's schema file, not its door: the service worker runs this too (no Solid there).
import type { FrontlineDb, OutboxItem, OutboxKind } from '../store/db.ts'
import { backoffMs, nextState, type OutboxEvent, type SendOutcome } from './outbox-state.ts'

export { backoffMs, type OutboxState, outcomeOfStatus, type SendOutcome } from './outbox-state.ts'
export type { OutboxItem, OutboxKind }

/**
 * Payload types by kind. A feature adds its kind's payload by declaration merging:
 * `declare module '../../lib/sync/outbox.ts' { interface OutboxPayloads { message: MyPayload } }`.
 */
export interface OutboxPayloads {
  recording: { sipCallId: string; blob: Blob; type: string; durationMs: number }
}
/** The payload of a kind (unknown until its feature declares it). */
export type PayloadOf<K extends OutboxKind> = K extends keyof OutboxPayloads ? OutboxPayloads[K] : unknown
/** An item of one kind, its payload typed. */
export type ItemOf<K extends OutboxKind> = Omit<OutboxItem, 'kind' | 'payload'> & {
  kind: K
  payload: PayloadOf<K>
}

/** How a feature delivers one kind. */
export interface Sender<K extends OutboxKind> {
  /** One attempt. A throw counts as a network failure (retried). */
  send: (item: ItemOf<K>) => Promise<SendOutcome>
  /** The server refused the item for good (it is kept with its error): tell the operator. */
  onRefused?: (item: ItemOf<K>) => void
}

/** A run dead mid-send (tab closed, reload) leaves its item `sending`; after this long, another run takes it. */
export const CLAIM_LEASE_MS = 120_000

type AnySender = { send: (item: OutboxItem) => Promise<SendOutcome>; onRefused?: (item: OutboxItem) => void }
export type SenderRegistry = Map<OutboxKind, AnySender>

const registry: SenderRegistry = new Map()

/** Register the sender of a kind (call it from the feature's door); returns a function that removes it. */
export function registerSender<K extends OutboxKind>(
  kind: K,
  sender: Sender<K>,
  senders: SenderRegistry = registry,
): () => void {
  senders.set(kind, sender as unknown as AnySender)
  for (const r of runs) r.kick()
  return () => {
    if (senders.get(kind) === (sender as unknown)) senders.delete(kind)
  }
}

/** A new item id (a UUID): make it when the item is composed and keep it (it is the idempotency key). */
export function newOutboxId(): string {
  return crypto.randomUUID()
}

/** What a feature gives to `enqueue`. */
export interface NewItem<K extends OutboxKind> {
  kind: K
  key: string
  payload: PayloadOf<K>
  /** Made when composed (`newOutboxId()` by default); enqueueing the same id again keeps the first item. */
  id?: string
}

/** Keep an item for delivery and wake the outbox of this database. Returns the stored item. */
export async function enqueue<K extends OutboxKind>(db: FrontlineDb, item: NewItem<K>): Promise<OutboxItem> {
  const id = item.id ?? newOutboxId()
  const stored = await db.transaction('rw', db.outbox, async () => {
    const existing = await db.outbox.get(id)
    if (existing) return existing
    const seq = ((await db.outbox.orderBy('seq').last())?.seq ?? 0) + 1
    const row: OutboxItem = {
      id,
      kind: item.kind,
      key: item.key,
      seq,
      state: 'queued',
      payload: item.payload,
      attempts: 0,
      nextAt: 0,
      lastError: null,
      claimedBy: null,
      claimedAt: 0,
      createdAt: new Date().toISOString(),
    }
    await db.outbox.add(row)
    return row
  })
  for (const r of runs) if (r.db === db) r.kick()
  requestBackgroundSync()
  return stored
}

/** The Background Sync tag the service worker drains the outbox on (sw/outbox.ts). */
export const OUTBOX_SYNC_TAG = 'outbox'

type SyncRegistration = { sync?: { register(tag: string): Promise<void> } }

/**
 * Ask the service worker to run the outbox by Background Sync where the browser has it (N3): if this
 * page is closed before its items leave, the worker sends them once the device is online. Harmless
 * when the page sends them first (the worker finds nothing) — the tag is one registration however often asked.
 */
export function requestBackgroundSync(): void {
  const container = (globalThis as { navigator?: { serviceWorker?: { ready: Promise<unknown> } } }).navigator
    ?.serviceWorker
  if (!container || !('SyncManager' in globalThis)) return
  void container.ready
    .then((r) => (r as unknown as SyncRegistration).sync?.register(OUTBOX_SYNC_TAG))
    .catch(() => {})
}

/** The items of one key still in the outbox, in the order they were composed (for a screen's live query). */
export function itemsOfKey(db: FrontlineDb, key: string): Promise<OutboxItem[]> {
  return db.outbox.where('[key+seq]').between([key, Dexie.minKey], [key, Dexie.maxKey]).toArray()
}

/** The operator asks to try a refused or waiting item again now. */
export async function retryItem(db: FrontlineDb, id: string): Promise<void> {
  await transition(db, id, { type: 'retry' }, { attempts: 0, nextAt: 0, lastError: null })
  for (const r of runs) if (r.db === db) r.kick()
}

/** The operator drops a refused item (e.g. "Delete recording copy"); other states are left alone. */
export async function discardRefused(db: FrontlineDb, id: string): Promise<boolean> {
  return db.transaction('rw', db.outbox, async () => {
    const row = await db.outbox.get(id)
    if (row?.state !== 'refused') return false
    await db.outbox.delete(id)
    return true
  })
}

async function transition(
  db: FrontlineDb,
  id: string,
  ev: OutboxEvent,
  patch: Partial<OutboxItem>,
): Promise<boolean> {
  return db.transaction('rw', db.outbox, async () => {
    const row = await db.outbox.get(id)
    const to = row && nextState(row.state, ev)
    if (!to) return false
    await db.outbox.update(id, { ...patch, state: to })
    return true
  })
}

/** A running outbox for one account's database. */
export interface OutboxRun {
  readonly db: FrontlineDb
  /** Look for work now (enqueue, back online, link live). */
  kick(): void
  /** Resolves once nothing is being sent or looked for (tests). */
  idle(): Promise<void>
  stop(): void
}

export interface OutboxOptions {
  /** Online and the realtime link live: only then does anything leave. */
  ready: () => boolean
  /** Defaults to the app's registry (`registerSender`). */
  senders?: SenderRegistry
  now?: () => number
  random?: () => number
  /** This run's name in claims (a tab and its runs differ). */
  runId?: string
  /**
   * Whether the run that claimed an item still lives: true, false (gone: its claim is taken over at
   * once), or undefined (cannot tell: the claim lease decides). Default: Web Locks (`webLockLiveness`).
   */
  alive?: (runIds: readonly string[]) => Promise<Map<string, boolean | undefined>>
  /** Announce this run as alive until it stops; resolves once it is announced. Default: Web Locks. */
  hold?: (runId: string, until: Promise<void>) => Promise<void>
}

const LOCK_PREFIX = 'outbox-run-'

type Locks = {
  request(name: string, cb: () => Promise<void>): Promise<void>
  query(): Promise<{ held?: { name?: string }[] }>
}
const webLocks = (): Locks | undefined => (globalThis as { navigator?: { locks?: Locks } }).navigator?.locks

/** Web Locks: a run is alive while it holds `outbox-run-<id>` (a lock is freed when its page goes). */
export async function webLockLiveness(runIds: readonly string[]): Promise<Map<string, boolean | undefined>> {
  const locks = webLocks()
  const out = new Map<string, boolean | undefined>()
  if (!locks) return out
  const held = new Set(((await locks.query()).held ?? []).map((l) => l.name))
  for (const id of runIds) out.set(id, held.has(LOCK_PREFIX + id))
  return out
}

function webLockHold(runId: string, until: Promise<void>): Promise<void> {
  const locks = webLocks()
  if (!locks) return Promise.resolve()
  return new Promise<void>((granted) => {
    void locks
      .request(LOCK_PREFIX + runId, () => {
        granted()
        return until
      })
      .catch(() => granted())
  })
}

const runs = new Set<OutboxRun>()

/** Start delivering the items of `db`. */
export function startOutbox(db: FrontlineDb, opts: OutboxOptions): OutboxRun {
  const senders = opts.senders ?? registry
  const now = opts.now ?? Date.now
  const random = opts.random ?? Math.random
  const runId = opts.runId ?? newOutboxId()
  const alive = opts.alive ?? webLockLiveness
  let release: () => void = () => {}
  const until = new Promise<void>((r) => {
    release = r
  })
  // Nothing is claimed before this run is seen alive (else another tab could take its claims).
  const announced = (opts.hold ?? webLockHold)(runId, until)
  const busyKeys = new Set<string>()
  const active = new Set<Promise<unknown>>()
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let pumping: Promise<void> | null = null
  let again = false

  const track = <T>(p: Promise<T>): Promise<T> => {
    active.add(p)
    void p.finally(() => active.delete(p)).catch(() => {})
    return p
  }

  /** Find the head item of every key that may leave now, and send each. */
  const pump = async () => {
    // Dexie opens lazily (a fresh handle is not open yet); a closed one (account switched) is done.
    if (stopped || !opts.ready() || db.hasBeenClosed()) return
    await announced
    const t = now()
    const items = await db.outbox.orderBy('seq').toArray()
    // Claims still within their lease whose run is gone (a reload mid-send) are free now.
    const owners = items
      .filter((it) => it.state === 'sending' && it.claimedBy && it.claimedBy !== runId)
      .map((it) => it.claimedBy as string)
    const life = owners.length ? await alive([...new Set(owners)]).catch(() => new Map()) : new Map()
    const heads = new Set<string>()
    let due = Number.POSITIVE_INFINITY
    for (const it of items) {
      if (it.state === 'refused' || it.state === 'sent' || heads.has(it.key)) continue
      heads.add(it.key)
      if (busyKeys.has(it.key)) continue
      const gone = it.state === 'sending' && !!it.claimedBy && life.get(it.claimedBy) === false
      const at = it.state === 'sending' ? (gone ? 0 : it.claimedAt + CLAIM_LEASE_MS) : it.nextAt
      if (at > t) {
        due = Math.min(due, at)
        continue
      }
      const sender = senders.get(it.kind)
      // A kind whose feature has not registered yet (a lazy screen) waits; its key waits with it.
      if (sender) void track(sendOne(it, sender, gone ? it.claimedBy : null))
    }
    clearTimeout(timer)
    if (due !== Number.POSITIVE_INFINITY && !stopped) timer = setTimeout(kick, Math.max(0, due - t))
  }

  const sendOne = async (head: OutboxItem, sender: AnySender, deadOwner: string | null) => {
    busyKeys.add(head.key)
    try {
      const claimed = await claim(head.id, deadOwner)
      if (!claimed) return
      let outcome: SendOutcome
      try {
        outcome = await sender.send(claimed)
      } catch (e) {
        outcome = { kind: 'retry', error: (e as Error)?.message ?? 'network' }
      }
      const after = await settle(claimed, outcome)
      if (after?.state === 'refused') sender.onRefused?.(after)
    } finally {
      busyKeys.delete(head.key)
      kick()
    }
  }

  /**
   * Take the item for this run, if it is still free and still the first unsent item of its key.
   * `deadOwner`: the run found gone whose claim may be taken over (only if it still holds it).
   */
  const claim = (id: string, deadOwner: string | null = null): Promise<OutboxItem | null> =>
    db.transaction('rw', db.outbox, async () => {
      const row = await db.outbox.get(id)
      if (!row) return null
      const t = now()
      const free =
        row.state === 'queued' ||
        (row.state === 'failed-retryable' && row.nextAt <= t) ||
        (row.state === 'sending' &&
          (row.claimedAt + CLAIM_LEASE_MS <= t || (deadOwner !== null && row.claimedBy === deadOwner)))
      if (!free || !nextState(row.state, { type: 'claim' })) return null
      const before = await db.outbox
        .where('[key+seq]')
        .between([row.key, Dexie.minKey], [row.key, row.seq], true, false)
        .filter((o) => o.state !== 'refused')
        .count()
      if (before > 0) return null
      const next: OutboxItem = { ...row, state: 'sending', claimedBy: runId, claimedAt: t }
      await db.outbox.put(next)
      return next
    })

  /** Record what the attempt came to; a sent item leaves the outbox (the server has it now). */
  const settle = (item: OutboxItem, outcome: SendOutcome): Promise<OutboxItem | null> =>
    db.transaction('rw', db.outbox, async () => {
      const row = await db.outbox.get(item.id)
      if (!row) return null
      if (outcome.kind === 'sent') {
        await db.outbox.delete(item.id)
        return null
      }
      // Our claim ran out and another run took the item: its answer counts, not ours.
      if (row.claimedBy !== runId || row.state !== 'sending') return null
      const attempts = row.attempts + 1
      const next: OutboxItem =
        outcome.kind === 'retry'
          ? {
              ...row,
              state: 'failed-retryable',
              attempts,
              nextAt: now() + backoffMs(attempts, random()),
              lastError: outcome.error,
              claimedBy: null,
            }
          : { ...row, state: 'refused', attempts, lastError: outcome.error, claimedBy: null }
      await db.outbox.put(next)
      return next
    })

  function kick() {
    if (stopped) return
    if (pumping) {
      again = true
      return
    }
    pumping = track(
      (async () => {
        do {
          again = false
          await pump()
        } while (again && !stopped)
      })()
        .catch((e: unknown) => console.error('outbox', e))
        .finally(() => {
          pumping = null
        }),
    )
  }

  const run: OutboxRun = {
    db,
    kick,
    async idle() {
      while (active.size > 0) await Promise.allSettled([...active])
    },
    stop() {
      stopped = true
      release()
      clearTimeout(timer)
      runs.delete(run)
    },
  }
  runs.add(run)
  kick()
  return run
}
