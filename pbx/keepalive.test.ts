/**
 * Issue 11 (probe 11): a call whose phones vanish without a BYE — a browser tab killed, a phone that
 * lost its network — ends through Kamailio's in-dialog keep-alives (pbx/README.md "Calls whose phones
 * vanish"), reported like a hang-up: the record ends and the operators are available again. A call
 * whose two sides answer the keep-alives is never cut by them. Through a real Kamailio and server, with
 * SIP.js agents (the app's SIP stack) whose WebSockets are then destroyed or stop reading.
 *
 * Kamailio 5.6 takes no keep-alive interval under 30 s, so these calls last ~1–2 min: the three run
 * at once.
 */

import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type Invitation, Inviter, Registerer, SessionState, UserAgent } from 'sip.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EmployeeView } from '../contract/api.ts'
import { fetchLiveCallIds, kamailioRpc } from '../server/sip/index.ts'
import { targets } from '../server/test/dbs.ts'
import { auth, type Fixture } from '../server/test/fixture.ts'
import { checkConfig, findKamailio, KEEPALIVE_MIN_SEC, renderConfig } from './index.ts'
import { sipAgent } from './test-agents.ts'
import { callRecord, setOwnStatus } from './test-api.ts'
import { type ServerWithPbx, startServerWithPbx } from './test-server.ts'

/** What one agent's transport saw: in-dialog keep-alives received, and the replies it sent to them. */
interface Tap {
  options: number
  answered: number
  byes: number
}

