/**
 * The operator's phone (this app's Phone and CallHandle, signalling only) against a real Kamailio and
 * server, with a customer whose SIP.js agent hangs up and refreshes the session (issue 6, item 9).
 */
import { Core, Inviter, type Session, SessionState, UserAgent } from 'sip.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SiteCallCredentials } from '../../../contract/calls.ts'
import { fakeSdh, sipAgent } from '../../../pbx/test-agents.ts'
import { type ServerWithPbx, startServerWithPbx } from '../../../pbx/test-server.ts'
import { targets } from '../../../server/test/dbs.ts'
import { auth, type Fixture } from '../../../server/test/fixture.ts'
// The vitest `inject('pgTemplate')` typing lives there (this file is type-checked as an app test).
import type {} from '../../../server/test/global-setup.ts'
import { Phone } from './sip.ts'

/** An in-dialog request SIP.js has no API for; resolves with the final response's status code. */
function inDialog(session: Session, method: string, extraHeaders: string[], body?: string): Promise<number> {
  const dialog = session.dialog as Core.SessionDialog | undefined
  if (!dialog) throw new Error('no dialog')
  const message = dialog.createOutgoingRequestMessage(method, {
    extraHeaders,
    ...(body
      ? { body: { content: body, contentType: 'application/sdp', contentDisposition: 'session' } }
      : {}),
  })
  return new Promise((resolve) => {
    new Core.UserAgentClient(Core.NonInviteClientTransaction, dialog.userAgentCore, message, {
      onAccept: (r) => resolve(r.message.statusCode ?? 0),
      onReject: (r) => resolve(r.message.statusCode ?? 0),
    })
  })
}

describe('the operator phone answers the customer in an established call (C1, RFC 3261 §15.1.2)', () => {
  const target = targets[0]!
  let f: Fixture
  let server: ServerWithPbx | null = null
  let wsPort = 0
  let phone: Phone | null = null
  let guest: UserAgent | null = null
  let inviter: Inviter
  let callId = ''

  beforeAll(async () => {
    server = await startServerWithPbx(target)
    f = server.f
    wsPort = server.wsPort

    // The operator: this app's Phone, answering the first call that rings.
    const op = await f.login('op1@demo')
    await f.app.inject({
      method: 'PUT',
      url: '/api/me/status',
      headers: auth(op.token),
      payload: { status: 'available' },
    })
    const sip = op.sip!
    const p = new Phone({
      credentials: {
        wsUrl: `ws://127.0.0.1:${wsPort}`,
        aor: sip.aor,
        username: sip.username,
        password: sip.password,
        expiresAt: Date.parse(sip.expiresAt),
      },
      sessionDescriptionHandlerFactory: () => fakeSdh(),
    })
    phone = p
    const registered = new Promise<void>((resolve) =>
      p.subscribe((s) => s.line.status === 'registered' && resolve()),
    )
    const answered = new Set<string>()
    p.subscribe((s) => {
      for (const c of s.calls)
        if (c.status === 'incoming' && !answered.has(c.id)) {
          answered.add(c.id)
          void p.call(c.id).accept()
        }
    })
    await p.start()
    await registered
    // The registration reaches the server (POST /internal/sip/registration) before anyone calls.
    const watcher = await f.login('op2@demo')
    for (let i = 0; i < 50; i++) {
      const list = (
        await f.app.inject({ url: '/api/calls/transfer-targets', headers: auth(watcher.token) })
      ).json() as { id: string; selectable: boolean }[]
      if (list.find((t) => t.id === op.me.id)?.selectable) break
      await new Promise((r) => setTimeout(r, 100))
    }

    // The customer: a demo-site guest calling the Sales number.
    const site = (
      await f.app.inject({ method: 'POST', url: '/api/site/call-credentials', payload: { tenant: 'demo' } })
    ).json() as SiteCallCredentials
    const sales = site.numbers.find((n) => n.label === 'Sales')!
    guest = sipAgent({
      uri: site.sip.aor,
      wsPort,
      username: site.sip.username,
      password: site.sip.password,
    })
    await guest.start()
    inviter = new Inviter(guest, UserAgent.makeURI(`sip:${sales.number}@${site.sip.domain}`)!)
    const up = new Promise<void>((r) =>
      inviter.stateChange.addListener((s) => s === SessionState.Established && r()),
    )
    await inviter.invite()
    await up
    callId = inviter.request.callId
  }, 60_000)

  afterAll(async () => {
    await guest?.stop().catch(() => {})
    await phone?.stop().catch(() => {})
    await server?.close()
  })

  it('a session refresh by UPDATE (RFC 4028) gets 200, not 405', async () => {
    const code = await inDialog(inviter, 'UPDATE', ['Session-Expires: 90;refresher=uac', 'Supported: timer'])
    expect(code).toBe(200)
  })

  it('an UPDATE with a media offer is refused (488) and the call goes on', async () => {
    const sdp =
      'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n'
    expect(await inDialog(inviter, 'UPDATE', [], sdp)).toBe(488)
    expect(inviter.state).toBe(SessionState.Established)
  })

  it("an in-dialog OPTIONS (what Kamailio's call keep-alive sends, pbx/README.md) gets 200 from the operator's phone, and the call goes on", async () => {
    expect(await inDialog(inviter, 'OPTIONS', [])).toBe(200)
    expect(inviter.state).toBe(SessionState.Established)
  })

  it("the customer's BYE gets 200 from the operator's phone (not Kamailio's 408), and the call ends", async () => {
    const ended = new Promise<void>((resolve) =>
      phone!.subscribe(
        (s) => s.calls.some((c) => c.sipCallId === callId && c.status === 'ended') && resolve(),
      ),
    )
    const code = await new Promise<number>((resolve) => {
      void inviter.bye({
        requestDelegate: {
          onAccept: (r) => resolve(r.message.statusCode ?? 0),
          onReject: (r) => resolve(r.message.statusCode ?? 0),
        },
      })
    })
    expect(code).toBe(200)
    await ended
    const call = phone!.snapshot().calls.find((c) => c.sipCallId === callId)
    expect(call?.end?.kind).toBe('remote_hangup')
  }, 40_000)
})
