import { describe, expect, it } from 'vitest'
import type { Role } from '../../contract/api.ts'
import type { ServerEvent, ServerMessage } from '../../contract/events.ts'
import type { Viewer } from './audience.ts'
import { FeedConnection, type FeedItem, type FeedSource } from './feed.ts'

const ev = (seq: number): FeedItem => ({
  event: {
    kind: 'event',
    seq,
    type: 'status.changed',
    payload: { employeeId: 'e', status: 'available', online: true, at: '' },
    at: '',
  },
  audience: null,
})

/** A feed source over an in-memory log; `onQuery` runs while a backlog query is "in flight". */
function memorySource(log: FeedItem[], onQuery?: () => void): FeedSource {
  return {
    async eventsSince(_t, since, limit) {
      const rows = log.filter((e) => e.event.seq > since).slice(0, limit)
      onQuery?.()
      await Promise.resolve()
      return rows
    },
    async lastSeq() {
      return log.at(-1)?.event.seq ?? 0
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
    expect(got).toEqual(log.slice(1).map((e) => e.event.seq))
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

describe('FeedConnection audience (issue 7: an operator gets only what he may see)', () => {
  const chat = (seq: number, audience: FeedItem['audience']): FeedItem => ({ ...ev(seq), audience })
  const viewer = (employeeId: string, role: Role, groups: string[]): Viewer => ({
    employeeId,
    role,
    groupIds: () => new Set(groups),
  })
  const sales = { groupIds: ['g-sales'], staff: true }
  const seen = (out: ServerMessage[]) =>
    out.filter((m) => m.kind === 'event').map((m) => (m as ServerEvent).seq)

  function feedOf(v: Viewer, log: FeedItem[]) {
    const out: ServerMessage[] = []
    return { out, feed: new FeedConnection('t', (m) => out.push(m), memorySource(log), v) }
  }

  it('an operator of another group never receives the chat event, live or on resume; staff and members do', async () => {
    const log = [chat(1, sales), chat(2, null)]
    const outsider = feedOf(viewer('e-support', 'operator', ['g-support']), log)
    const member = feedOf(viewer('e-sales', 'operator', ['g-sales']), log)
    const supervisor = feedOf(viewer('e-sup', 'supervisor', []), log)
    const operatorNoGroup = feedOf(viewer('e-none', 'operator', []), log)
    for (const f of [outsider, member, supervisor, operatorNoGroup]) {
      await f.feed.resume(0)
      f.feed.deliver(chat(3, sales))
      f.feed.deliver(chat(4, { employeeIds: ['e-support'] }))
      f.feed.deliver(chat(5, null))
    }
    expect(seen(outsider.out)).toEqual([2, 4, 5])
    expect(seen(member.out)).toEqual([1, 2, 3, 5])
    expect(seen(supervisor.out)).toEqual([1, 2, 3, 5])
    expect(seen(operatorNoGroup.out)).toEqual([2, 5])
  })

  it('the last events of the feed invisible: `live` still comes (with the last seq), nothing is stuck replaying', async () => {
    const log = [chat(1, null), chat(2, sales), chat(3, sales)]
    const { out, feed } = feedOf(viewer('e-support', 'operator', ['g-support']), log)
    await feed.resume(0)
    expect(feed.state).toBe('live')
    expect(out).toEqual([log[0]!.event, { kind: 'live', lastSeq: 3 }])
    // A resume from the client's last applied seq (1) after a reconnect passes over 2 and 3 again.
    const again = feedOf(viewer('e-support', 'operator', ['g-support']), log)
    await again.feed.resume(1)
    expect(again.out).toEqual([{ kind: 'live', lastSeq: 3 }])
    again.feed.deliver(chat(4, null))
    expect(seen(again.out)).toEqual([4])
  })

  it('race: an invisible event both in the backlog and delivered live is passed over once, order kept', async () => {
    const log = [chat(1, null), chat(2, sales), chat(3, null)]
    const out: ServerMessage[] = []
    let c: FeedConnection | undefined
    const source = memorySource(log, () => c?.deliver(chat(2, sales)))
    c = new FeedConnection('t', (m) => out.push(m), source, viewer('x', 'operator', []))
    await c.resume(0)
    c.deliver(chat(3, null))
    c.deliver(chat(4, null))
    expect(seqs(out)).toEqual([1, 3, 'live', 4])
  })

  it('group membership is read at each event (a refreshed membership applies to the next one)', async () => {
    let groups = ['g-support']
    const v: Viewer = { employeeId: 'e', role: 'operator', groupIds: () => new Set(groups) }
    const { out, feed } = feedOf(v, [])
    await feed.resume(0)
    feed.deliver(chat(1, sales))
    groups = ['g-support', 'g-sales']
    feed.deliver(chat(2, sales))
    expect(seen(out)).toEqual([2])
  })
})