interface RawTransport {
  onMessage: (m: string) => void
  send: (m: string) => Promise<void>
  ws?: { terminate(): void; close(code?: number): void; _socket?: { pause(): void } }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Polls `check` until it holds (the test's own timeout bounds the wait); returns its last value. */
async function until<T>(read: () => Promise<T>, check: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await read()
    if (check(v)) return v
    await sleep(250)
  }
}

// ~2 intervals for a vanished call (keep-alive, 408 after tm's 10 s, 10 s dialog grace), 3+ for the
// healthy one; generous on a loaded 2-core machine.
const LONG = 8 * KEEPALIVE_MIN_SEC * 1000

describe('keepaliveSec in the rendered config', () => {
  const base = {
    wsPort: 5999,
    secret: 'secret-123456',
    internalUrl: 'http://127.0.0.1:1',
    internalSecret: 'internal-1234',
  }

  it('30 s by default, 0 turns keep-alives off (the close hook stays), under 30 s is refused as Kamailio would', async () => {
    const cfg = await renderConfig(base)
    expect(cfg).toContain('modparam("dialog", "ka_interval", 30)')
    expect(cfg).toContain('modparam("dialog", "ka_timer", 1)')
    const off = await renderConfig({ ...base, keepaliveSec: 0 })
    expect(off).toContain('modparam("dialog", "ka_interval", 0)')
    expect(off).toContain('route(WSCALLS)')
    expect(await renderConfig({ ...base, keepaliveSec: 45 })).toContain(
      'modparam("dialog", "ka_interval", 45)',
    )
    for (const bad of [29, 5, -1, 1.5, 3601]) {
      await expect(renderConfig({ ...base, keepaliveSec: bad }), String(bad)).rejects.toThrow(/keepaliveSec/)
    }
    const binary = findKamailio()
    expect(binary).toBeTruthy()
    for (const [name, text] of [
      ['on', cfg],
      ['off', off],
    ] as const) {
      const file = path.join(tmpdir(), `frontline-ka-${process.pid}-${name}.cfg`)
      await writeFile(file, text)
      expect(checkConfig(binary!, file)).toMatch(/config file ok/)
    }
  })
})

describe.each(targets)('calls whose phones vanish end by keep-alives, through Kamailio ($name)', (target) => {
  let f: Fixture
  let server: ServerWithPbx | null = null
  let wsPort = 0
  let internalSecret = ''
  const agents: UserAgent[] = []
  /** Kamailio's output lines (printed too with PBX_LOG set). */
  const pbxLog: string[] = []

  const setStatus = (login: string, status: string) => setOwnStatus(f, login, status)

  const record = (sipCallId: string) => callRecord(f, sipCallId)

  /** S1 presence of an employee as colleagues see it. */
  const presence = async (login: string) => {
    const { token } = await f.login('admin@demo')
    const list = (
      await f.app.inject({ url: '/api/contacts/employees', headers: auth(token) })
    ).json() as EmployeeView[]
    return list.find((e) => e.login === login)?.presence.state
  }

  /** A started agent on `login`'s line whose transport is tapped; `register` makes it ring for calls. */
  const device = async (login: string, o: { register?: boolean; answer?: boolean } = {}) => {
    const { sip } = await f.login(login)
    const ua = sipAgent({
      uri: sip!.aor,
      wsPort,
      username: sip!.username,
      password: sip!.password,
      delegate: o.answer ? { onInvite: (inv: Invitation) => void inv.accept() } : {},
    })
    agents.push(ua)
    await ua.start()
    const tap: Tap = { options: 0, answered: 0, byes: 0 }
    const t = ua.transport as unknown as RawTransport
    const onMessage = t.onMessage
    t.onMessage = (m) => {
      if (m.startsWith('OPTIONS ')) tap.options++
      if (m.startsWith('BYE ')) tap.byes++
      onMessage(m)
    }
    const send = t.send.bind(t)
    t.send = (m) => {
      if (m.startsWith('SIP/2.0 ') && /^CSeq:\s*\d+ OPTIONS\s*$/im.test(m)) tap.answered++
      return send(m)
    }
    if (o.register) await new Registerer(ua).register()
    return { ua, sip: sip!, tap, transport: t }
  }

  /** `from` dials `ext` and resolves once the call is set up and the server has it answered. */
  const call = async (from: UserAgent, domain: string, ext: string) => {
    const inviter = new Inviter(from, UserAgent.makeURI(`sip:${ext}@${domain}`)!)
    await new Promise<void>((resolve, reject) => {
      inviter.stateChange.addListener((s) => s === SessionState.Established && resolve())
      void inviter.invite({
        requestDelegate: { onReject: (r) => reject(new Error(`${r.message.statusCode}`)) },
      })
    })
    const callId = inviter.request.callId
    await until(
      () => record(callId),
      (c) => c?.state === 'answered',
    )
    return { inviter, callId }
  }

  const live = () => fetchLiveCallIds(kamailioRpc({ port: wsPort, secret: internalSecret }))

  /**
   * Waits up to `ms` for `p`; past that, fails with what Kamailio knew — its dialogs, the close
   * bookkeeping (dlgws) and its log since `from` — so a call that did not end says why (it once hung
   * on a loaded CI run, and a bare test timeout said nothing).
   */
  const within = async <T>(p: Promise<T>, ms: number, what: string, from: number): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), ms)
    })
    const got = await Promise.race([p, late])
    clearTimeout(timer)
    if (got !== 'late') return got as T
    const rpc = kamailioRpc({ port: wsPort, secret: internalSecret })
    const ask = (m: string, params: unknown[] = []) =>
      rpc(m, params).then(
        (r) => JSON.stringify(r),
        (e: unknown) => String(e),
      )
    throw new Error(
      [
        `${what}: not within ${ms / 1000} s`,
        `dlg.list: ${await ask('dlg.list')}`,
        `dlgws: ${await ask('htable.dump', ['dlgws'])}`,
        'Kamailio since the call:',
        ...pbxLog.slice(from),
      ].join('\n'),
    )
  }

  beforeAll(async () => {
    server = await startServerWithPbx(target, {
      log: (l) => {
        pbxLog.push(l)
        if (process.env.PBX_LOG) console.error(l)
      },
    })
    f = server.f
    wsPort = server.wsPort
    internalSecret = f.secrets.internalSecret
    for (const login of [
      'admin@demo',
      'supervisor@demo',
      'op1@demo',
      'op2@demo',
      'op3@demo',
      'op4@demo',
      'op5@demo',
      'op6@demo',
    ]) {
      await setStatus(login, 'available')
    }
  }, 60_000)

  afterAll(async () => {
    // An agent whose socket was cut or paused would wait for its un-REGISTER's answer: drop the
    // sockets first, then stop every agent at once.
    for (const a of agents) (a.transport as unknown as RawTransport).ws?.terminate()
    await Promise.all(agents.map((a) => Promise.race([a.stop().catch(() => {}), sleep(2000)])))
    await server?.close()
  }, 30_000)

  it.concurrent(
    'both phones vanish without a BYE (sockets destroyed): the call ends, with its duration, and both operators are available again',
    async () => {
      // Each operator keeps a second device (a desk app) registered: after the call they are reachable,
      // so "available" — not "offline" — is what the end of the call must give back.
      await device('op1@demo', { register: true })
      await device('op2@demo', { register: true })
      const phone1 = await device('op1@demo', { register: true, answer: true })
      const phone2 = await device('op2@demo')
      const { callId } = await call(phone2.ua, phone2.sip.domain, '101')
      expect(await presence('op1@demo')).toBe('on_call')
      expect(await presence('op2@demo')).toBe('on_call')

      phone1.transport.ws?.terminate()
      phone2.transport.ws?.terminate()

      const ended = await until(
        () => record(callId),
        (c) => c?.state === 'ended',
      )
      expect(ended).toMatchObject({ state: 'ended' })
      expect(ended?.durationSec).toBeTypeOf('number')
      expect(ended?.endedAt).toBeTruthy()
      expect(await presence('op1@demo')).toBe('available')
      expect(await presence('op2@demo')).toBe('available')
      expect((await live())?.has(callId)).toBe(false)
    },
    LONG,
  )

  // After the calls above, not at once with them: on one CI run, while the first test's two phones
  // vanished in the same instant, this call never ended (Kamailio: "terminating non-confirmed dialogs
  // not supported", an unref at ref 0). Not reproduced since in 5 loaded runs; if it comes back,
  // `within` prints Kamailio's dialogs and log. Two calls whose phones vanish at once: docs/architecture.md.
  it(
    'a tab closed the ordinary way (WebSocket close frame, no BYE): the other side gets a BYE and the call ends',
    async () => {
      await device('admin@demo', { register: true })
      const phone = await device('admin@demo', { register: true, answer: true })
      const caller = await device('supervisor@demo')
      const from = pbxLog.length
      const { inviter, callId } = await call(caller.ua, caller.sip.domain, '199')
      const terminated = new Promise<void>((r) =>
        inviter.stateChange.addListener((s) => s === SessionState.Terminated && r()),
      )
      phone.transport.ws?.close(1001)
      await within(terminated, 60_000, `the caller's BYE of ${callId}`, from)
      expect(caller.tap.byes).toBe(1)
      const ended = await within(
        until(
          () => record(callId),
          (c) => c?.state === 'ended',
        ),
        60_000,
        `the end of ${callId}`,
        from,
      )
      expect(ended).toMatchObject({ state: 'ended' })
      expect(await presence('admin@demo')).toBe('available')
    },
    LONG,
  )

  it.concurrent(
    "only the operator's phone vanishes (network lost: no FIN, it stops answering): the caller gets a BYE and the call ends",
    async () => {
      await device('op4@demo', { register: true })
      const phone4 = await device('op4@demo', { register: true, answer: true })
      const caller = await device('op3@demo')
      const { inviter, callId } = await call(caller.ua, caller.sip.domain, '104')
      const terminated = new Promise<void>((r) =>
        inviter.stateChange.addListener((s) => s === SessionState.Terminated && r()),
      )
      // The socket stays open; nothing it is sent is read any more.
      phone4.transport.ws?._socket?.pause()

      await terminated
      expect(caller.tap.byes).toBe(1)
      // The caller answered every keep-alive it was sent: only the silent side ended the call.
      expect(caller.tap.answered).toBe(caller.tap.options)
      const ended = await until(
        () => record(callId),
        (c) => c?.state === 'ended',
      )
      expect(ended).toMatchObject({ state: 'ended' })
      expect(await presence('op3@demo')).not.toBe('on_call')
      expect(await presence('op4@demo')).toBe('available')
    },
    LONG,
  )

  it.concurrent(
    'a call whose two sides answer the keep-alives (SIP.js) stays up through several of them',
    async () => {
      const phone5 = await device('op5@demo', { register: true, answer: true })
      const phone6 = await device('op6@demo')
      const { inviter, callId } = await call(phone6.ua, phone6.sip.domain, '105')
      // Three keep-alives to each side, each answered: three intervals have passed.
      await until(
        async () => [phone5.tap, phone6.tap],
        (taps) => taps.every((t) => t.answered >= 3),
      )
      expect(phone5.tap.options).toBe(phone5.tap.answered)
      expect(phone6.tap.options).toBe(phone6.tap.answered)
      expect(inviter.state).toBe(SessionState.Established)
      expect(phone5.tap.byes + phone6.tap.byes).toBe(0)
      expect(await record(callId)).toMatchObject({ state: 'answered' })
      expect(await presence('op5@demo')).toBe('on_call')
      expect((await live())?.has(callId)).toBe(true)
      // A hang-up still ends it the ordinary way.
      await inviter.bye()
      const ended = await until(
        () => record(callId),
        (c) => c?.state === 'ended',
      )
      // (Its length is not checked against the keep-alive interval: the taps above prove the three
      // keep-alives, and a clock comparison would only flake on a loaded machine — it did, 89 < 90.)
      expect(ended?.durationSec).toBeTypeOf('number')
    },
    LONG,
  )

  // After the calls above (not concurrent with them): it reuses op1's and op2's lines.
  it(
    'both sides close in the same instant, each with a close frame and then its TCP close (probe 14 #4): the call is armed once, its end reported, no dialog refcount trouble',
    async () => {
      // Only this call's lines: a call of the tests above has its own test.
      const from = pbxLog.length
      const phone1 = await device('op1@demo', { register: true, answer: true })
      const phone2 = await device('op2@demo')
      const { callId } = await call(phone2.ua, phone2.sip.domain, '101')
      // websocket:closed (the close frame) and tcp:closed (the FIN after it) for each connection, and
      // the two connections' events interleaved: four close events for one call.
      phone1.transport.ws?.close(1000)
      phone2.transport.ws?.close(1000)
      const ended = await until(
        () => record(callId),
        (c) => c?.state === 'ended',
      )
      expect(ended).toMatchObject({ state: 'ended' })
      expect(ended?.endedAt).toBeTruthy()
      // Every call this file's connections closed on was armed exactly once, and the dialog module
      // never unref'd a dialog at ref 0 or ended one not confirmed. ("inconsistent dlg timer data", a
      // warning of bye_reply_cb, still shows on the single 1-s timeout racing the BYE replies.)
      const mine = pbxLog.slice(from)
      const armed = mine.flatMap((l) => l.match(/ending its call (\d+:\d+)/)?.[1] ?? [])
      expect(armed.length).toBeGreaterThan(0)
      expect(armed.length, armed.join(' ')).toBe(new Set(armed).size)
      expect(mine.filter((l) => /invalid unref|non-confirmed dialogs/.test(l))).toEqual([])
    },
    LONG,
  )
})
