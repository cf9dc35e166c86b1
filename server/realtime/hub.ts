/**
 * Fan-out of the change feed to this instance's sockets. Every instance LISTENs on the events
 * channel (payload = seq), so an event written by any instance reaches every socket of its tenant.
 * The same channel carries session revocations (`revoked:<id>`): every instance closes that session's
 * sockets, in order with the events, so a revoked session never gets an event committed after it.
 */
import { type Db, EVENTS_CHANNEL, eventBySeq, eventsSince, lastSeq } from '../db/index.ts'
import { SESSION_REVOKED_PREFIX } from '../domain/auth/index.ts'
import type { FeedConnection, FeedSource } from './feed.ts'

/** The session a socket authenticated with, and how to close the socket when it is revoked. */
export interface SessionLink {
  id: string
  revoke(): void
}

export class Hub {
  private readonly byTenant = new Map<string, Set<FeedConnection>>()
  private readonly bySession = new Map<string, Map<FeedConnection, SessionLink>>()
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
      if (payload.startsWith(SESSION_REVOKED_PREFIX)) {
        const id = payload.slice(SESSION_REVOKED_PREFIX.length)
        this.chain = this.chain.then(() => this.revoke(id)).catch(this.onError)
        return
      }
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

  /** Closes every socket of a session on this instance: its feed at once, then the socket (4401). */
  revoke(sessionId: string): void {
    const links = this.bySession.get(sessionId)
    if (!links) return
    this.bySession.delete(sessionId)
    for (const [conn, link] of links) {
      conn.close()
      this.byTenant.get(conn.tenantId)?.delete(conn)
      if (!this.byTenant.get(conn.tenantId)?.size) this.byTenant.delete(conn.tenantId)
      try {
        link.revoke()
      } catch (e) {
        this.onError(e)
      }
    }
  }

  /** Registers a socket's feed (and its session, for revocation); returns the function that removes it. */
  add(conn: FeedConnection, session?: SessionLink): () => void {
    let set = this.byTenant.get(conn.tenantId)
    if (!set) {
      set = new Set()
      this.byTenant.set(conn.tenantId, set)
    }
    set.add(conn)
    if (session) {
      let links = this.bySession.get(session.id)
      if (!links) {
        links = new Map()
        this.bySession.set(session.id, links)
      }
      links.set(conn, session)
    }
    return () => {
      conn.close()
      const tenant = this.byTenant.get(conn.tenantId)
      tenant?.delete(conn)
      if (tenant && !tenant.size) this.byTenant.delete(conn.tenantId)
      if (session) {
        const links = this.bySession.get(session.id)
        links?.delete(conn)
        if (links && !links.size) this.bySession.delete(session.id)
      }
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
    this.bySession.clear()
    await this.unlisten?.()
    this.unlisten = null
  }
}
