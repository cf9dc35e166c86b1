import { eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type WebSocket from 'ws'
import type { ServerMessage } from '../../contract/events.ts'
import { schema } from '../db/index.ts'
import { Hub } from '../realtime/hub.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'
import { captureLog } from '../test/log-capture.ts'

interface Client {
  ws: WebSocket
  msgs: ServerMessage[]
  closed: Promise<number>
  send(m: unknown): void
  waitFor(pred: (m: ServerMessage[]) => boolean, ms?: number): Promise<ServerMessage[]>
}

async function connect(app: FastifyInstance): Promise<Client> {
  const ws = await app.injectWS('/api/ws')
  const msgs: ServerMessage[] = []
  ws.on('message', (d) => msgs.push(JSON.parse(String(d)) as ServerMessage))
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)))
  return {
    ws,
    msgs,
    closed,
    send: (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)),
    async waitFor(pred, ms = 5000) {
      const end = Date.now() + ms
      while (!pred(msgs)) {
        if (Date.now() > end) throw new Error(`timeout; got ${JSON.stringify(msgs)}`)
        await new Promise((r) => setTimeout(r, 10))
      }
      return msgs
    },
  }
}

const events = (m: ServerMessage[]) => m.flatMap((x) => (x.kind === 'event' ? [x] : []))

