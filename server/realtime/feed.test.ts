import { describe, expect, it } from 'vitest'
import type { ServerEvent, ServerMessage } from '../../contract/events.ts'
import { FeedConnection, type FeedSource } from './feed.ts'

const ev = (seq: number): ServerEvent => ({
  kind: 'event',
  seq,
  type: 'status.changed',
  payload: { employeeId: 'e', status: 'available', online: true, at: '' },
  at: '',
})

/** A feed source over an in-memory log; `onQuery` runs while a backlog query is "in flight". */
function memorySource(log: ServerEvent[], onQuery?: () => void): FeedSource {
  return {
    async eventsSince(_t, since, limit) {
      const rows = log.filter((e) => e.seq > since).slice(0, limit)
      onQuery?.()
      await Promise.resolve()
      return rows
    },
    async lastSeq() {
      return log.at(-1)?.seq ?? 0
    },
  }
}

const seqs = (out: ServerMessage[]) => out.map((m) => (m.kind === 'event' ? m.seq : m.kind))

describe('FeedConnection resume', () => {
  it('replays seq > since in order, then live, then the live stream', async () => {
    const log = [1, 2, 3, 4].map(ev)
    const out: ServerMessage[] = []
    const c = new FeedConnection('t', (m) => out.push(m), memorySource(log))
    await c.resume(2)
    c.deliver(ev(5))
    expect(seqs(out)).toEqual([3, 4, 'live', 5])
  })

  it('race: an event committed during the backlog query is sent once, after the backlog', async () => {
    const log = [1, 2, 3].map(ev)
    const out: ServerMessage[] = []
    let c: FeedConnection | undefined
    let once = false
    const source = memorySource(log, () => {
      if (once) return
      once = true
      // seq 4 commits after the query's snapshot; its NOTIFY arrives mid-replay.
      log.push(ev(4))
      c?.deliver(ev(4))
    })
    c = new FeedConnection('t', (m) => out.push(m), source)
    await c.resume(1)
    expect(seqs(out)).toEqual([2, 3, 4, 'live'])
  })

  it('race: an event both in the backlog and delivered live is not duplicated', async () => {
    const log = [1, 2, 3].map(ev)
    const out: ServerMessage[] = []
    let c: FeedConnection | undefined
    const source = memorySource(log, () => c?.deliver(ev(3)))
    c = new FeedConnection('t', (m) => out.push(m), source)
    await c.resume(1)
    c.deliver(ev(3))
    c.deliver(ev(4))
    expect(seqs(out)).toEqual([2, 3, 'live', 4])
  })

  it('since 0 replays everything (a client whose last seq is 0 misses nothing)', async () => {
    const out: ServerMessage[] = []
    const c = new FeedConnection('t', (m) => out.push(m), memorySource([1, 2].map(ev)))
    await c.resume(0)
    c.deliver(ev(3))
    expect(seqs(out)).toEqual([1, 2, 'live', 3])
  })

  it('pages through a long backlog without gaps', async () => {
    const log = Array.from({ length: 1203 }, (_, i) => ev(i + 1))
    const out: ServerMessage[] = []
    const c = new FeedConnection('t', (m) => out.push(m), memorySource(log))
    await c.resume(1)
    const got = out.filter((m) => m.kind === 'event').map((m) => (m as ServerEvent).seq)
    expect(got).toEqual(log.slice(1).map((e) => e.seq))
    expect(out.at(-1)).toEqual({ kind: 'live', lastSeq: 1203 })
  })

  it('resume twice is refused; nothing is sent before resume or after close', async () => {
    const out: ServerMessage[] = []
    const c = new FeedConnection('t', (m) => out.push(m), memorySource([]))
    c.deliver(ev(1))
    expect(out).toEqual([])
    expect(await c.resume(0)).toBe(true)
    expect(await c.resume(0)).toBe(false)
    c.close()
    c.deliver(ev(9))
    expect(seqs(out)).toEqual(['live'])
  })
})

describe('FeedConnection resume from ahead of the feed', () => {
  it('a since past the last seq gets `reset` with the real last seq; a resume from there then works', async () => {
    const log = [1, 2, 3].map(ev)
    const out: ServerMessage[] = []
    const c = new FeedConnection('t', (m) => out.push(m), memorySource(log))
    expect(await c.resume(1000)).toBe(true)
    expect(out).toEqual([{ kind: 'reset', lastSeq: 3 }])
    expect(c.state).toBe('ready')
    // Nothing is sent before the client resumes again.
    c.deliver(ev(4))
    log.push(ev(4))
    expect(out.length).toBe(1)
    expect(await c.resume(3)).toBe(true)
    expect(seqs(out.slice(1))).toEqual([4, 'live'])
  })
  it('a since equal to the last seq is just live', async () => {
    const out: ServerMessage[] = []
    const c = new FeedConnection('t', (m) => out.push(m), memorySource([1, 2].map(ev)))
    await c.resume(2)
    expect(out).toEqual([{ kind: 'live', lastSeq: 2 }])
  })
})
