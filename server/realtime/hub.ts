/**
 * Fan-out of the change feed to this instance's sockets. Every instance LISTENs on the events
 * channel (payload = seq), so an event written by any instance reaches every socket of its tenant.
 */
import { type Db, EVENTS_CHANNEL, eventBySeq, eventsSince, lastSeq } from '../db/index.ts'
import type { FeedConnection, FeedSource } from './feed.ts'

export class Hub {
  private readonly byTenant = new Map<string, Set<FeedConnection>>()
  private unlisten: (() => Promise<void>) | null = null
  // NOTIFYs are handled one at a time so their events are delivered in arrival (= commit) order.
  private chain: Promise<void> = Promise.resolve()
  readonly source: FeedSource

  constructor(
    private readonly db: Db,
    private readonly onError: (e: unknown) => void = () => {},
  ) {
    this.source = {
      eventsSince: (t, since, limit) => eventsSince(db.orm, t, since, limit),
      lastSeq: (t) => lastSeq(db.orm, t),
    }
  }

  /** Starts listening for events. */
  async start(): Promise<void> {
    this.unlisten = await this.db.listen(EVENTS_CHANNEL, (payload) => {
      const seq = Number(payload)
      if (!Number.isSafeInteger(seq)) return
      this.chain = this.chain.then(() => this.dispatch(seq)).catch(this.onError)
    })
  }

  private async dispatch(seq: number): Promise<void> {
    const conns = this.byTenant
    if (!conns.size) return
    const found = await eventBySeq(this.db.orm, seq)
    if (!found) return
    for (const c of conns.get(found.tenantId) ?? []) c.deliver(found.event)
  }

  /** Registers a socket's feed; returns the function that removes it. */
  add(conn: FeedConnection): () => void {
    let set = this.byTenant.get(conn.tenantId)
    if (!set) {
      set = new Set()
      this.byTenant.set(conn.tenantId, set)
    }
    set.add(conn)
    return () => {
      conn.close()
      set.delete(conn)
      if (!set.size) this.byTenant.delete(conn.tenantId)
    }
  }

  /** Resolves when every NOTIFY received so far has been delivered (tests, shutdown). */
  settled(): Promise<void> {
    return this.chain
  }

  /** Stops listening and closes every feed. */
  async stop(): Promise<void> {
    for (const set of this.byTenant.values()) for (const c of set) c.close()
    this.byTenant.clear()
    await this.unlisten?.()
    this.unlisten = null
  }
}
