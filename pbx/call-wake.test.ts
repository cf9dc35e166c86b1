/**
 * N1 §3, calls reach a closed app, through a real Kamailio, the real server and the push-service
 * stand-in: a call to an operator with no registration but a push subscription sends an
 * incoming-call push and waits; the woken app's REGISTER gets the INVITE. Nobody wakes → the normal
 * no-answer path (a client's call to a group: a missed call). Off work, or no subscription: no wait.
 */
import { and, eq, gt, gte } from 'drizzle-orm'
import { Inviter, Registerer, RegistererState, SessionState, UserAgent } from 'sip.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { SipSettings } from '../contract/api.ts'
import type { SiteCallCredentials } from '../contract/calls.ts'
import { pushTag } from '../contract/push.ts'
import { schema } from '../server/db/index.ts'
import { WAKE_WAIT_SEC } from '../server/domain/calls/index.ts'
import { topicOf } from '../server/push/index.ts'
import { targets } from '../server/test/dbs.ts'
import { auth, type Fixture } from '../server/test/fixture.ts'
import { type PushService, type StandinSubscription, startPushService } from '../server/test/push-service.ts'
import { sipAgent } from './test-agents.ts'
import { callRecord } from './test-api.ts'
import { type ServerWithPbx, startServerWithPbx } from './test-server.ts'

