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
 * seq). Events of one tenant commit in seq order (db/events.ts), so `seq <= position` means "seen".
 *
 * Audience: an event the socket's viewer may not see (realtime/audience.ts) is passed over, live and
 * in the backlog alike, but still moves `position`: the client only requires increasing seqs, and
 * `live` names the last seq the feed went through, visible or not, so a client whose last events
 * were all someone else's is not left waiting.
 */
import type { ServerEvent, ServerMessage } from '../../contract/events.ts'
import type { Audience } from '../db/index.ts'
import { mayReceive, type Viewer } from './audience.ts'

/** An event with the audience it was appended for. */
export interface FeedItem {
  event: ServerEvent
  audience: Audience | null
  /**
   * The event's JSON, built once for all the sockets it goes to (the hub's live items: made on first
   * use, so an event no socket may see is never serialized). Backlog items have none.
   */
  json?: () => string
}

/** Sends a message; `json`, when given, is `JSON.stringify(msg)` already made. */
export type FeedSend = (msg: ServerMessage, json?: string) => void

export interface FeedSource {
  eventsSince(tenantId: string, since: number, limit: number): Promise<FeedItem[]>
  lastSeq(tenantId: string): Promise<number>
}

export type FeedState = 'ready' | 'replaying' | 'live' | 'closed'

const PAGE = 500

export class FeedConnection {
  state: FeedState = 'ready'
  /** The last seq sent or passed over. */
  private position = 0
  private buffer: FeedItem[] = []

  /** `viewer`: whose socket this is (audience filtering); without one every event is sent. */
  constructor(
    readonly tenantId: string,
    private readonly send: FeedSend,
    private readonly source: FeedSource,
    readonly viewer?: Viewer,
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
    this.position = cursor
    for (;;) {
      const page = await this.source.eventsSince(this.tenantId, cursor, PAGE)
      // close() may have run while the query was in flight.
      if ((this.state as FeedState) === 'closed') return true
      for (const ev of page) this.emit(ev)
      if (page.length < PAGE) break
      cursor = page[page.length - 1]?.event.seq ?? cursor
    }
    const held = this.buffer.sort((a, b) => a.event.seq - b.event.seq)
    this.buffer = []
    for (const ev of held) this.emit(ev)
    this.state = 'live'
    this.send({ kind: 'live', lastSeq: this.position })
    return true
  }

  /** A live event for this tenant (from the hub). */
  deliver(item: FeedItem): void {
    if (this.state === 'replaying') this.buffer.push(item)
    else if (this.state === 'live') this.emit(item)
    // In `ready` nothing is sent: the resume's backlog query will include anything committed now.
  }

  close(): void {
    this.state = 'closed'
    this.buffer = []
  }

  private emit({ event, audience, json }: FeedItem): void {
    if (event.seq <= this.position) return
    this.position = event.seq
    if (!this.viewer || mayReceive(this.viewer, audience)) this.send(event, json?.())
  }
}
