import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type WebSocket from 'ws'
import type { ServerMessage } from '../../contract/events.ts'
import { buildApp } from '../app.ts'
import { loadSecrets } from '../db/index.ts'
import { FailureLimiter } from '../domain/auth/index.ts'
import { Hub } from '../realtime/hub.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

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
    const hub2 = new Hub(f.db)
    await hub2.start()
    const app2 = await buildApp({
      db: f.db,
      secrets: await loadSecrets(f.db.orm),
      limiter: new FailureLimiter(),
      hub: hub2,
      sipWsUrl: 'ws://127.0.0.1:8088',
      sipStatus: () => 'unavailable',
      distDir: path.join(f.dir, 'none'),
      siteDir: path.join(f.dir, 'none'),
      version: 't',
      logLevel: 'silent',
    })
    await app2.ready()
    try {
      const c2 = await connect(app2)
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
      await hub2.stop()
      await app2.close()
    }
  })
})
