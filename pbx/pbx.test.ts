import { createHmac } from 'node:crypto'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { type AddressInfo, createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type Invitation, Inviter, Registerer, RegistererState, SessionState, UserAgent } from 'sip.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../scripts/harness.ts'
import { checkConfig, findKamailio, type Pbx, renderConfig, rpc, startPbx } from './index.ts'
import { rawSip, sipAgent, sipRequest } from './test-agents.ts'

const SECRET = 'sip-secret-for-tests'
const INTERNAL = 'internal-secret-for-tests'
const DOMAIN = 'acme.frontline.local'

/** auth_ephemeral credentials, as the server issues them (ARCHITECTURE.md, Calls). */
function creds(user: string, secret = SECRET, ttlS = 600) {
  const username = `${Math.floor(Date.now() / 1000) + ttlS}:${user}`
  return { username, password: createHmac('sha1', secret).update(username).digest('base64') }
}

interface Call {
  path: string
  headers: IncomingHttpHeaders
  body: Record<string, unknown>
}

/**
 * An OPTIONS to the domain on `probe` is answered 200: the connection is still served, so every
 * request sent on it before was fully processed.
 */
async function stillServed(probe: Awaited<ReturnType<typeof rawSip>>) {
  const ping = await probe.request(
    sipRequest({ method: 'OPTIONS', ruri: `sip:${DOMAIN}`, from: `sip:x@${DOMAIN}`, to: `sip:${DOMAIN}` }),
  )
  expect(ping?.status).toBe(200)
}

