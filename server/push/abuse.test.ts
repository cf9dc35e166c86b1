/**
 * Probe 10 (outside attacker) against Web Push: subscriptions per employee are capped, keys must be a
 * real P-256 point, an endpoint is not moved to another account without its auth secret, one push to
 * many dead endpoints makes bounded work (one retry job per push, a bounded number of rounds),
 * deactivated employees and suspended tenants get nothing, and the endpoint check knows every
 * non-unicast address form and the port.
 */
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PushPayload } from '../../contract/push.ts'
import { pendingJobs, schema } from '../db/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'
import { type PushService, startPushService } from '../test/push-service.ts'
import { endpointProblem, PUSH_RETRY_JOB, pushSubscriptions, sendPush } from './index.ts'
import { RETRY_ROUNDS } from './send.ts'
import { MAX_SUBSCRIPTIONS_PER_EMPLOYEE } from './subscriptions.ts'

const lead: PushPayload = { kind: 'lead', seq: 1, leadId: 'l1', name: 'Flood', comment: '' }

describe('endpoint check (production mode)', () => {
  it('refuses every non-unicast literal, a trailing-dot localhost and a non-default port', () => {
    for (const e of [
      'https://localhost./x',
      'https://[::127.0.0.1]/x',
      'https://[2002:7f00:1::]/x',
      'https://[fec0::1]/x',
      'https://[100::1]/x',
      'https://[64:ff9b::a00:1]/x',
      'https://240.0.0.1/x',
      'https://push.example.com:9/x',
      'https://push.example.com:8443/x',
      'https://printer.local./x',
    ])
      expect(endpointProblem(e, false), e).not.toBeNull()
    expect(endpointProblem('https://push.example.com:443/x', false)).toBeNull()
    expect(endpointProblem('https://fcm.googleapis.com/fcm/send/abc', false)).toBeNull()
    expect(endpointProblem('https://[2a00:1450:4001::1]/x', false)).toBeNull()
    expect(endpointProblem('https://127.0.0.1:9443/x', true)).toBeNull()
  })
})

