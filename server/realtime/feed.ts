/**
 * One socket's view of its tenant's change feed: resume from a seq, then live, with nothing lost or
 * duplicated across the switch.
 *
 *   ready ──resume{since}──▶ replaying ──backlog sent──▶ live
 *     │                          │                        │
 *     └──────────── close ───────┴────────────────────────┴──▶ closed
 *
 * A `since` past the tenant's last seq goes back to `ready` with `reset` (the client starts over).
 *
 * Why the buffer: an event can commit while the backlog query runs; its NOTIFY then arrives during
 * `replaying`. It is held and sent after the backlog unless the backlog already had it (dedupe by
 * seq). Events of one tenant commit in seq order (db/events.ts), so `seq <= lastSent` means "seen".
 */
import type { ServerEvent, ServerMessage } from '../../contract/events.ts'

export interface FeedSource {
  eventsSince(tenantId: string, since: number, limit: number): Promise<ServerEvent[]>
  lastSeq(tenantId: string): Promise<number>
}

export type FeedState = 'ready' | 'replaying' | 'live' | 'closed'

const PAGE = 500

export class FeedConnection {
  state: FeedState = 'ready'
  private lastSent = 0
  private buffer: ServerEvent[] = []

  constructor(
    readonly tenantId: string,
    private readonly send: (msg: ServerMessage) => void,
    private readonly source: FeedSource,
  ) {}

  /**
   * Sends every event with seq > since, in order, then `live`. `since` is exact — 0 replays the whole
   * feed — because a client whose last applied seq really is 0 must not miss anything; a client
   * with nothing applied yet passes the `lastSeq` of `ready`. Returns false when not in `ready`.
   */
  async resume(since: number): Promise<boolean> {
    if (this.state !== 'ready') return false
    this.state = 'replaying'
    // A seq this feed never reached: echoing it as `live` would make the client skip every event up
    // to it. Tell it to start over; the feed stays `ready` for its next resume.
    const last = await this.source.lastSeq(this.tenantId)
    if ((this.state as FeedState) === 'closed') return true
    if (since > last) {
      this.state = 'ready'
      this.buffer = []
      this.send({ kind: 'reset', lastSeq: last })
      return true
    }
    let cursor = since
    this.lastSent = cursor
    for (;;) {
      const page = await this.source.eventsSince(this.tenantId, cursor, PAGE)
      // close() may have run while the query was in flight.
      if ((this.state as FeedState) === 'closed') return true
      for (const ev of page) this.emit(ev)
      if (page.length < PAGE) break
      cursor = page[page.length - 1]?.seq ?? cursor
    }
    const held = this.buffer.sort((a, b) => a.seq - b.seq)
    this.buffer = []
    for (const ev of held) this.emit(ev)
    this.state = 'live'
    this.send({ kind: 'live', lastSeq: this.lastSent })
    return true
  }

  /** A live event for this tenant (from the hub). */
  deliver(ev: ServerEvent): void {
    if (this.state === 'replaying') this.buffer.push(ev)
    else if (this.state === 'live') this.emit(ev)
    // In `ready` nothing is sent: the resume's backlog query will include anything committed now.
  }

  close(): void {
    this.state = 'closed'
    this.buffer = []
  }

  private emit(ev: ServerEvent): void {
    if (ev.seq <= this.lastSent) return
    this.lastSent = ev.seq
    this.send(ev)
  }
}