describe.each(targets)('/api/ws on $name', (target) => {
  let f: Fixture
  let token: string
  let other: string
  beforeAll(async () => {
    f = await makeFixture(target)
    token = (await f.login('op1@demo')).token
    other = (await f.login('op1@other')).token
  })
  afterAll(() => f.close())

  const setStatus = (status: string, t = token) =>
    f.app.inject({ method: 'PUT', url: '/api/me/status', headers: auth(t), payload: { status } })

  it('a first message that is not auth, or a bad token, closes with 4401', async () => {
    const a = await connect(f.app)
    a.send({ type: 'ping' })
    expect(await a.closed).toBe(4401)
    const b = await connect(f.app)
    b.send({ type: 'auth', token: 'x'.repeat(43) })
    expect(await b.closed).toBe(4401)
    const c = await connect(f.app)
    c.send('not json')
    expect(await c.closed).toBe(4401)
  })

  it('auth → ready; resume replays the backlog in order, then live, then live events (only this tenant’s)', async () => {
    const first = await connect(f.app)
    first.send({ type: 'auth', token })
    const [ready] = await first.waitFor((m) => m.length >= 1)
    expect(ready).toMatchObject({ kind: 'ready' })
    const since = (ready as { lastSeq: number }).lastSeq
    first.ws.close()
    await setStatus('available')
    await setStatus('break')
    await setStatus('available', other)

    const c = await connect(f.app)
    c.send({ type: 'auth', token })
    await c.waitFor((m) => m.length >= 1)
    c.send({ type: 'resume', since })
    await c.waitFor((m) => m.some((x) => x.kind === 'live'))
    expect(events(c.msgs).map((e) => e.type === 'status.changed' && e.payload.status)).toEqual([
      'available',
      'break',
    ])
    const seqs = events(c.msgs).map((e) => e.seq)
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs)

    await setStatus('dnd')
    await setStatus('dnd', other)
    await c.waitFor((m) => events(m).length === 3)
    await f.hub.settled()
    const live = events(c.msgs)[2]!
    expect(live).toMatchObject({ type: 'status.changed', payload: { status: 'dnd', online: true } })
    expect(live.seq).toBeGreaterThan(seqs.at(-1)!)
    expect(events(c.msgs).length).toBe(3)

    c.send({ type: 'ping' })
    await c.waitFor((m) => m.at(-1)?.kind === 'pong')
    c.send('garbage')
    c.send({ type: 'resume', since: 0 })
    c.send({ type: 'auth', token })
    await c.waitFor((m) => m.filter((x) => x.kind === 'error').length === 3)
    expect(
      c.msgs.filter((x) => x.kind === 'error').every((x) => x.kind === 'error' && x.code === 'E_BAD_REQUEST'),
    ).toBe(true)
    expect(c.ws.readyState).toBe(c.ws.OPEN)
    c.ws.close()
  })

  it('after a restart (a new instance on the same database) the client gets what it missed, and live events cross instances', async () => {
    const c1 = await connect(f.app)
    c1.send({ type: 'auth', token })
    const since = ((await c1.waitFor((m) => m.length >= 1))[0] as { lastSeq: number }).lastSeq
    c1.ws.close()
    await setStatus('away')

    // "Restarted" server: a second app + hub over the same database.
    const second = await secondInstance()
    try {
      const c2 = await connect(second.app)
      c2.send({ type: 'auth', token })
      await c2.waitFor((m) => m.length >= 1)
      c2.send({ type: 'resume', since })
      await c2.waitFor((m) => m.some((x) => x.kind === 'live'))
      expect(events(c2.msgs).map((e) => e.type === 'status.changed' && e.payload.status)).toEqual(['away'])
      // An event written through the first instance reaches a socket on the second (LISTEN/NOTIFY).
      await setStatus('available')
      await c2.waitFor((m) => events(m).length === 2)
      c2.ws.close()
    } finally {
      await second.close()
    }
  })

  /** A second instance (app + hub) over the same database. */
  async function secondInstance() {
    const hub2 = new Hub(f.db)
    await hub2.start()
    const app2 = await f.buildAnother({ hub: hub2 })
    await app2.ready()
    return {
      app: app2,
      hub: hub2,
      close: async () => {
        await hub2.stop()
        await app2.close()
      },
    }
  }

  /** A socket authenticated with `t` and live. */
  async function liveSocket(app: FastifyInstance, t: string): Promise<Client> {
    const c = await connect(app)
    c.send({ type: 'auth', token: t })
    const [ready] = await c.waitFor((m) => m.length >= 1)
    expect(ready).toMatchObject({ kind: 'ready' })
    c.send({ type: 'resume', since: (ready as { lastSeq: number }).lastSeq })
    await c.waitFor((m) => m.some((x) => x.kind === 'live'))
    return c
  }

  const closedWithin = (c: Client, ms = 5000) =>
    Promise.race([c.closed, new Promise<string>((r) => setTimeout(() => r('still open'), ms))])

  it('logout closes that session’s open socket with 4401, and it gets no event committed after', async () => {
    const mine = (await f.login('op1@demo')).token
    const c = await liveSocket(f.app, mine)
    const logout = await f.app.inject({ method: 'POST', url: '/api/auth/logout', headers: auth(mine) })
    expect(logout.statusCode).toBe(204)
    // Another session of the tenant changes status right after the logout committed.
    await setStatus('break')
    expect(await closedWithin(c)).toBe(4401)
    await f.hub.settled()
    expect(events(c.msgs)).toEqual([])
  })

  it('revoking a session from another session closes its sockets with 4401 on every instance', async () => {
    const victim = (await f.login('op1@demo')).token
    const other2 = (await f.login('op1@demo')).token
    const second = await secondInstance()
    try {
      const here = await liveSocket(f.app, victim)
      const there = await liveSocket(second.app, victim)
      const bystander = await liveSocket(second.app, other2)
      const list = await f.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: auth(victim) })
      const id = (list.json() as { id: string; current: boolean }[]).find((s) => s.current)!.id
      const del = await f.app.inject({
        method: 'DELETE',
        url: `/api/auth/sessions/${id}`,
        headers: auth(other2),
      })
      expect(del.statusCode).toBe(204)
      await setStatus('away')
      expect(await closedWithin(here)).toBe(4401)
      expect(await closedWithin(there)).toBe(4401)
      await bystander.waitFor((m) => events(m).length === 1)
      await f.hub.settled()
      await second.hub.settled()
      expect(events(here.msgs)).toEqual([])
      expect(events(there.msgs)).toEqual([])
      // The other session's socket is untouched.
      expect(bystander.ws.readyState).toBe(bystander.ws.OPEN)
      bystander.ws.close()
    } finally {
      await second.close()
    }
  })

  it('a ping re-checks the session: revoked without a notification (or expired) → 4401', async () => {
    const mine = (await f.login('op1@demo')).token
    const c = await liveSocket(f.app, mine)
    c.send({ type: 'ping' })
    await c.waitFor((m) => m.at(-1)?.kind === 'pong')
    const list = await f.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: auth(mine) })
    const id = (list.json() as { id: string; current: boolean }[]).find((s) => s.current)!.id
    await f.db.orm.update(schema.sessions).set({ revokedAt: new Date() }).where(eq(schema.sessions.id, id))
    c.send({ type: 'ping' })
    expect(await closedWithin(c)).toBe(4401)
  })

  it('a resume from ahead of the feed (stale seq from a reset or restored server) gets `reset`, not `live`', async () => {
    const c = await connect(f.app)
    c.send({ type: 'auth', token })
    const [ready] = await c.waitFor((m) => m.length >= 1)
    const last = (ready as { lastSeq: number }).lastSeq
    c.send({ type: 'resume', since: last + 1000 })
    await c.waitFor((m) => m.length >= 2)
    expect(c.msgs[1]).toEqual({ kind: 'reset', lastSeq: last })
    // The client starts over from the server's real position and gets what follows.
    c.send({ type: 'resume', since: last })
    await c.waitFor((m) => m.some((x) => x.kind === 'live'))
    expect(c.msgs.at(-1)).toEqual({ kind: 'live', lastSeq: last })
    await setStatus('break')
    await c.waitFor((m) => events(m).length === 1)
    expect(events(c.msgs)[0]!.seq).toBeGreaterThan(last)
    c.ws.close()
  })

  it('messages sent right after auth, before `ready`, are answered in order once auth completes', async () => {
    // Hold the auth step (its last query) until all three frames have reached the server.
    const real = f.hub.source.lastSeq.bind(f.hub.source)
    const probe = await connect(f.app)
    probe.send({ type: 'auth', token })
    const last = ((await probe.waitFor((m) => m.length >= 1))[0] as { lastSeq: number }).lastSeq
    probe.ws.close()
    for (let round = 0; round < 5; round++) {
      let release!: () => void
      const gate = new Promise<void>((r) => {
        release = r
      })
      let entered!: () => void
      const held = new Promise<void>((r) => {
        entered = r
      })
      const spy = vi.spyOn(f.hub.source, 'lastSeq').mockImplementationOnce(async (t) => {
        entered()
        await gate
        return real(t)
      })
      try {
        const c = await connect(f.app)
        c.ws.send(JSON.stringify({ type: 'auth', token }))
        c.ws.send(JSON.stringify({ type: 'resume', since: last }))
        c.ws.send(JSON.stringify({ type: 'ping' }))
        await held
        // A round trip on the same socket proves the two frames after auth were read by the server.
        const pong = new Promise<void>((r) => c.ws.once('pong', () => r()))
        c.ws.ping()
        await pong
        release()
        await c.waitFor((m) => m.length >= 3)
        expect(c.msgs.map((m) => m.kind)).toEqual(['ready', 'live', 'pong'])
        c.ws.close()
      } finally {
        spy.mockRestore()
      }
    }
  })

  it('frames piling up behind an auth in progress are bounded: past 32 the socket closes with 4401', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const real = f.hub.source.lastSeq.bind(f.hub.source)
    const spy = vi.spyOn(f.hub.source, 'lastSeq').mockImplementationOnce(async (t) => {
      await gate
      return real(t)
    })
    try {
      const c = await connect(f.app)
      c.ws.send(JSON.stringify({ type: 'auth', token }))
      for (let i = 0; i < 40; i++) c.ws.send(JSON.stringify({ type: 'ping' }))
      expect(await c.closed).toBe(4401)
    } finally {
      release()
      spy.mockRestore()
    }
  })

  it('a database error during auth closes with 1011 (retry), not 4401 (revoked)', async () => {
    const spy = vi.spyOn(f.db.orm, 'select').mockImplementationOnce(() => {
      throw new Error('connection terminated')
    })
    try {
      const c = await connect(f.app)
      c.send({ type: 'auth', token })
      expect(await closedWithin(c)).toBe(1011)
    } finally {
      spy.mockRestore()
    }
    const lastSeq = vi
      .spyOn(f.hub.source, 'lastSeq')
      .mockRejectedValueOnce(new Error('connection terminated'))
    try {
      const c = await connect(f.app)
      c.send({ type: 'auth', token })
      expect(await closedWithin(c)).toBe(1011)
    } finally {
      lastSeq.mockRestore()
    }
    // The token itself is fine: the next attempt succeeds.
    const ok = await liveSocket(f.app, token)
    ok.ws.close()
  })
})

describe('/api/ws client faults in the log', () => {
  let f: Fixture
  let app: FastifyInstance
  const log = captureLog()
  beforeAll(async () => {
    f = await makeFixture(targets[0]!)
    app = await f.buildAnother({ logLevel: 'debug', logStream: log.stream })
    await app.ready()
  })
  afterAll(async () => {
    await app?.close()
    await f?.close()
  })

  it('a 5 MB frame from an unauthenticated client is one short info line, no error-level entry', async () => {
    const c = await connect(app)
    c.ws.send('x'.repeat(5 * 1024 * 1024))
    expect(await c.closed).not.toBe(1000)
    await new Promise((r) => setImmediate(r))
    const entries = log.entries()
    expect(entries.filter((e) => e.level >= 50)).toEqual([])
    const fault = entries.filter((e) => e.msg.includes('client fault'))
    expect(fault.length).toBe(1)
    expect(fault[0]!.level).toBe(30)
    expect(fault[0]!.err).toBeUndefined()
    expect(log.lines.find((l) => l.includes('client fault'))).not.toMatch(/\n|\\n {4}at /)
  })
})
