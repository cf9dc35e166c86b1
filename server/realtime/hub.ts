/**
 * Fan-out of the change feed to this instance's sockets: one listener of the event spine
 * (server/events/spine.ts), which every instance runs, so an event written by any instance reaches
 * every socket of its tenant that may see it (realtime/audience.ts). Session revocations arrive as
 * spine notices, in order with the events: every instance closes that session's sockets, so a revoked
 * session never gets an event committed after it.
 *
 * Group membership (for audiences naming groups) is cached per tenant that had sockets here: read
 * when its first socket authenticates, re-read on a `groups:<tenant>` notice
 * (db/events.ts `announceGroupsChanged`, for whoever edits groups) and at most GROUPS_TTL_MS old —
 * a stale cache is used while the re-read runs.
 */
import { and, eq } from 'drizzle-orm'
import type { Role } from '../../contract/api.ts'
import type { ServerEvent } from '../../contract/events.ts'
import { type Audience, type Db, lastSeq, schema, spineEvents } from '../db/index.ts'
import { Spine } from '../events/spine.ts'
import type { Viewer } from './audience.ts'
import type { FeedConnection, FeedItem, FeedSource } from './feed.ts'

/** The session a socket authenticated with, and how to close the socket when it is revoked. */
export interface SessionLink {
  id: string
  revoke(): void
}

/** How old a tenant's cached group membership may get before it is re-read. */
export const GROUPS_TTL_MS = 5 * 60_000

interface Membership {
  byEmployee: Map<string, Set<string>>
  loadedAt: number
  loading: Promise<void> | null
}

const NO_GROUPS: ReadonlySet<string> = new Set()

export class Hub {
  private readonly byTenant = new Map<string, Set<FeedConnection>>()
  private readonly bySession = new Map<string, Map<FeedConnection, SessionLink>>()
  private readonly groups = new Map<string, Membership>()
  private readonly ownsSpine: boolean
  private off: (() => void)[] = []
  readonly spine: Spine
  readonly source: FeedSource

  /** `spine`: the app's event spine; without one the hub makes (and starts, stops) its own. */
  constructor(
    private readonly db: Db,
    private readonly onError: (e: unknown) => void = () => {},
    spine?: Spine,
  ) {
    this.ownsSpine = !spine
    this.spine = spine ?? new Spine(db, onError)
    this.source = {
      eventsSince: (t, since, limit) => spineEvents(db.orm, t, since, null, limit),
      lastSeq: (t) => lastSeq(db.orm, t),
    }
  }

  /** Subscribes to the spine (and starts it when the hub made it). */
  async start(): Promise<void> {
    this.off = [
      this.spine.on((ev, tenantId, audience) => this.dispatch(ev, tenantId, audience), {
        wants: (t) => this.byTenant.has(t),
        // In the hub's own queue: events after a membership change are filtered by the new one.
        onNotice: (n) =>
          n.kind === 'session.revoked'
            ? this.revoke(n.sessionId)
            : n.kind === 'groups.changed'
              ? this.reloadGroups(n.tenantId, { fresh: true })
              : undefined,
      }),
    ]
    await this.spine.start()
  }

  private dispatch(event: ServerEvent, tenantId: string, audience: Audience | null): void {
    const conns = this.byTenant.get(tenantId)
    if (!conns) return
    // Serialized once, on first use, for every socket that may see it (not once per socket).
    let json: string | undefined
    const item: FeedItem = { event, audience, json: () => (json ??= JSON.stringify(event)) }
    for (const c of conns) c.deliver(item)
  }

  /** The viewer of a socket (for audience filtering); loads the tenant's group membership if needed. */
  async viewer(p: { tenantId: string; employeeId: string; role: Role }): Promise<Viewer> {
    // Not read yet, or the first read still running (several sockets of a tenant at once): wait for it.
    if (!this.groups.get(p.tenantId)?.loadedAt) await this.reloadGroups(p.tenantId, { force: true })
    return {
      employeeId: p.employeeId,
      role: p.role,
      groupIds: () => {
        const now = this.groups.get(p.tenantId)
        if (now && !now.loading && Date.now() - now.loadedAt > GROUPS_TTL_MS)
          void this.reloadGroups(p.tenantId).catch(this.onError)
        return now?.byEmployee.get(p.employeeId) ?? NO_GROUPS
      },
    }
  }

  /**
   * Re-reads a tenant's group membership (tenants that had sockets here, or `force`). `fresh`: the read
   * must start after this call (a change was just announced), not join one already running.
   */
  private async reloadGroups(
    tenantId: string,
    opts: { force?: boolean; fresh?: boolean } = {},
  ): Promise<void> {
    const current = this.groups.get(tenantId)
    if (!current && !opts.force) return
    if (current?.loading) {
      if (!opts.fresh) return current.loading
      await current.loading.catch(() => {})
      return this.reloadGroups(tenantId, opts)
    }
    const m: Membership = current ?? { byEmployee: new Map(), loadedAt: 0, loading: null }
    m.loading = (async () => {
      try {
        const rows = await this.db.orm
          .select({ groupId: schema.groupMembers.groupId, employeeId: schema.groupMembers.employeeId })
          .from(schema.groupMembers)
          .innerJoin(
            schema.groups,
            and(
              eq(schema.groups.id, schema.groupMembers.groupId),
              eq(schema.groups.tenantId, schema.groupMembers.tenantId),
            ),
          )
          .where(eq(schema.groupMembers.tenantId, tenantId))
        const byEmployee = new Map<string, Set<string>>()
        for (const r of rows) {
          const set = byEmployee.get(r.employeeId) ?? new Set<string>()
          set.add(r.groupId)
          byEmployee.set(r.employeeId, set)
        }
        m.byEmployee = byEmployee
        m.loadedAt = Date.now()
      } finally {
        m.loading = null
      }
    })()
    this.groups.set(tenantId, m)
    return m.loading
  }

  /** Closes every socket of a session on this instance: its feed at once, then the socket (4401). */
  revoke(sessionId: string): void {
    const links = this.bySession.get(sessionId)
    if (!links) return
    this.bySession.delete(sessionId)
    for (const [conn, link] of links) {
      conn.close()
      this.removeConn(conn)
      try {
        link.revoke()
      } catch (e) {
        this.onError(e)
      }
    }
  }

  private removeConn(conn: FeedConnection): void {
    const tenant = this.byTenant.get(conn.tenantId)
    tenant?.delete(conn)
    // The tenant's group membership stays cached (small, refreshed by notice and TTL).
    if (tenant && !tenant.size) this.byTenant.delete(conn.tenantId)
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
      this.removeConn(conn)
      if (session) {
        const links = this.bySession.get(session.id)
        links?.delete(conn)
        if (links && !links.size) this.bySession.delete(session.id)
      }
    }
  }

  /** Resolves when every NOTIFY received so far has been delivered (tests, shutdown). */
  settled(): Promise<void> {
    return this.spine.settled()
  }

  /** Unsubscribes and closes every feed (and stops the spine when the hub made it). */
  async stop(): Promise<void> {
    for (const off of this.off) off()
    this.off = []
    for (const set of this.byTenant.values()) for (const c of set) c.close()
    this.byTenant.clear()
    this.bySession.clear()
    this.groups.clear()
    if (this.ownsSpine) await this.spine.stop()
  }
}
