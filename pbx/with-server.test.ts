/**
 * End to end through a real Kamailio and the real server (issue 3 §7): a demo-site guest dials the
 * Sales virtual number → the server routes it to the group → an operator's SIP.js UA rings and answers
 * → Kamailio's dialog reports → the call is in GET /api/calls with its duration.
 */
import { type Invitation, Inviter, Registerer, SessionState, UserAgent } from 'sip.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SipSettings } from '../contract/api.ts'
import type { CallPage, SiteCallCredentials } from '../contract/calls.ts'
import { targets } from '../server/test/dbs.ts'
import { auth, type Fixture } from '../server/test/fixture.ts'
import { sipAgent } from './test-agents.ts'
import { type ServerWithPbx, startServerWithPbx } from './test-server.ts'

describe.each(targets)('a guest calls the Sales virtual number through Kamailio ($name)', (target) => {
  let f: Fixture
  let server: ServerWithPbx | null = null
  let wsPort = 0
  const agents: UserAgent[] = []

  const agent = (sip: SipSettings, delegate: UserAgent['delegate'] = {}, displayName?: string) => {
    const a = sipAgent({
      uri: sip.aor,
      wsPort,
      username: sip.username,
      password: sip.password,
      delegate,
      ...(displayName ? { displayName } : {}),
    })
    agents.push(a)
    return a
  }

  beforeAll(async () => {
    server = await startServerWithPbx(target)
    f = server.f
    wsPort = server.wsPort
  }, 60_000)

  afterAll(async () => {
    for (const a of agents) await a.stop().catch(() => {})
    await server?.close()
  })

  it('rings the operator, who answers; the call lands in the history with its duration', async () => {
    const op = await f.login('op1@demo')
    await f.app.inject({
      method: 'PUT',
      url: '/api/me/status',
      headers: auth(op.token),
      payload: { status: 'available' },
    })
    let invitation: Invitation | null = null
    const rung = new Promise<void>((resolve) => {
      const ua = agent(op.sip!, {
        onInvite: (inv) => {
          invitation = inv
          void inv.accept()
          resolve()
        },
      })
      void ua.start().then(async () => {
        const reg = new Registerer(ua)
        await reg.register()
      })
    })
    // The registration reaches the server (POST /internal/sip/registration) before anyone calls.
    for (let i = 0; i < 50; i++) {
      const targetsNow = (
        await f.app.inject({
          url: '/api/calls/transfer-targets',
          headers: auth((await f.login('op2@demo')).token),
        })
      ).json() as { id: string; selectable: boolean }[]
      if (targetsNow.find((t) => t.id === op.me.id)?.selectable) break
      await new Promise((r) => setTimeout(r, 100))
    }

    const site = (
      await f.app.inject({ method: 'POST', url: '/api/site/call-credentials', payload: { tenant: 'demo' } })
    ).json() as SiteCallCredentials
    const sales = site.numbers.find((n) => n.label === 'Sales')!
    const guest = agent(site.sip, {}, '+7 916 400-00-00')
    await guest.start()
    const inviter = new Inviter(guest, UserAgent.makeURI(`sip:${sales.number}@${site.sip.domain}`)!)
    const up = new Promise<void>((r) =>
      inviter.stateChange.addListener((s) => s === SessionState.Established && r()),
    )
    await inviter.invite()
    await rung
    await up
    expect(invitation).not.toBeNull()
    await new Promise((r) => setTimeout(r, 1200))
    await inviter.bye()

    let call: CallPage['items'][number] | undefined
    for (let i = 0; i < 50 && call?.state !== 'ended'; i++) {
      await new Promise((r) => setTimeout(r, 100))
      const page = (
        await f.app.inject({ url: '/api/calls?scope=mine', headers: auth(op.token) })
      ).json() as CallPage
      call = page.items.find((c) => c.sipCallId === inviter.request.callId)
    }
    expect(call).toMatchObject({
      direction: 'in',
      state: 'ended',
      virtualNumber: sales.number,
      groupName: 'Sales',
      answeredById: op.me.id,
      fromNumber: '+79164000000',
      // The visitor typed it on the site (issue 6 §4): shown as given, never linked to a contact.
      peerGiven: true,
      contactId: null,
    })
    expect(call?.durationSec).toBeGreaterThanOrEqual(1)
  })
})