describe.each(targets)('push abuse on $name', (target) => {
  let f: Fixture
  let svc: PushService
  let op1 = { token: '', id: '', tenantId: '' }

  beforeAll(async () => {
    svc = await startPushService()
    f = await makeFixture(target, {
      push: { allowPrivate: true, ca: svc.ca },
      jobOptions: { backoffMs: () => 0, pollMs: 60_000 },
    })
    const r = await f.login('op1@demo')
    op1 = { token: r.token, id: r.me.id, tenantId: r.me.tenantId }
  }, 120_000)
  afterAll(async () => {
    await f?.close()
    await svc?.close()
  })

  const deps = () => ({ db: f.db, push: { allowPrivate: true, ca: svc.ca } })
  const post = (body: object, tok = op1.token) =>
    f.app.inject({ method: 'POST', url: '/api/push/subscriptions', headers: auth(tok), payload: body })
  const rowsOf = (employeeId: string) =>
    f.db.orm.select().from(pushSubscriptions).where(eq(pushSubscriptions.employeeId, employeeId))
  const clear = () => f.db.orm.delete(pushSubscriptions)

  it('refuses a p256dh that is not a point on P-256', async () => {
    const s = svc.subscribe()
    // 0x04 ‖ x ‖ y with y not matching x: 65 octets, but off the curve.
    const bad = Buffer.from(s.keys.p256dh, 'base64url')
    bad[64] = (bad[64] ?? 0) ^ 1
    const r = await post({
      endpoint: s.endpoint,
      keys: { p256dh: bad.toString('base64url'), auth: s.keys.auth },
    })
    expect(r.statusCode).toBe(400)
    expect(await rowsOf(op1.id)).toHaveLength(0)
  })

  it('keeps a handful of devices per employee: a new one replaces the oldest', async () => {
    await clear()
    const subs = Array.from({ length: MAX_SUBSCRIPTIONS_PER_EMPLOYEE + 3 }, () => svc.subscribe())
    for (const s of subs) expect((await post({ endpoint: s.endpoint, keys: s.keys })).statusCode).toBe(200)
    const rows = await rowsOf(op1.id)
    expect(rows).toHaveLength(MAX_SUBSCRIPTIONS_PER_EMPLOYEE)
    expect(rows.map((r) => r.endpoint).sort()).toEqual(
      subs
        .slice(-MAX_SUBSCRIPTIONS_PER_EMPLOYEE)
        .map((s) => s.endpoint)
        .sort(),
    )
  })

  it('moves an endpoint to another account only with the same auth secret', async () => {
    await clear()
    const s = svc.subscribe()
    expect((await post({ endpoint: s.endpoint, keys: s.keys })).statusCode).toBe(200)
    const other = await f.login('op2@demo')
    const thief = svc.subscribe()
    const r = await post({ endpoint: s.endpoint, keys: thief.keys }, other.token)
    expect(r.statusCode).toBe(409)
    expect((r.json() as { error: { code: string } }).error.code).toBe('E_PUSH_TAKEN')
    expect((await rowsOf(op1.id)).map((x) => x.endpoint)).toEqual([s.endpoint])
    // The device itself (same keys) signing in as op2 moves it.
    expect((await post({ endpoint: s.endpoint, keys: s.keys }, other.token)).statusCode).toBe(200)
    expect(await rowsOf(op1.id)).toHaveLength(0)
    // The owner re-subscribing with new keys is not a move: fine.
    expect((await post({ endpoint: s.endpoint, keys: thief.keys }, other.token)).statusCode).toBe(200)
  })

  it('many dead endpoints and one push: bounded requests, one retry job per round', async () => {
    await clear()
    const subs = Array.from({ length: 20 }, () => svc.subscribe())
    for (const s of subs) {
      svc.answer(s.id, 503)
      await post({ endpoint: s.endpoint, keys: s.keys })
    }
    const before = svc.requests.length
    const report = await sendPush(deps(), op1.tenantId, [op1.id], lead, { ttl: 3600 })
    expect(report.subscriptions).toBe(MAX_SUBSCRIPTIONS_PER_EMPLOYEE)
    let maxJobs = 0
    let rounds = 0
    for (;;) {
      const pending = await pendingJobs(f.db.orm, op1.tenantId, PUSH_RETRY_JOB)
      maxJobs = Math.max(maxJobs, pending.length)
      if (!pending.length) break
      rounds++
      expect(rounds).toBeLessThanOrEqual(RETRY_ROUNDS)
      await f.db.orm.execute(sql`UPDATE jobs SET run_at = now() WHERE kind = ${PUSH_RETRY_JOB}`)
      await f.app.jobs.drain()
    }
    expect(maxJobs).toBe(1)
    expect(rounds).toBe(RETRY_ROUNDS)
    const sent = svc.requests.length - before
    expect(sent).toBe(MAX_SUBSCRIPTIONS_PER_EMPLOYEE * (1 + RETRY_ROUNDS))
    // The server still answers at once.
    const h = await f.app.inject({ method: 'GET', url: '/api/health' })
    expect(h.statusCode).toBe(200)
    for (const s of subs) svc.answer(s.id, 0)
  })

  it('a deactivated employee loses the subscriptions and gets no pushes', async () => {
    await clear()
    const op3 = await f.login('op3@demo')
    const s = svc.subscribe()
    expect((await post({ endpoint: s.endpoint, keys: s.keys }, op3.token)).statusCode).toBe(200)
    // Not yet deactivated but flagged in the table (a row left behind): targeting skips it.
    await f.db.orm
      .update(schema.employees)
      .set({ deactivatedAt: new Date() })
      .where(eq(schema.employees.id, op3.me.id))
    expect((await sendPush(deps(), op1.tenantId, [op3.me.id], lead, { ttl: 60 })).subscriptions).toBe(0)
    await f.db.orm
      .update(schema.employees)
      .set({ deactivatedAt: null })
      .where(eq(schema.employees.id, op3.me.id))
    const admin = await f.login('admin@demo')
    const r = await f.app.inject({
      method: 'POST',
      url: `/api/admin/employees/${op3.me.id}/deactivate`,
      headers: auth(admin.token),
    })
    expect(r.statusCode).toBe(200)
    expect(await rowsOf(op3.me.id)).toHaveLength(0)
  })

  it('a suspended tenant gets no pushes', async () => {
    await clear()
    const s = svc.subscribe()
    expect((await post({ endpoint: s.endpoint, keys: s.keys })).statusCode).toBe(200)
    await f.db.orm
      .update(schema.tenants)
      .set({ suspendedAt: new Date() })
      .where(eq(schema.tenants.id, op1.tenantId))
    try {
      const before = svc.requests.length
      expect((await sendPush(deps(), op1.tenantId, [op1.id], lead, { ttl: 60 })).subscriptions).toBe(0)
      expect(svc.requests.length).toBe(before)
    } finally {
      await f.db.orm
        .update(schema.tenants)
        .set({ suspendedAt: null })
        .where(eq(schema.tenants.id, op1.tenantId))
    }
  })

  it('drops a subscription that keeps failing for over a day', async () => {
    await clear()
    const s = svc.subscribe()
    await post({ endpoint: s.endpoint, keys: s.keys })
    await f.db.orm
      .update(pushSubscriptions)
      .set({ failures: 10, failingSince: new Date(Date.now() - 2 * 24 * 3600 * 1000) })
      .where(eq(pushSubscriptions.endpoint, s.endpoint))
    svc.answer(s.id, 503)
    const report = await sendPush(deps(), op1.tenantId, [op1.id], lead, { ttl: 60 })
    expect(report.removed).toBe(1)
    expect(await rowsOf(op1.id)).toHaveLength(0)
    svc.answer(s.id, 0)
  })
})
