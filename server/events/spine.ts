/**
 * The event spine (ARCHITECTURE "Events and side effects"): domain code appends events inside its own
 * transaction (db/events.ts `appendEvent`); after commit this hands them to every listener, per tenant
 * in `seq` order and once each.
 *
 * Every instance LISTENs on the events channel, so a listener sees the events written by any
 * instance. A NOTIFY names `<seq>:<tenant>`; the spine reads the tenant's events after the last one
 * it delivered up to that seq, so a NOTIFY lost on the way (a dropped LISTEN connection) still
 * reaches the listeners in order with the next one. Events of one tenant commit in seq order (the
 * advisory lock in appendEvent), so `seq <= last delivered` means "already delivered".
 *
 * Under load NOTIFYs arrive faster than one read per NOTIFY could follow: the NOTIFYs of a tenant that
 * wait for their turn are coalesced into one read up to the newest seq notified so far (in pages of
 * PAGE rows), and a read still running follows the seqs notified meanwhile — so a backlog is caught
 * up in a few reads, not one per event. A notice is a barrier: NOTIFYs after it are never read
 * before it is announced.
 *
 * Notices (session revoked, group membership changed) travel on the same channel and through the same
 * queue, so a listener sees them in order with the events around them: a revoked session's sockets
 * never get an event committed after the revocation.
 *
 * Listeners run on every instance. One whose effect must happen once across instances and survive a
 * crash (a push, an outbound channel message) records it durably and claims it (a job row keyed by the
 * event's seq) rather than acting in the callback alone.
 */
import type { ServerEvent } from '../../contract/events.ts'
import {
  type Audience,
  type Db,
  EVENTS_CHANNEL,
  eventBySeq,
  GROUPS_CHANGED_PREFIX,
  LINES_CHANGED_PREFIX,
  type SpineEvent,
  spineEvents,
} from '../db/index.ts'
import { SESSION_REVOKED_PREFIX } from '../domain/auth/index.ts'

/**
 * Receives each committed event once, per tenant in seq order. It may be async: the spine waits for it
 * before handing it the tenant's next event (each listener has its own queue, so a slow one delays
 * only itself). A throw is reported to the spine's onError and does not stop later events.
 */
export type SpineListener = (
  event: ServerEvent,
  tenantId: string,
  audience: Audience | null,
) => void | Promise<void>

/** Things that are not events but must be seen in order with them. */
export type SpineNotice =
  | { kind: 'session.revoked'; sessionId: string }
  | { kind: 'groups.changed'; tenantId: string }
  | { kind: 'lines.changed'; tenantId: string }

export interface ListenOptions {
  /**
   * Whether this listener cares about a tenant right now (the hub: it has sockets of that tenant).
   * When no listener does, the spine skips reading the event at all.
   */
  wants?: (tenantId: string) => boolean
  /** Notices, queued with this listener's events (so it sees them in order with the events). */
  onNotice?: (n: SpineNotice) => void | Promise<void>
}

/** Reads a tenant's events with after < seq <= upTo, in seq order, at most `limit` (db `spineEvents`). */
export type SpineRead = (
  tenantId: string,
  after: number,
  upTo: number,
  limit: number,
) => Promise<SpineEvent[]>

export interface SpineOptions {
  /** Where events are read from (tests wrap it to count reads). */
  read?: SpineRead
  /** Rows per read (default PAGE). */
  pageSize?: number
}

/** A tenant's pending read: queued (or running) up to the newest seq notified for it. */
interface Pending {
  tenantId: string
  /** The newest seq notified; raised by NOTIFYs that arrive before the read finishes. */
  upTo: number
  /** The first seq notified (where a tenant's first read since start begins). */
  first: number
}

interface Entry {
  fn: SpineListener
  wants: ((tenantId: string) => boolean) | undefined
  notice: ((n: SpineNotice) => void | Promise<void>) | undefined
  queue: Promise<void>
}

/** Rows read per query when catching up a tenant. */
const PAGE = 500

export class Spine {
  private readonly listeners = new Set<Entry>()
  /** Per tenant, the last seq handed to the listeners. */
  private readonly last = new Map<string, number>()
  private unlisten: (() => Promise<void>) | null = null
  private starting: Promise<void> | null = null
  // Reads and notices are handled one at a time, in arrival (= commit) order.
  private chain: Promise<void> = Promise.resolve()
  /** Per tenant, its read queued or running since the last notice: later NOTIFYs join it. */
  private readonly pending = new Map<string, Pending>()
  private readonly read: SpineRead
  private readonly pageSize: number

  constructor(
    private readonly db: Db,
    private readonly onError: (e: unknown) => void = () => {},
    opts: SpineOptions = {},
  ) {
    this.read = opts.read ?? ((t, after, upTo, limit) => spineEvents(db.orm, t, after, upTo, limit))
    this.pageSize = opts.pageSize ?? PAGE
  }