describe('pbx: Kamailio rendered from the template', () => {
  const binary = findKamailio(process.env.KAMAILIO === 'off' ? 'kamailio' : undefined)
  let runDir = ''
  let wsPort = 0
  let pbx: Pbx | null = null
  let internal: Server
  const calls: Call[] = []
  let routeAnswer: unknown = { action: 'reject', code: 404, reason: 'Not Found' }
  let routeStatus = 200
  /** What the stand-in answers a REFER report (C5 transfer grant). */
  let referAnswer: unknown = { action: 'accept' }
  /** How long the stand-in takes to answer a dialog report (a slow or busy server). */
  /** While set, the stand-in answers no dialog report until it resolves (a server that hangs). */
  let dialogGate: Promise<void> | null = null
  let dialogAnswered = 0
  /** Dialog reports whose sender gave up waiting (http_client's timeout) before the stand-in answered. */
  let dialogAbandoned = 0
  const log: string[] = []
  const agents: UserAgent[] = []

  function ua(user: string, password?: string, delegate: UserAgent['delegate'] = {}, ttlS = 600) {
    const c = creds(user, SECRET, ttlS)
    const agent = sipAgent({
      uri: `sip:${user}@${DOMAIN}`,
      wsPort,
      username: c.username,
      password: password ?? c.password,
      delegate,
    })
    agents.push(agent)
    return agent
  }

  beforeAll(async () => {
    if (!binary) throw new Error('kamailio is not installed: run `node scripts/bootstrap.mjs --test` as root')
    runDir = await mkdtemp(path.join(tmpdir(), 'frontline-pbx-'))
    wsPort = await freePort()
    // Stand-in for the server's /internal/sip/* endpoints (contract: pbx/README.md).
    internal = createServer((req, res) => {
      let raw = ''
      req.on('data', (d) => {
        raw += d
      })
      req.on('end', () => {
        const body = JSON.parse(raw || '{}')
        calls.push({ path: req.url ?? '', headers: req.headers, body })
        res.setHeader('content-type', 'application/json')
        if (req.url === '/internal/sip/dialog') {
          res.on('close', () => {
            if (!res.writableEnded) dialogAbandoned++
          })
          void (dialogGate ?? Promise.resolve()).then(() => {
            dialogAnswered++
            if (!res.destroyed) res.end(JSON.stringify({ ok: true }))
          })
          return
        }
        if (req.url === '/internal/sip/refer') return res.end(JSON.stringify(referAnswer))
        if (req.url !== '/internal/sip/route') return res.end(JSON.stringify({ ok: true }))
        res.statusCode = routeStatus
        res.end(JSON.stringify(typeof routeAnswer === 'function' ? routeAnswer(body) : routeAnswer))
      })
    }).listen(0, '127.0.0.1')
    await new Promise((r) => internal.once('listening', r))
    const internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}`
    pbx = await startPbx({
      wsPort,
      secret: SECRET,
      internalUrl,
      internalSecret: INTERNAL,
      runDir,
      log: (l) => log.push(l),
      binary,
    })
  }, 30_000)

  afterAll(async () => {
    for (const a of agents) await a.stop().catch(() => {})
    await pbx?.stop()
    internal?.close()
    if (runDir) await rm(runDir, { recursive: true, force: true })
  })

  it('renders a config that passes `kamailio -c`, written 0600 without leaking secrets to the log', async () => {
    const cfg = await renderConfig({
      wsPort,
      secret: SECRET,
      internalUrl: 'http://127.0.0.1:1',
      internalSecret: INTERNAL,
    })
    expect(cfg).not.toMatch(/\{\{/)
    const file = path.join(runDir, 'check.cfg')
    await writeFile(file, cfg)
    expect(checkConfig(binary!, file)).toMatch(/config file ok/)
    expect((await stat(path.join(runDir, 'kamailio.cfg'))).mode & 0o777).toBe(0o600)
    expect(log.join('\n')).not.toContain(SECRET)
    await expect(
      renderConfig({ wsPort, secret: 'bad"secret', internalUrl: 'http://x', internalSecret: INTERNAL }),
    ).rejects.toThrow(/secret/)
    // The server passes its base URL with or without the /internal/sip prefix: both render the same.
    const withPrefix = {
      wsPort,
      secret: SECRET,
      internalSecret: INTERNAL,
      internalUrl: 'http://127.0.0.1:1/internal/sip',
    }
    expect(await renderConfig(withPrefix)).toBe(cfg)
    await expect(renderConfig({ ...withPrefix, internalUrl: 'http://x/other' })).rejects.toThrow(
      /internalUrl/,
    )
    // TRUSTED_PROXY: rendered as ipops subnets; anything but an address or CIDR refused.
    expect(await renderConfig({ ...withPrefix, trustedProxies: ['127.0.0.2', '10.0.0.0/8'] })).toContain(
      'is_in_subnet("$si", "127.0.0.2/32,10.0.0.0/8")',
    )
    expect(cfg).not.toContain('is_in_subnet')
    for (const bad of ['proxy.example', '10.0.0.0/33', '1.2.3.4"']) {
      await expect(renderConfig({ ...withPrefix, trustedProxies: [bad] }), bad).rejects.toThrow(
        /trusted proxy/,
      )
    }
  })

  it('answers /RPC only with the internal secret', async () => {
    expect(JSON.stringify(await rpc(wsPort, INTERNAL, 'core.version'))).toMatch(/kamailio/)
    await expect(rpc(wsPort, 'wrong-secret-123', 'core.version')).rejects.toThrow(/404/)
  })

  it('registers a SIP.js UA with ephemeral credentials; ul.dump shows the tenant AOR', async () => {
    const alice = ua('101')
    await alice.start()
    const reg = new Registerer(alice)
    const registered = new Promise<void>((r) =>
      reg.stateChange.addListener((s) => s === RegistererState.Registered && r()),
    )
    await reg.register()
    await registered
    const dump = JSON.stringify(await rpc(wsPort, INTERNAL, 'ul.dump'))
    expect(dump).toContain(`101@${DOMAIN}`)
  })

  it('refuses a wrong password with 401/403', async () => {
    const mallory = ua('102', 'not-the-password')
    await mallory.start()
    const reg = new Registerer(mallory)
    const status = await new Promise<number | string>((resolve) => {
      reg.register({ requestDelegate: { onReject: (r) => resolve(r.message.statusCode ?? 0) } })
      setTimeout(() => resolve('timeout'), 4000)
    })
    expect([401, 403]).toContain(status)
    expect(JSON.stringify(await rpc(wsPort, INTERNAL, 'ul.dump'))).not.toContain(`102@${DOMAIN}`)
  })

  it('asks the server where an INVITE goes, forks to its targets and reports the dialog', async () => {
    routeAnswer = { action: 'relay', targets: [`sip:101@${DOMAIN}`] }
    const invited = new Promise<Invitation>((resolve) => {
      const alice = agents[0]!
      alice.delegate = { onInvite: (inv) => resolve(inv) }
    })
    const bob = ua('103')
    await bob.start()
    const inviter = new Inviter(bob, UserAgent.makeURI(`sip:5550100@${DOMAIN}`)!)
    const established = new Promise<void>((r) =>
      inviter.stateChange.addListener((s) => s === SessionState.Established && r()),
    )
    await inviter.invite()
    const invitation = await invited
    await invitation.accept()
    await established
    await inviter.bye()
    await new Promise((r) => setTimeout(r, 300))

    const route = calls.find((c) => c.path === '/internal/sip/route')
    expect(route?.headers['x-internal-secret']).toBe(INTERNAL)
    expect(route?.body).toMatchObject({
      to: `sip:5550100@${DOMAIN}`,
      domain: DOMAIN,
      callId: inviter.request.callId,
    })
    // The server wrote the record when it answered the route request: no separate start report.
    const events = calls.filter((c) => c.path === '/internal/sip/dialog').map((c) => c.body)
    expect(events.map((e) => e.event)).toEqual(['answer', 'end'])
    expect(events[0]).toMatchObject({ callId: inviter.request.callId, answeredBy: `sip:101@${DOMAIN}` })
  })

  it('passes the server’s reject code to the caller, without dialog events', async () => {
    routeAnswer = { action: 'reject', code: 486, reason: 'Busy Here' }
    const bob = agents[agents.length - 1]!
    const inviter = new Inviter(bob, UserAgent.makeURI(`sip:101@${DOMAIN}`)!)
    const code = await new Promise<number>((resolve) => {
      inviter.invite({ requestDelegate: { onReject: (r) => resolve(r.message.statusCode ?? 0) } })
    })
    expect(code).toBe(486)
    await new Promise((r) => setTimeout(r, 200))
    expect(
      calls.filter((c) => c.path === '/internal/sip/dialog' && c.body.callId === inviter.request.callId),
    ).toEqual([])
  })

  it('a caller that vanishes while the callee rings: the failed report names the call, not a stray Call-ID', async () => {
    // A customer closing the site tab mid-ring sends no CANCEL; the branch times out and dialog:failed
    // runs from a timer, without the call's SIP message.
    routeAnswer = { action: 'relay', targets: [`sip:101@${DOMAIN}`], timeoutSec: 1, next: false, dial: '' }
    const ringing = new Promise<void>((r) => {
      agents[0]!.delegate = {
        onInvite: (inv) => {
          void inv.progress()
          r()
        },
      }
    })
    const caller = ua('107')
    await caller.start()
    const inviter = new Inviter(caller, UserAgent.makeURI(`sip:101@${DOMAIN}`)!)
    void inviter.invite().catch(() => {})
    await ringing
    const callId = inviter.request.callId
    await caller.transport.disconnect()
    const mine = () => calls.filter((c) => c.path === '/internal/sip/dialog' && c.body.event === 'failed')
    for (let i = 0; i < 100 && !mine().some((c) => c.body.callId === callId); i++) {
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(mine().map((c) => c.body.callId)).toContain(callId)
    agents[0]!.delegate = {}
    // Later tests call from the last agent: take the vanished one out of the list.
    agents.splice(agents.indexOf(caller), 1)
    await caller.stop().catch(() => {})
  })

  it('reports a declined call as failed with the callee’s code', async () => {
    routeAnswer = { action: 'relay', targets: [`sip:101@${DOMAIN}`] }
    agents[0]!.delegate = { onInvite: (inv) => void inv.reject({ statusCode: 603 }) }
    const bob = agents[agents.length - 1]!
    const inviter = new Inviter(bob, UserAgent.makeURI(`sip:101@${DOMAIN}`)!)
    const code = await new Promise<number>((resolve) => {
      inviter.invite({ requestDelegate: { onReject: (r) => resolve(r.message.statusCode ?? 0) } })
    })
    expect(code).toBe(603)
    await new Promise((r) => setTimeout(r, 200))
    const events = calls.filter(
      (c) => c.path === '/internal/sip/dialog' && c.body.callId === inviter.request.callId,
    )
    expect(events.map((c) => c.body)).toMatchObject([{ event: 'failed', code: 603 }])
  })

  it('never holds a call for a slow server’s dialog answers; reports keep their order', async () => {
    // The fallback path (route answered 500) is the one that still sends a start report. The stand-in
    // answers no dialog report until the call is over: if Kamailio waited for the reports (start before
    // the fork, answer in the 200 OK's path, end on the BYE) the call could never be set up or ended.
    routeStatus = 500
    let release = () => {}
    dialogGate = new Promise<void>((r) => {
      release = r
    })
    const answeredBefore = dialogAnswered
    const abandonedBefore = dialogAbandoned
    try {
      agents[0]!.delegate = { onInvite: (inv) => void inv.accept() }
      const bob = agents[agents.length - 1]!
      const inviter = new Inviter(bob, UserAgent.makeURI(`sip:101@${DOMAIN}`)!)
      const established = new Promise<void>((r) =>
        inviter.stateChange.addListener((x) => x === SessionState.Established && r()),
      )
      await inviter.invite()
      await established
      await new Promise<void>((resolve) => {
        void inviter.bye({ requestDelegate: { onAccept: () => resolve() } })
      })
      // Set up and torn down while the start report still waits for its answer: a Kamailio that
      // blocked on it could only go on after http_client gave up on the report (abandoned).
      expect(dialogAnswered).toBe(answeredBefore)
      expect(dialogAbandoned).toBe(abandonedBefore)
      release()
      const mine = () =>
        calls.filter((c) => c.path === '/internal/sip/dialog' && c.body.callId === inviter.request.callId)
      for (let i = 0; i < 80 && mine().length < 3; i++) await new Promise((r) => setTimeout(r, 50))
      expect(mine().map((c) => c.body.event)).toEqual(['start', 'answer', 'end'])
      expect(mine()[1]?.body).toMatchObject({ answeredBy: `sip:101@${DOMAIN}` })
    } finally {
      release()
      routeStatus = 200
      dialogGate = null
      agents[0]!.delegate = {}
    }
  })

  async function registered(user: string, delegate: UserAgent['delegate'] = {}) {
    const agent = ua(user, undefined, delegate)
    await agent.start()
    const reg = new Registerer(agent)
    const done = new Promise<void>((r) =>
      reg.stateChange.addListener((x) => x === RegistererState.Registered && r()),
    )
    await reg.register()
    await done
    return agent
  }

  function rejectCode(agent: UserAgent, to: string): Promise<number> {
    const inviter = new Inviter(agent, UserAgent.makeURI(to)!)
    return new Promise<number>((resolve) => {
      inviter.invite({ requestDelegate: { onReject: (r) => resolve(r.message.statusCode ?? 0) } })
    })
  }

  it('reports each registration to the server with the contacts usrloc keeps', async () => {
    const reports = calls.filter((c) => c.path === '/internal/sip/registration').map((c) => c.body)
    const r = reports.find((b) => b.aor === `sip:101@${DOMAIN}`)
    expect(r).toMatchObject({ contacts: 1 })
    expect(Number(r?.expires)).toBeGreaterThan(500)
    expect(Number(r?.expires)).toBeLessThanOrEqual(600)
  })

  it('expired or forged credentials are refused with 401/403 (auth_ephemeral)', async () => {
    for (const agent of [
      ua('104', undefined, {}, -60),
      ua('105', creds('105', 'forged-secret-1').password),
    ]) {
      await agent.start()
      const status = await new Promise<number | string>((resolve) => {
        new Registerer(agent).register({
          requestDelegate: { onReject: (r) => resolve(r.message.statusCode ?? 0) },
        })
        setTimeout(() => resolve('timeout'), 4000)
      })
      expect([401, 403]).toContain(status)
    }
  })

  it('credentials bound to one tenant domain cannot register a line of another tenant', async () => {
    // What the server issues: `<expiry>:<ext>@<tenant domain>` — a colleague of another tenant with
    // the same extension number must not be able to take this tenant's line.
    const other = creds('106@other.frontline.local')
    const agent = sipAgent({ uri: `sip:106@${DOMAIN}`, wsPort, ...other })
    agents.push(agent)
    await agent.start()
    const status = await new Promise<number | string>((resolve) => {
      new Registerer(agent).register({
        requestDelegate: { onReject: (r) => resolve(r.message.statusCode ?? 0) },
      })
      setTimeout(() => resolve('timeout'), 4000)
    })
    expect(status).toBe(403)
    expect(JSON.stringify(await rpc(wsPort, INTERNAL, 'ul.dump'))).not.toContain(`106@${DOMAIN}`)
  })

  it('a 4xx from the server is the same SIP code; a guest gets 503, never the plain-lookup fallback', async () => {
    const bob = agents.find((a) => a.configuration.uri.user === '103')!
    routeStatus = 400
    expect(await rejectCode(bob, `sip:101@${DOMAIN}`)).toBe(400)
    routeStatus = 404
    expect(await rejectCode(bob, `sip:101@${DOMAIN}`)).toBe(404)
    routeStatus = 500
    const guest = ua('guest-0a1b2c3d4e5f')
    await guest.start()
    expect(await rejectCode(guest, `sip:101@${DOMAIN}`)).toBe(503)
    routeStatus = 200
  })

  it('sequential: after the ring timeout the failure_route asks for the next set and rings it', async () => {
    const alice = agents[0]!
    const offered: string[] = []
    alice.delegate = {
      onInvite: (inv) => {
        offered.push('101')
        void inv.progress()
      },
    }
    const established = new Promise<void>((resolve) => {
      void registered('106', {
        onInvite: (inv) => {
          offered.push('106')
          void inv.accept()
          resolve()
        },
      })
    })
    await new Promise((r) => setTimeout(r, 300))
    routeAnswer = (body: Record<string, unknown>) =>
      body.attempt
        ? { action: 'relay', targets: [`sip:106@${DOMAIN}`], timeoutSec: 0, next: false, dial: '' }
        : { action: 'relay', targets: [`sip:101@${DOMAIN}`], timeoutSec: 1, next: true, dial: '' }
    const bob = agents.find((a) => a.configuration.uri.user === '103')!
    const inviter = new Inviter(bob, UserAgent.makeURI(`sip:200@${DOMAIN}`)!)
    const up = new Promise<void>((r) =>
      inviter.stateChange.addListener((x) => x === SessionState.Established && r()),
    )
    await inviter.invite()
    await established
    await up
    // The first set rang and timed out (408) before the server was asked for the next one.
    expect(offered).toEqual(['101', '106'])
    const asks = calls.filter(
      (c) => c.path === '/internal/sip/route' && c.body.callId === inviter.request.callId,
    )
    expect(asks.map((c) => c.body.attempt ?? null)).toEqual([null, 1])
    expect(asks[1]?.body.lastCode).toBe(408)
    await inviter.bye()
    alice.delegate = {}
  })

  it('numbers for the phone network reach the gateway account in X-Frontline-Dial', async () => {
    const dialled = new Promise<string | undefined>((resolve) => {
      void registered('gateway', {
        onInvite: (inv) => {
          resolve(inv.request.getHeader('X-Frontline-Dial'))
          void inv.reject({ statusCode: 486 })
        },
      })
    })
    await new Promise((r) => setTimeout(r, 300))
    routeAnswer = {
      action: 'relay',
      targets: [`sip:gateway@${DOMAIN}`],
      timeoutSec: 0,
      next: false,
      dial: '+79161230101',
    }
    const bob = agents.find((a) => a.configuration.uri.user === '103')!
    expect(await rejectCode(bob, `sip:101@${DOMAIN}`)).toBe(486)
    expect(await dialled).toBe('+79161230101')
  })

  /** Every SIP message the transport of `agent` receives, whatever the UA core does with it. */
  function tap(agent: UserAgent): { seen: string[]; restore: () => void } {
    const seen: string[] = []
    const orig = agent.transport.onMessage
    agent.transport.onMessage = (m: string) => {
      seen.push(m)
      orig?.(m)
    }
    return {
      seen,
      restore: () => {
        agent.transport.onMessage = orig
      },
    }
  }

  it('no open relay: an unauthenticated in-dialog-looking INVITE with a Route is refused and reaches nobody', async () => {
    // A port where a relayed INVITE would arrive (what a toll-fraud probe points at).
    const hits: string[] = []
    const target = createNetServer((s) => {
      hits.push('connection')
      s.on('data', (d) => hits.push(d.toString()))
    }).listen(0, '127.0.0.1')
    await new Promise((r) => target.once('listening', r))
    const port = (target.address() as AddressInfo).port
    const probe = await rawSip(`ws://127.0.0.1:${wsPort}`)
    try {
      for (const ruri of [
        `sip:+19005550100@127.0.0.1:${port};transport=tcp`,
        // The same through the WebSocket alias Kamailio would trust after handle_ruri_alias.
        `sip:+19005550100@probe.invalid;alias=127.0.0.1~${port}~2`,
      ]) {
        const reply = await probe.request(
          sipRequest({
            method: 'INVITE',
            ruri,
            from: `sip:101@${DOMAIN}`,
            to: 'sip:+19005550100@127.0.0.1',
            toTag: 'forged-tag',
            headers: [`Route: <sip:127.0.0.1:${wsPort};lr>`],
          }),
        )
        expect(reply?.status, ruri).toBeGreaterThanOrEqual(400)
        expect(reply?.status, ruri).toBeLessThan(500)
      }
      // The probe's connection is still served: a later request is answered, so both INVITEs were
      // fully processed before this point.
      await stillServed(probe)
      expect(hits).toEqual([])
    } finally {
      probe.close()
      target.close()
    }
  })

  it('unauthenticated OPTIONS/NOTIFY/INFO/MESSAGE/BYE outside a dialog get the same challenge and reach no browser', async () => {
    const alice = agents[0]!
    expect(alice.configuration.uri.user).toBe('101')
    const { seen, restore } = tap(alice)
    const probe = await rawSip(`ws://127.0.0.1:${wsPort}`)
    try {
      const codes: Record<string, number | undefined> = {}
      for (const method of ['OPTIONS', 'NOTIFY', 'INFO', 'PUBLISH', 'MESSAGE', 'BYE', 'PRACK', 'SUBSCRIBE']) {
        for (const user of ['101', '999']) {
          const reply = await probe.request(
            sipRequest({
              method,
              ruri: `sip:${user}@${DOMAIN}`,
              from: `sip:someone@${DOMAIN}`,
              to: `sip:${user}@${DOMAIN}`,
              headers:
                method === 'NOTIFY' || method === 'SUBSCRIBE'
                  ? ['Event: presence']
                  : method === 'PRACK'
                    ? ['RAck: 1 1 INVITE']
                    : [],
            }),
          )
          codes[`${method} ${user}`] = reply?.status
        }
      }
      // The same answer for a registered and an unknown user: no presence oracle.
      for (const [k, code] of Object.entries(codes)) expect(code, k).toBe(407)
      await stillServed(probe)
      expect(seen.filter((m) => !m.startsWith('SIP/2.0'))).toEqual([])
    } finally {
      probe.close()
      restore()
    }
  })

  it('in-dialog requests still flow both ways: re-INVITE hold from each side, blind transfer by REFER, BYE from the callee', async () => {
    const caller = await registered('110')
    const transferTarget = await registered('111', { onInvite: (inv) => void inv.accept() })
    let calleeSession: Invitation | null = null
    const callee = await registered('112', {
      onInvite: (inv) => {
        calleeSession = inv
        void inv.accept()
      },
    })
    // Kamailio's TCP workers may pass an ACK and the next request out of order: each step waits until
    // the callee has its ACK (a re-INVITE before it gets 500 from SIP.js, RFC 3261 §14.2).
    const calleeTap = tap(callee)
    const acks = (n: number) =>
      (async () => {
        for (let i = 0; i < 100 && calleeTap.seen.filter((m) => m.startsWith('ACK ')).length < n; i++) {
          await new Promise((r) => setTimeout(r, 20))
        }
      })()
    routeAnswer = (body: Record<string, unknown>) =>
      String(body.to).includes('111')
        ? { action: 'relay', targets: [`sip:111@${DOMAIN}`] }
        : { action: 'relay', targets: [`sip:112@${DOMAIN}`] }
    let transferred: Inviter | null = null
    const transferUp = new Promise<void>((resolve) => {
      caller.delegate = {}
      const inviter = new Inviter(caller, UserAgent.makeURI(`sip:112@${DOMAIN}`)!)
      inviter.delegate = {
        onRefer: (referral) => {
          void referral.accept()
          transferred = referral.makeInviter()
          transferred.stateChange.addListener((s) => s === SessionState.Established && resolve())
          void transferred.invite()
        },
      }
      const up = new Promise<void>((r) =>
        inviter.stateChange.addListener((s) => s === SessionState.Established && r()),
      )
      void inviter.invite().then(async () => {
        await up
        await acks(1)
        const accepted = (s: { invite: Inviter['invite'] }) =>
          new Promise<number>((r) => {
            void s.invite({
              requestDelegate: {
                onAccept: (res) => r(res.message.statusCode ?? 0),
                onReject: (res) => r(res.message.statusCode ?? 0),
              },
            })
          })
        // Hold from the caller's side, then from the callee's side (re-INVITEs in the dialog).
        expect(await accepted(inviter)).toBe(200)
        await acks(2)
        expect(await accepted(calleeSession!)).toBe(200)
        // The callee transfers the caller to 111 (REFER in the dialog, NOTIFY back).
        await calleeSession!.refer(UserAgent.makeURI(`sip:111@${DOMAIN}`)!)
      })
    })
    await transferUp
    // The transferor hangs up its leg: a BYE from the callee's side of the first dialog.
    const byeCode = await new Promise<number>((r) => {
      void calleeSession!.bye({
        requestDelegate: {
          onAccept: (res) => r(res.message.statusCode ?? 0),
          onReject: (res) => r(res.message.statusCode ?? 0),
        },
      })
    })
    expect(byeCode).toBe(200)
    // And the transfer target (callee of the second dialog) ends the call.
    const ended = new Promise<void>((r) =>
      transferred!.stateChange.addListener((s) => s === SessionState.Terminated && r()),
    )
    const sessions = Object.values(transferTarget._sessions)
    expect(sessions).toHaveLength(1)
    await sessions[0]!.bye()
    await ended
    calleeTap.restore()
  })

  it('C5: a REFER is reported before it is relayed (side, the party referred by connection, Refer-To); the transferee INVITE carries that connection; a refused REFER goes no further and the call stays up', async () => {
    const caller = await registered('114')
    await registered('115', { onInvite: (inv) => void inv.accept() })
    let calleeSession: Invitation | null = null
    const callee = await registered('116', {
      onInvite: (inv) => {
        calleeSession = inv
        void inv.accept()
      },
    })
    const calleeTap = tap(callee)
    routeAnswer = (body: Record<string, unknown>) =>
      String(body.to).includes('115')
        ? { action: 'relay', targets: [`sip:115@${DOMAIN}`] }
        : { action: 'relay', targets: [`sip:116@${DOMAIN}`] }
    const refersSeen: string[] = []
    let legUp: (() => void) | null = null
    const leg = new Promise<void>((r) => {
      legUp = r
    })
    const inviter = new Inviter(caller, UserAgent.makeURI(`sip:116@${DOMAIN}`)!)
    inviter.delegate = {
      onRefer: (referral) => {
        refersSeen.push(String(referral.referTo.uri))
        void referral.accept()
        const t = referral.makeInviter()
        t.stateChange.addListener((st) => st === SessionState.Established && legUp?.())
        void t.invite()
      },
    }
    const up = new Promise<void>((r) =>
      inviter.stateChange.addListener((st) => st === SessionState.Established && r()),
    )
    const first = calls.length
    await inviter.invite()
    await up
    for (let i = 0; i < 100 && !calleeTap.seen.some((m) => m.startsWith('ACK ')); i++) {
      await new Promise((r) => setTimeout(r, 20))
    }
    const firstRoute = calls.slice(first).find((c) => c.path === '/internal/sip/route')
    expect(firstRoute?.body.conn).toMatch(/^c\d+$/)
    // The server refuses (a target of another tenant): 403 to the transferor, the transferee never hears of it.
    referAnswer = { action: 'reject', code: 403, reason: 'Foreign target' }
    const refused = await new Promise<number>((r) => {
      void calleeSession!.refer(UserAgent.makeURI('sip:115@other.frontline.local')!, {
        requestDelegate: { onReject: (res) => r(res.message.statusCode ?? 0), onAccept: () => r(202) },
      })
    })
    expect(refused).toBe(403)
    expect(refersSeen).toEqual([])
    const report = calls.filter((c) => c.path === '/internal/sip/refer').at(-1)
    expect(report?.body).toMatchObject({
      callId: inviter.request.callId,
      dialogFrom: `sip:114@${DOMAIN}`,
      side: 'callee',
      transferee: firstRoute?.body.conn,
    })
    expect(String(report?.body.referTo)).toContain('sip:115@other.frontline.local')
    // Granted: relayed, and the transferee's INVITE comes on the connection the grant names.
    referAnswer = { action: 'accept' }
    await calleeSession!.refer(UserAgent.makeURI(`sip:115@${DOMAIN}`)!)
    await leg
    expect(refersSeen).toEqual([`sip:115@${DOMAIN}`])
    const legRoute = calls.filter((c) => c.path === '/internal/sip/route').at(-1)
    expect(legRoute?.body.to).toContain('115')
    expect(legRoute?.body.conn).toBe(firstRoute?.body.conn)
    await calleeSession!.bye()
    calleeTap.restore()
  })

  it('a 20 KB INVITE gets 513 Message Too Large; the UA stays registered and can still call', async () => {
    const big = await registered('113')
    agents[0]!.delegate = { onInvite: (inv) => void inv.accept() }
    routeAnswer = { action: 'relay', targets: [`sip:101@${DOMAIN}`] }
    const tooBig = new Inviter(big, UserAgent.makeURI(`sip:101@${DOMAIN}`)!, {
      extraHeaders: [`X-Padding: ${'a'.repeat(20_000)}`],
    })
    const code = await new Promise<number>((resolve) => {
      void tooBig.invite({ requestDelegate: { onReject: (r) => resolve(r.message.statusCode ?? 0) } })
    })
    expect(code).toBe(513)
    expect(JSON.stringify(await rpc(wsPort, INTERNAL, 'ul.dump'))).toContain(`113@${DOMAIN}`)
    const inviter = new Inviter(big, UserAgent.makeURI(`sip:101@${DOMAIN}`)!)
    const up = new Promise<void>((r) =>
      inviter.stateChange.addListener((x) => x === SessionState.Established && r()),
    )
    await inviter.invite()
    await up
    await inviter.bye()
    agents[0]!.delegate = {}
  })

  it('wrong credentials from one address ban that address (authfail), not everybody', async () => {
    // From its own loopback address, so the ban does not hit the other tests' agents on 127.0.0.1.
    const probe = await rawSip(`ws://127.0.0.1:${wsPort}`, { localAddress: '127.0.0.9' })
    const codes: number[] = []
    try {
      for (let i = 0; i < 21; i++) {
        const reply = await probe.request(
          sipRequest({
            method: 'REGISTER',
            ruri: `sip:${DOMAIN}`,
            from: `sip:101@${DOMAIN}`,
            to: `sip:101@${DOMAIN}`,
            headers: [
              `Authorization: Digest username="${creds('101').username}", realm="${DOMAIN}", nonce="bm9ub25jZQ", uri="sip:${DOMAIN}", response="00000000000000000000000000000000", algorithm=MD5`,
              'Expires: 600',
            ],
          }),
        )
        codes.push(reply?.status ?? 0)
      }
    } finally {
      probe.close()
    }
    // 20 failures (AUTHFAIL_LIMIT) and the 21st request is refused as banned.
    expect(codes.slice(0, 20).every((c) => c === 401 || c === 403)).toBe(true)
    expect(codes[20]).toBe(403)
    const banned = JSON.stringify(await rpc(wsPort, INTERNAL, 'htable.dump', ['ipban']))
    expect(banned).toContain('127.0.0.9')
    expect(banned).not.toContain('127.0.0.1"')
    // Everybody else still registers.
    await registered('114')
  })

  it('in-dialog requests come only from the call’s own two connections: a third one’s INFO/BYE with the right tags is refused', async () => {
    let calleeSession: Invitation | null = null
    const callee = await registered('120', {
      onInvite: (inv) => {
        calleeSession = inv
        void inv.accept()
      },
    })
    const caller = await registered('121')
    routeAnswer = { action: 'relay', targets: [`sip:120@${DOMAIN}`] }
    const calleeTap = tap(callee)
    const callerTap = tap(caller)
    const inviter = new Inviter(caller, UserAgent.makeURI(`sip:120@${DOMAIN}`)!)
    const up = new Promise<void>((r) =>
      inviter.stateChange.addListener((s) => s === SessionState.Established && r()),
    )
    await inviter.invite()
    await up
    for (let i = 0; i < 100 && !calleeTap.seen.some((m) => m.startsWith('ACK ')); i++) {
      await new Promise((r) => setTimeout(r, 20))
    }
    // SIP.js's dialogs (core Dialog) hold the route set and CSeq the typed Session interface leaves out.
    type Dlg = NonNullable<Inviter['dialog']> & { routeSet: string[]; localSequenceNumber: number }
    const callerDialog = inviter.dialog as Dlg
    const calleeDialog = calleeSession!.dialog as Dlg
    const callId = callerDialog.callId
    const requests = (seen: string[]) => seen.filter((m) => !m.startsWith('SIP/2.0') && !m.startsWith('ACK '))
    const before = { caller: requests(callerTap.seen).length, callee: requests(calleeTap.seen).length }
    const probe = await rawSip(`ws://127.0.0.1:${wsPort}`)
    try {
      const codes: Record<string, number | undefined> = {}
      // Both directions: as the caller towards the callee, and as the callee towards the caller.
      for (const [dir, d] of [
        ['as caller', callerDialog],
        ['as callee', calleeDialog],
      ] as const) {
        for (const method of ['INFO', 'BYE']) {
          const reply = await probe.request(
            sipRequest({
              method,
              callId,
              ruri: d.remoteTarget.toString(),
              from: d.localURI.toString(),
              fromTag: d.localTag,
              to: d.remoteURI.toString(),
              toTag: d.remoteTag,
              cseq: d.localSequenceNumber + 10,
              headers: d.routeSet.map((r) => `Route: ${r}`),
            }),
          )
          codes[`${method} ${dir}`] = reply?.status
        }
      }
      for (const [k, code] of Object.entries(codes)) expect(code, k).toBe(403)
      // Nothing reached either phone; the call is still up on both sides.
      expect(requests(callerTap.seen)).toHaveLength(before.caller)
      expect(requests(calleeTap.seen)).toHaveLength(before.callee)
      expect(inviter.state).toBe(SessionState.Established)
      expect(calleeSession!.state).toBe(SessionState.Established)
    } finally {
      probe.close()
    }
    // From its own connection, a side aiming a request at a foreign host gets 477 (pbx/README.md).
    for (const ruri of ['sip:x@127.0.0.1:9099', 'sip:x@127.0.0.1:9099;transport=tcp']) {
      const branch = `z9hG4bK-foreign-${Math.random().toString(36).slice(2)}`
      caller.transport.send(
        [
          `INFO ${ruri} SIP/2.0`,
          `Via: SIP/2.0/WS own.invalid;branch=${branch}`,
          'Max-Forwards: 70',
          `From: <${callerDialog.localURI}>;tag=${callerDialog.localTag}`,
          `To: <${callerDialog.remoteURI}>;tag=${callerDialog.remoteTag}`,
          `Call-ID: ${callId}`,
          `CSeq: ${callerDialog.localSequenceNumber + 20} INFO`,
          ...callerDialog.routeSet.map((r) => `Route: ${r}`),
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      )
      let reply: string | undefined
      for (let i = 0; i < 250 && !reply; i++) {
        reply = callerTap.seen.find((m) => m.startsWith('SIP/2.0') && m.includes(branch))
        if (!reply) await new Promise((r) => setTimeout(r, 20))
      }
      expect(reply?.split('\r\n')[0], ruri).toMatch(/^SIP\/2\.0 477 /)
    }
    // The real sides still talk: INFO from the caller, a re-INVITE (hold) from the callee.
    const answered = (send: (o: { requestDelegate: object }) => unknown) =>
      new Promise<number>((r) => {
        void send({
          requestDelegate: {
            onAccept: (res: { message: { statusCode?: number } }) => r(res.message.statusCode ?? 0),
            onReject: (res: { message: { statusCode?: number } }) => r(res.message.statusCode ?? 0),
          },
        })
      })
    expect(await answered((o) => inviter.info(o))).toBe(200)
    expect(await answered((o) => calleeSession!.invite(o))).toBe(200)
    // A real BYE ends it on both sides.
    const ended = new Promise<void>((r) =>
      calleeSession!.stateChange.addListener((s) => s === SessionState.Terminated && r()),
    )
    expect(await answered((o) => inviter.bye(o))).toBe(200)
    await ended
    // The server hears of one end, the real one (the refused BYEs touched no dialog state).
    const ends = () =>
      calls.filter(
        (c) => c.path === '/internal/sip/dialog' && c.body.event === 'end' && c.body.callId === callId,
      )
    for (let i = 0; i < 250 && ends().length === 0; i++) await new Promise((r) => setTimeout(r, 20))
    expect(ends()).toHaveLength(1)
    callerTap.restore()
    calleeTap.restore()
  })

  it('CANCEL while ringing reaches the callee; the caller gets 487 (ACK for a negative reply)', async () => {
    const cancelled = new Promise<void>((resolve) => {
      agents[0]!.delegate = {
        onInvite: (inv) => {
          inv.delegate = { onCancel: () => resolve() }
          void inv.progress()
        },
      }
    })
    routeAnswer = { action: 'relay', targets: [`sip:101@${DOMAIN}`] }
    const caller = await registered('115')
    const inviter = new Inviter(caller, UserAgent.makeURI(`sip:101@${DOMAIN}`)!)
    let rang = () => {}
    const ringing = new Promise<void>((r) => {
      rang = r
    })
    const final = new Promise<number>((r) => {
      void inviter.invite({
        requestDelegate: { onProgress: () => rang(), onReject: (res) => r(res.message.statusCode ?? 0) },
      })
    })
    await ringing
    await inviter.cancel()
    await cancelled
    expect(await final).toBe(487)
    expect(inviter.state).toBe(SessionState.Terminated)
    agents[0]!.delegate = {}
  })

  it('a CANCEL that is not the caller’s own gets 481 and the call rings on: another branch, From tag, CSeq, or a replay from another connection', async () => {
    const cancels: string[] = []
    let ringingCall: Invitation | null = null
    await registered('117', {
      onInvite: (inv) => {
        ringingCall = inv
        inv.delegate = { onCancel: (c) => void cancels.push(c.request.callId) }
        void inv.progress()
      },
    })
    routeAnswer = { action: 'relay', targets: [`sip:117@${DOMAIN}`] }
    const caller = await registered('116')
    const inviter = new Inviter(caller, UserAgent.makeURI(`sip:117@${DOMAIN}`)!)
    let rang = () => {}
    const ringing = new Promise<void>((r) => {
      rang = r
    })
    const final = new Promise<number>((r) => {
      void inviter.invite({
        requestDelegate: { onProgress: () => rang(), onReject: (res) => r(res.message.statusCode ?? 0) },
      })
    })
    await ringing
    // The callee (and so any operator rung in a fork) sees the caller's Via, From and CSeq.
    const invite = inviter.request.toString().split('\r\n')
    const line = (name: string) => invite.find((l) => l.startsWith(`${name}: `))!
    const cseq = Number(line('CSeq').split(' ')[1])
    const cancel = (via: string, from: string, n: number) =>
      [
        `CANCEL sip:117@${DOMAIN} SIP/2.0`,
        via,
        'Max-Forwards: 70',
        `To: <sip:117@${DOMAIN}>`,
        from,
        `Call-ID: ${inviter.request.callId}`,
        `CSeq: ${n} CANCEL`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n')
    const probe = await rawSip(`ws://127.0.0.1:${wsPort}`)
    try {
      const forged = {
        'another branch': cancel('Via: SIP/2.0/WS x.invalid;branch=z9hG4bKforged', line('From'), cseq),
        'another From tag': cancel(line('Via'), `From: <sip:116@${DOMAIN}>;tag=forged`, cseq),
        'another CSeq': cancel(line('Via'), line('From'), cseq + 1),
        'a replay from another connection': cancel(line('Via'), line('From'), cseq),
      }
      const codes: Record<string, number | undefined> = {}
      for (const [k, text] of Object.entries(forged)) codes[k] = (await probe.request(text))?.status
      expect(codes).toEqual({
        'another branch': 481,
        'another From tag': 481,
        'another CSeq': 481,
        'a replay from another connection': 481,
      })
    } finally {
      probe.close()
    }
    expect(cancels).toEqual([])
    expect(ringingCall!.state).not.toBe(SessionState.Terminated)
    // The caller's own CANCEL still ends it.
    await inviter.cancel()
    expect(await final).toBe(487)
    expect(cancels).toEqual([inviter.request.callId])
  })

  /**
   * Fresh registrations after the file's many: the REGISTER flood guards (pike per address, `ureg` per
   * user) may still count this file's earlier bursts (all from 127.0.0.1) and drop a REGISTER silently,
   * which hung the two tests below in clean CI runs. Forget the bans and let pike's window pass.
   */
  async function calmRegistrations() {
    for (const table of ['ipban', 'userban', 'ureg']) await rpc(wsPort, INTERNAL, 'htable.flush', [table])
    await new Promise((r) => setTimeout(r, 4500))
  }

  it("an initial INVITE reusing a ringing call's Call-ID from another caller gets 403 before the server is asked; the real caller's CANCEL still reaches the callee (probe 11 finding 2)", async () => {
    await calmRegistrations()
    const cancels: string[] = []
    await registered('122', {
      onInvite: (inv) => {
        inv.delegate = { onCancel: (c) => void cancels.push(c.request.callId) }
        void inv.progress()
      },
    })
    routeAnswer = { action: 'relay', targets: [`sip:122@${DOMAIN}`] }
    const caller = await registered('121')
    const inviter = new Inviter(caller, UserAgent.makeURI(`sip:122@${DOMAIN}`)!)
    let rang = () => {}
    const ringing = new Promise<void>((r) => {
      rang = r
    })
    const final = new Promise<number>((r) => {
      void inviter.invite({
        requestDelegate: { onProgress: () => rang(), onReject: (res) => r(res.message.statusCode ?? 0) },
      })
    })
    await ringing
    const callId = inviter.request.callId
    const asked = () =>
      calls.filter((c) => c.path === '/internal/sip/route' && c.body.callId === callId).length
    expect(asked()).toBe(1)
    // A colleague (another line, another connection) sends an authenticated INVITE with that Call-ID.
    routeAnswer = { action: 'reject', code: 480, reason: 'No gateway' }
    const other = await registered('123')
    const hijack = new Inviter(other, UserAgent.makeURI(`sip:+79990001199@${DOMAIN}`)!)
    ;(hijack.request as { callId: string }).callId = callId
    hijack.request.setHeader('call-id', callId)
    const refused = new Promise<number>((r) => {
      void hijack.invite({ requestDelegate: { onReject: (res) => r(res.message.statusCode ?? 0) } })
    })
    expect(await refused).toBe(403)
    expect(asked()).toBe(1)
    // The caller's own CANCEL still matches its INVITE and reaches the callee.
    await inviter.cancel()
    expect(await final).toBe(487)
    expect(cancels).toEqual([callId])
  }, 40_000)

  it("an employee's authenticated REFER/MESSAGE/SUBSCRIBE/NOTIFY/PUBLISH outside a dialog gets 403 and reaches nobody; OPTIONS still flows (probe 11 finding 4)", async () => {
    await calmRegistrations()
    const target = await registered('125')
    const { seen, restore } = tap(target)
    const sender = await registered('124')
    const core = sender.userAgentCore
    const to = UserAgent.makeURI(`sip:125@${DOMAIN}`)!
    // Bounded: a request that gets no final answer says so (-1) instead of hanging the test.
    const send = (method: string, extra: string[]) =>
      new Promise<number>((r) => {
        const timer = setTimeout(() => r(-1), 10_000)
        const done = (code: number) => {
          clearTimeout(timer)
          r(code)
        }
        const msg = core.makeOutgoingRequestMessage(method, to, sender.configuration.uri, to, {}, extra)
        core.request(msg, {
          onAccept: (res) => done(res.message.statusCode ?? 0),
          onReject: (res) => done(res.message.statusCode ?? 0),
        })
      })
    try {
      const codes: Record<string, number> = {}
      for (const [method, extra] of [
        ['REFER', [`Refer-To: <sip:+79990001122@${DOMAIN}>`]],
        ['MESSAGE', ['Content-Type: text/plain']],
        ['SUBSCRIBE', ['Event: refer', 'Expires: 60']],
        ['NOTIFY', ['Event: refer', 'Subscription-State: active']],
        ['PUBLISH', ['Event: presence', 'Expires: 60']],
      ] as const) {
        codes[method] = await send(method, [...extra])
      }
      expect(codes).toEqual({ REFER: 403, MESSAGE: 403, SUBSCRIBE: 403, NOTIFY: 403, PUBLISH: 403 })
      expect(seen.filter((m) => !m.startsWith('SIP/2.0'))).toEqual([])
      // OPTIONS to a colleague is still relayed.
      await send('OPTIONS', [])
      expect(seen.filter((m) => m.startsWith('OPTIONS '))).toHaveLength(1)
    } finally {
      restore()
    }
  }, 60_000)
})