describe.each(targets)('calls reach a closed app, through Kamailio ($name)', (target) => {
  let f: Fixture
  let server: ServerWithPbx | null = null
  let svc: PushService
  let wsPort = 0
  const agents: UserAgent[] = []
  const subs = new Map<string, StandinSubscription>()

  const agent = (sip: SipSettings, delegate: UserAgent['delegate'] = {}) => {
    const a = sipAgent({ uri: sip.aor, wsPort, username: sip.username, password: sip.password, delegate })
    agents.push(a)
    return a
  }

  /**
   * Registers `ua`'s line and returns once the server routes with it: after Kamailio's 200 OK (SIP.js's
   * `register()` resolves when the REGISTER is only sent) and its registration report (posted after
   * that 200 OK) is in the database. A call dialled before then finds the line closed at the server.
   */
  const online = async (ua: UserAgent, sip: SipSettings) => {
    const since = new Date()
    const reg = new Registerer(ua)
    const done = new Promise<void>((r) =>
      reg.stateChange.addListener((x) => x === RegistererState.Registered && r()),
    )
    await reg.register()
    await done
    const user = UserAgent.makeURI(sip.aor)!.user!
    const { sipRegistrations: s } = schema
    await expect
      .poll(
        async () =>
          (
            await f.db.orm
              .select({ n: s.contacts })
              .from(s)
              .where(and(eq(s.username, user), gt(s.contacts, 0), gte(s.updatedAt, since)))
          ).length,
        { timeout: 15_000, interval: 50 },
      )
      .toBeGreaterThan(0)
  }

  const setStatus = async (login: string, status: string) => {
    const { token } = await f.login(login)
    const r = await f.app.inject({
      method: 'PUT',
      url: '/api/me/status',
      headers: auth(token),
      payload: { status },
    })
    expect(r.statusCode).toBe(200)
  }

  /** `login`'s device subscribes at the stand-in (its app is closed from now on: no registration). */
  const subscribe = async (login: string) => {
    const { token } = await f.login(login)
    const s = svc.subscribe()
    const r = await f.app.inject({
      method: 'POST',
      url: '/api/push/subscriptions',
      headers: auth(token),
      payload: { endpoint: s.endpoint, expirationTime: null, keys: s.keys },
    })
    expect(r.statusCode).toBeLessThan(300)
    subs.set(login, s)
    return s
  }

  const record = (sipCallId: string) => callRecord(f, sipCallId)

  /** The record once Kamailio's report has moved it out of `ringing` (or after ~10 s). */
  const settled = async (sipCallId: string) => {
    let call = await record(sipCallId)
    for (let i = 0; i < 200 && call?.state === 'ringing'; i++) {
      await new Promise((r) => setTimeout(r, 50))
      call = await record(sipCallId)
    }
    return call
  }

  /** Dials `to`; `code` resolves with the final code the caller got (the call set up counts as 200). */
  const dial = (ua: UserAgent, domain: string, to: string) => {
    const inviter = new Inviter(ua, UserAgent.makeURI(`sip:${to}@${domain}`)!)
    const code = new Promise<number>((resolve) => {
      inviter.stateChange.addListener((s) => s === SessionState.Established && resolve(200))
      void inviter.invite({ requestDelegate: { onReject: (r) => resolve(r.message.statusCode ?? 0) } })
    })
    return { code, callId: inviter.request.callId, inviter }
  }

  /** The woken app: registers `login`'s line and answers the INVITE of `sipCallId` when it comes. */
  const wake = async (login: string, sipCallId: string) => {
    const { sip } = await f.login(login)
    const got: string[] = []
    let answering = sipCallId
    const ua = agent(sip!, {
      onInvite: (inv) => {
        got.push(inv.request.callId)
        if (inv.request.callId === answering) void inv.accept()
        else void inv.reject({ statusCode: 486 })
      },
    })
    await ua.start()
    await online(ua, sip!)
    return {
      ua,
      got,
      answer: (id: string) => {
        answering = id
      },
    }
  }

  beforeAll(async () => {
    svc = await startPushService()
    server = await startServerWithPbx(target, {
      ...(process.env.PBX_LOG ? { log: (l: string) => console.error(l) } : {}),
      fixture: { push: { allowPrivate: true, ca: svc.ca } },
    })
    f = server.f
    wsPort = server.wsPort
  }, 60_000)

  afterAll(async () => {
    for (const a of agents) await a.stop().catch(() => {})
    await server?.close()
    await svc?.close()
  })

  it('N1 a call to an operator whose app is closed: a call push, the woken app registers, the INVITE arrives and is answered', async () => {
    await setStatus('op1@demo', 'available')
    await setStatus('op2@demo', 'available')
    const sub = await subscribe('op2@demo')
    const { sip } = await f.login('op1@demo')
    const caller = agent(sip!)
    await caller.start()
    const call = dial(caller, sip!.domain, '102')
    const push = await svc.waitFor((r) => r.id === sub.id && r.payload?.kind === 'call')
    expect(push.vapidOk).toBe(true)
    expect(push.urgency).toBe('high')
    expect(push.ttl).toBeGreaterThan(0)
    expect(push.ttl).toBeLessThanOrEqual(WAKE_WAIT_SEC)
    expect(push.payload).toMatchObject({ kind: 'call', from: '101', sipCallId: call.callId })
    const callId = push.payload?.kind === 'call' ? push.payload.callId : ''
    expect(push.topic).toBe(
      topicOf(pushTag({ kind: 'missed_call', seq: 0, callId, from: '', fromName: null })),
    )
    // The call waits for the app: nothing final reached the caller before it registered.
    expect(await record(call.callId)).toMatchObject({ id: callId, state: 'ringing' })
    const app = await wake('op2@demo', call.callId)
    expect(await call.code).toBe(200)
    expect(app.got).toEqual([call.callId])
    const answered = await settled(call.callId)
    expect(answered).toMatchObject({ state: 'answered' })
    await call.inviter.bye()
    await app.ua.stop()
    await caller.stop()
  }, 30_000)

  it('N1 nobody wakes: a client call to a group ends as a missed call after the ring time', async () => {
    await setStatus('op1@demo', 'off_work')
    await setStatus('op3@demo', 'off_work')
    await setStatus('op2@demo', 'available')
    const sub = subs.get('op2@demo') ?? (await subscribe('op2@demo'))
    const sales = eq(schema.groups.extension, '200')
    await f.db.orm.update(schema.groups).set({ ringTimeoutSec: 5 }).where(sales)
    try {
      const site = (
        await f.app.inject({ method: 'POST', url: '/api/site/call-credentials', payload: { tenant: 'demo' } })
      ).json() as SiteCallCredentials
      const number = site.numbers.find((n) => n.label === 'Sales')!
      const guest = agent(site.sip)
      await guest.start()
      const call = dial(guest, site.sip.domain, number.number)
      const push = await svc.waitFor(
        (r) => r.id === sub.id && r.payload?.kind === 'call' && r.payload.sipCallId === call.callId,
      )
      expect(push.ttl).toBeLessThanOrEqual(5)
      expect(push.payload).toMatchObject({ virtualNumber: number.number, groupName: 'Sales' })
      expect(await call.code).toBe(480)
      const missed = await settled(call.callId)
      expect(missed).toMatchObject({ state: 'failed', missed: true })
      // The missed-call push replaces the incoming-call notification: same call, same tag and topic.
      const callId = push.payload?.kind === 'call' ? push.payload.callId : ''
      const later = await svc.waitFor(
        (r) => r.id === sub.id && r.payload?.kind === 'missed_call' && r.payload.callId === callId,
      )
      expect(later.payload && pushTag(later.payload)).toBe(push.payload && pushTag(push.payload))
      expect(later.topic).toBe(push.topic)
      await guest.stop()
    } finally {
      await f.db.orm.update(schema.groups).set({ ringTimeoutSec: 20 }).where(sales)
    }
  }, 30_000)

  it('N1 a sequential hunt: the closed first member does not wake, the next member rings and answers', async () => {
    await setStatus('op1@demo', 'available')
    await setStatus('op2@demo', 'off_work')
    await setStatus('op3@demo', 'available')
    await setStatus('op4@demo', 'available')
    const sub1 = subs.get('op1@demo') ?? (await subscribe('op1@demo'))
    const sales = eq(schema.groups.extension, '200')
    await f.db.orm.update(schema.groups).set({ strategy: 'sequential', ringTimeoutSec: 5 }).where(sales)
    try {
      const { sip: sip4 } = await f.login('op4@demo')
      const caller = agent(sip4!)
      await caller.start()
      // op3's app is open (registered): it gets the INVITE once op1's wait is over.
      const op3 = await wake('op3@demo', '')
      const call = dial(caller, sip4!.domain, '200')
      op3.answer(call.callId)
      await svc.waitFor(
        (r) => r.id === sub1.id && r.payload?.kind === 'call' && r.payload.sipCallId === call.callId,
      )
      expect(await call.code).toBe(200)
      expect(op3.got).toEqual([call.callId])
      expect(await settled(call.callId)).toMatchObject({ state: 'answered', answeredByName: 'Мария Попова' })
      await call.inviter.bye()
      await op3.ua.stop()
      await caller.stop()
    } finally {
      await f.db.orm.update(schema.groups).set({ strategy: 'parallel', ringTimeoutSec: 20 }).where(sales)
    }
  }, 40_000)

  it('N1 a parallel group whose other member already rings: the woken app is added to the ringing call (ts_append) and answers', async () => {
    await setStatus('op1@demo', 'available')
    await setStatus('op2@demo', 'available')
    await setStatus('op3@demo', 'off_work')
    await setStatus('op4@demo', 'available')
    const sub2 = subs.get('op2@demo') ?? (await subscribe('op2@demo'))
    const { sip: sip1 } = await f.login('op1@demo')
    const rung: string[] = []
    const op1 = agent(sip1!, { onInvite: (inv) => void rung.push(inv.request.callId) })
    await op1.start()
    await online(op1, sip1!)
    const { sip: sip4 } = await f.login('op4@demo')
    const caller = agent(sip4!)
    await caller.start()
    const call = dial(caller, sip4!.domain, '200')
    await svc.waitFor(
      (r) => r.id === sub2.id && r.payload?.kind === 'call' && r.payload.sipCallId === call.callId,
    )
    await expect.poll(() => rung).toEqual([call.callId])
    const app = await wake('op2@demo', call.callId)
    expect(await call.code).toBe(200)
    expect(app.got).toEqual([call.callId])
    expect(await settled(call.callId)).toMatchObject({ state: 'answered', answeredByName: 'Иван Кузнецов' })
    await call.inviter.bye()
    await app.ua.stop()
    await op1.stop()
    await caller.stop()
  }, 40_000)

  it('N1 the caller hangs up while the call waits for the app: 487, the record ends, the late app is not rung', async () => {
    await setStatus('op1@demo', 'off_work')
    await setStatus('op2@demo', 'available')
    await setStatus('op4@demo', 'available')
    const sub2 = subs.get('op2@demo') ?? (await subscribe('op2@demo'))
    const { sip: sip4 } = await f.login('op4@demo')
    const caller = agent(sip4!)
    await caller.start()
    const call = dial(caller, sip4!.domain, '102')
    await svc.waitFor(
      (r) => r.id === sub2.id && r.payload?.kind === 'call' && r.payload.sipCallId === call.callId,
    )
    await call.inviter.cancel()
    expect(await call.code).toBe(487)
    expect(await settled(call.callId)).toMatchObject({ state: 'failed', failureCode: 487 })
    const app = await wake('op2@demo', call.callId)
    // A call to the app now rings it at once (it is registered): the cancelled one never came.
    const next = dial(caller, sip4!.domain, '102')
    app.answer(next.callId)
    expect(await next.code).toBe(200)
    expect(app.got).toEqual([next.callId])
    await next.inviter.bye()
    await app.ua.stop()
    await caller.stop()
  }, 40_000)

  /**
   * Sends `msg` over a fresh WebSocket of its own (no registration, no credentials) and resolves with
   * the status line of the first reply, or null when none came within 5 s.
   */
  const rawSend = (msg: string) =>
    new Promise<string | null>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${wsPort}`, 'sip')
      const done = (v: string | null) => {
        clearTimeout(timer)
        ws.close()
        resolve(v)
      }
      const timer = setTimeout(() => done(null), 5000)
      ws.on('open', () => ws.send(msg))
      ws.on('message', (d) => done(String(d).split('\r\n')[0] ?? ''))
      ws.on('error', reject)
    })

  it('N1 a forged CANCEL of a waiting call (its Call-ID, another Via branch, From tag or connection) gets 481 and the call still rings the woken app', async () => {
    await setStatus('op1@demo', 'off_work')
    await setStatus('op2@demo', 'available')
    await setStatus('op4@demo', 'available')
    const sub2 = subs.get('op2@demo') ?? (await subscribe('op2@demo'))
    const { sip: sip4 } = await f.login('op4@demo')
    const caller = agent(sip4!)
    await caller.start()
    const call = dial(caller, sip4!.domain, '102')
    await svc.waitFor(
      (r) => r.id === sub2.id && r.payload?.kind === 'call' && r.payload.sipCallId === call.callId,
    )
    const invite = call.inviter.request.toString()
    const line = (name: string) => invite.split('\r\n').find((l) => l.startsWith(`${name}: `))!
    const cancel = (via: string, from: string, cseq: string) =>
      [
        `CANCEL sip:102@${sip4!.domain} SIP/2.0`,
        via,
        'Max-Forwards: 70',
        `To: <sip:102@${sip4!.domain}>`,
        from,
        `Call-ID: ${call.callId}`,
        `CSeq: ${cseq} CANCEL`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n')
    const cseq = line('CSeq').split(' ')[1]!
    // Someone who saw only the Call-ID (it is in every employee's call list and in the push).
    expect(
      await rawSend(
        cancel(
          'Via: SIP/2.0/WS forged.invalid;branch=z9hG4bKforged1',
          `From: <sip:nobody@${sip4!.domain}>;tag=evil`,
          cseq,
        ),
      ),
    ).toBe('SIP/2.0 481 Call/Transaction Does Not Exist')
    // The INVITE's own Via branch but another From tag, or another CSeq number.
    expect(await rawSend(cancel(line('Via'), `From: <sip:104@${sip4!.domain}>;tag=evil`, cseq))).toBe(
      'SIP/2.0 481 Call/Transaction Does Not Exist',
    )
    expect(await rawSend(cancel(line('Via'), line('From'), String(Number(cseq) + 1)))).toBe(
      'SIP/2.0 481 Call/Transaction Does Not Exist',
    )
    // Even the caller's exact CANCEL, replayed from another connection.
    expect(await rawSend(cancel(line('Via'), line('From'), cseq))).toBe(
      'SIP/2.0 481 Call/Transaction Does Not Exist',
    )
    // The call waited on: the woken app gets it and answers.
    expect(await record(call.callId)).toMatchObject({ state: 'ringing' })
    const app = await wake('op2@demo', call.callId)
    expect(await call.code).toBe(200)
    expect(app.got).toEqual([call.callId])
    expect(await settled(call.callId)).toMatchObject({ state: 'answered' })
    await call.inviter.bye()
    await app.ua.stop()
    await caller.stop()
  }, 60_000)

  it('N1 an operator in Off work, or with no subscription, is not waited for: 480 at once, no push', async () => {
    await setStatus('op1@demo', 'available')
    await setStatus('op3@demo', 'off_work')
    await setStatus('op4@demo', 'available')
    const sub3 = await subscribe('op3@demo')
    const { sip } = await f.login('op1@demo')
    const caller = agent(sip!)
    await caller.start()
    const toOffWork = dial(caller, sip!.domain, '103')
    expect(await toOffWork.code).toBe(480)
    expect(await record(toOffWork.callId)).toMatchObject({
      state: 'failed',
      failureReason: 'Status forbids incoming calls',
    })
    const toNoSub = dial(caller, sip!.domain, '104')
    expect(await toNoSub.code).toBe(480)
    expect(await record(toNoSub.callId)).toMatchObject({ state: 'failed', failureReason: 'Not registered' })
    // The server decided both before answering Kamailio (no wait): no push was queued for either.
    const jobs = await f.db.orm.select().from(schema.jobs).where(eq(schema.jobs.kind, 'call.wake'))
    expect(jobs.map((j) => (j.payload as { sipCallId: string }).sipCallId)).not.toContain(toOffWork.callId)
    expect(jobs.map((j) => (j.payload as { sipCallId: string }).sipCallId)).not.toContain(toNoSub.callId)
    expect(svc.requests.filter((r) => r.id === sub3.id)).toEqual([])
    await caller.stop()
  }, 30_000)
})