  /** Subscribes a listener to every event committed from now on; returns the function that unsubscribes. */
  on(fn: SpineListener, opts: ListenOptions = {}): () => void {
    const entry: Entry = { fn, wants: opts.wants, notice: opts.onNotice, queue: Promise.resolve() }
    this.listeners.add(entry)
    return () => {
      this.listeners.delete(entry)
    }
  }

  /** Subscribes to notices only (session revoked, groups changed). */
  onNotice(fn: (n: SpineNotice) => void | Promise<void>): () => void {
    return this.on(() => {}, { wants: () => false, onNotice: fn })
  }

  /** Starts listening (idempotent). */
  start(): Promise<void> {
    this.starting ??= this.db
      .listen(EVENTS_CHANNEL, (payload) => this.received(payload))
      .then((unlisten) => {
        this.unlisten = unlisten
      })
    return this.starting
  }

  /** Resolves when every NOTIFY received so far has reached every listener (tests, shutdown). */
  async settled(): Promise<void> {
    let before: Promise<void>
    do {
      before = this.chain
      await before
      await Promise.all([...this.listeners].map((l) => l.queue))
    } while (before !== this.chain)
  }

  /** Stops listening; listeners stay subscribed (a later start() resumes). */
  async stop(): Promise<void> {
    await this.starting
    await this.unlisten?.()
    this.unlisten = null
    this.starting = null
  }

  private received(payload: string): void {
    const notice = parseNotice(payload)
    if (notice) {
      // A barrier: events notified after it go into reads queued after it.
      this.pending.clear()
      this.chain = this.chain.then(() => this.announce(notice))
      return
    }
    const [s, tenantId] = payload.split(':')
    const seq = Number(s)
    if (!Number.isSafeInteger(seq)) return
    if (!tenantId) {
      // A bare seq (an older instance's NOTIFY): one lookup tells the tenant.
      this.chain = this.chain
        .then(async () => {
          if (!this.listeners.size) return
          const found = await eventBySeq(this.db.orm, seq)
          if (found) await this.catchUp({ tenantId: found.tenantId, upTo: seq, first: seq })
        })
        .catch(this.onError)
      return
    }
    const waiting = this.pending.get(tenantId)
    if (waiting) {
      if (seq > waiting.upTo) waiting.upTo = seq
      return
    }
    const p: Pending = { tenantId, upTo: seq, first: seq }
    this.pending.set(tenantId, p)
    this.chain = this.chain.then(() => this.catchUp(p)).catch(this.onError)
  }

  private announce(n: SpineNotice): void {
    for (const l of this.listeners) {
      const fn = l.notice
      if (fn) this.enqueue(l, () => fn(n))
    }
  }

  /** Delivers a tenant's events after the last delivered, up to `p.upTo` as it stands when done. */
  private async catchUp(p: Pending): Promise<void> {
    const tenant = p.tenantId
    // First NOTIFY of a tenant since start: from its event on (earlier ones were before our time).
    let cursor = this.last.get(tenant) ?? p.first - 1
    try {
      while (cursor < p.upTo && this.listeners.size) {
        const wanted = [...this.listeners].filter((l) => !l.wants || l.wants(tenant))
        if (!wanted.length) {
          // Nobody to tell: delivering to no one is the same as having delivered.
          cursor = p.upTo
          break
        }
        const upTo = p.upTo
        const page = await this.read(tenant, cursor, upTo, this.pageSize)
        for (const ev of page) this.deliver(wanted, ev)
        // A short page: nothing more up to `upTo` (a seq may have been skipped by a rollback).
        cursor = page.length < this.pageSize ? upTo : (page[page.length - 1]?.event.seq ?? upTo)
      }
    } finally {
      // In the same tick as the loop's last check: a NOTIFY from now on queues a read of its own.
      if (this.pending.get(tenant) === p) this.pending.delete(tenant)
      // Only what was delivered (or passed over) moves `last`; with no listener it stays where it was.
      const before = this.last.get(tenant)
      if (cursor >= p.first && (before === undefined || cursor > before)) this.last.set(tenant, cursor)
    }
  }

  private deliver(to: Entry[], ev: SpineEvent): void {
    for (const l of to) this.enqueue(l, () => l.fn(ev.event, ev.tenantId, ev.audience))
  }

  /** Each listener's own queue: in order for it, without waiting for the others. */
  private enqueue(l: Entry, run: () => void | Promise<void>): void {
    l.queue = l.queue.then(async () => {
      try {
        await run()
      } catch (e) {
        this.onError(e)
      }
    })
  }
}

function parseNotice(payload: string): SpineNotice | null {
  if (payload.startsWith(SESSION_REVOKED_PREFIX))
    return { kind: 'session.revoked', sessionId: payload.slice(SESSION_REVOKED_PREFIX.length) }
  if (payload.startsWith(GROUPS_CHANGED_PREFIX))
    return { kind: 'groups.changed', tenantId: payload.slice(GROUPS_CHANGED_PREFIX.length) }
  if (payload.startsWith(LINES_CHANGED_PREFIX))
    return { kind: 'lines.changed', tenantId: payload.slice(LINES_CHANGED_PREFIX.length) }
  return null
}
