/**
 * Probe 10 finding 5: a burst of new chats (anonymous website visitors) must not become a push per
 * chat on every operator's phone. The first chat of a window is pushed as it is (N1); the next ones
 * fold into one "N new chats" push at the window's end (one job per operator and window).
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pendingJobs, schema } from '../db/index.ts'
import { receiveInbound } from '../domain/chats/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'
import { type PushService, type StandinSubscription, startPushService } from '../test/push-service.ts'
import { PUSH_CHATS_JOB } from './coalesce.ts'

describe.each(targets)('chat pushes coalesced per operator on $name', (target) => {
  let f: Fixture
  let svc: PushService
  let tenantId = ''
  let channelId = ''
  let device: StandinSubscription

  beforeAll(async () => {
    svc = await startPushService()
    f = await makeFixture(target, {
      push: { allowPrivate: true, ca: svc.ca },
      // The runner never picks jobs by itself: the test drains them (no wall clock).
      jobOptions: { backoffMs: () => 0, pollMs: 60_000 },
    })
    const r = await f.login('op1@demo')
    tenantId = r.me.tenantId
    device = svc.subscribe()
    const sub = await f.app.inject({
      method: 'POST',
      url: '/api/push/subscriptions',
      headers: auth(r.token),
      payload: { endpoint: device.endpoint, keys: device.keys },
    })
    expect(sub.statusCode).toBe(200)
    await f.app.inject({
      method: 'PUT',
      url: '/api/me/status',
      headers: auth(r.token),
      payload: { status: 'available' },
    })
    const [c] = await f.db.orm
      .insert(schema.channels)
      .values({ tenantId, kind: 'whatsapp', name: 'WhatsApp', connected: true, address: '+74950000000' })
      .returning()
    channelId = c!.id
  }, 120_000)
  afterAll(async () => {
    await f?.close()
    await svc?.close()
  })

  const settle = async () => {
    await f.hub.spine.settled()
    await f.app.jobs.drain()
  }

  it('ten new chats at once: one chat push, then one "N new chats" push', async () => {
    for (let i = 0; i < 10; i++) {
      await receiveInbound(f.db.orm, tenantId, {
        channelId,
        clientAddress: `+7916555${String(i).padStart(4, '0')}`,
        providerMsgId: randomUUID(),
        clientName: `Visitor ${i}`,
        clientPhone: `+7916555${String(i).padStart(4, '0')}`,
        text: `hello ${i}`,
      })
      await settle()
    }
    // Every chat's push job has run (on PostgreSQL the spine hears events through LISTEN/NOTIFY).
    await expect
      .poll(async () => {
        await settle()
        const r = await f.db.orm.execute(
          sql`SELECT count(*)::int AS n FROM jobs WHERE kind = 'push.event' AND state = 'done'`,
        )
        const rows = (Array.isArray(r) ? r : (r as { rows: { n: number }[] }).rows) as { n: number }[]
        return Number(rows[0]?.n)
      })
      .toBe(10)
    const mine = () => svc.requests.filter((q) => q.id === device.id)
    expect(mine().map((q) => q.payload?.kind)).toEqual(['chat'])
    expect(mine()[0]?.payload).toMatchObject({ kind: 'chat', preview: 'hello 0' })
    // One job holds the window's folded chats; run it now instead of waiting for the window's end.
    const jobs = await pendingJobs(f.db.orm, tenantId, PUSH_CHATS_JOB)
    expect(jobs).toHaveLength(1)
    await f.db.orm.execute(sql`UPDATE jobs SET run_at = now() WHERE kind = ${PUSH_CHATS_JOB}`)
    await f.app.jobs.drain()
    // A kept-alive socket the stand-in closed meanwhile makes a network error: its retry, now.
    await f.db.orm.execute(sql`UPDATE jobs SET run_at = now() WHERE kind = 'push.retry'`)
    await f.app.jobs.drain()
    expect(mine().map((q) => q.payload?.kind)).toEqual(['chat', 'chats'])
    expect(mine()[1]?.payload).toMatchObject({ kind: 'chats', count: 9 })
  })
})
