/**
 * Probe 13 #1 from the app's side, against a real Kamailio and server: the line is cut (his own
 * password change signing the others out) while this Phone is registered; handed the fresh
 * credential of /api/me, it registers again — not refused with the old credential SIP.js would
 * otherwise resend with the last challenge's Authorization.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SipSettings } from '../../../contract/api.ts'
import { fakeSdh, sipAgent } from '../../../pbx/test-agents.ts'
import { type ServerWithPbx, startServerWithPbx } from '../../../pbx/test-server.ts'
import { watchLines } from '../../../server/realtime/lines.ts'
import { kamailioRpc } from '../../../server/sip/index.ts'
import { targets } from '../../../server/test/dbs.ts'
import { auth } from '../../../server/test/fixture.ts'
// The vitest `inject('pgTemplate')` typing lives there (this file is type-checked as an app test).
import type {} from '../../../server/test/global-setup.ts'
import { credentialsFromSettings, Phone } from './sip.ts'

describe("the operator's phone after his line is cut (probe 13 #1)", () => {
  let server: ServerWithPbx | null = null
  let phone: Phone | null = null
  let unwatch: () => void = () => {}

  beforeAll(async () => {
    server = await startServerWithPbx(targets[0]!)
    const f = server.f
    const rpc = kamailioRpc({ port: server.wsPort, secret: f.secrets.internalSecret })
    unwatch = await watchLines({ db: f.db, rpc, spine: f.hub.spine, onError: () => {} })
  }, 60_000)

  afterAll(async () => {
    unwatch()
    await phone?.stop().catch(() => {})
    await server?.close()
  })

  it('registers again with the fresh credential it is given', async () => {
    const f = server!.f
    const wsPort = server!.wsPort
    const op = await f.login('op4@demo')
    const settings = { ...op.sip!, wsUrl: `ws://127.0.0.1:${wsPort}` }
    const p = new Phone({
      credentials: credentialsFromSettings(settings),
      sessionDescriptionHandlerFactory: fakeSdh,
    })
    phone = p
    const statuses: string[] = []
    p.subscribe((s) => statuses.push(s.line.status))
    await p.start()
    expect(p.snapshot().line.status).toBe('registered')

    const r = await f.app.inject({
      method: 'PUT',
      url: '/api/me/password',
      headers: auth(op.token),
      payload: { current: 'demo-pass-1', next: 'a-new-pass-4', signOutOthers: true },
    })
    expect(r.statusCode).toBe(200)
    // Kamailio refuses the old credential once the server has written the cut.
    const probe = async () => {
      const ua = sipAgent({
        uri: settings.aor,
        wsPort,
        username: settings.username,
        password: settings.password,
      })
      await ua.start()
      const { Registerer } = await import('sip.js')
      const code = await new Promise<number>((resolve) => {
        void new Registerer(ua).register({
          requestDelegate: {
            onAccept: () => resolve(200),
            onReject: (m) => resolve(m.message.statusCode ?? 0),
          },
        })
      })
      await ua.stop()
      return code
    }
    for (let i = 0; i < 100 && (await probe()) !== 403; i++) await new Promise((res) => setTimeout(res, 100))
    expect(await probe()).toBe(403)

    const me = (await f.app.inject({ url: '/api/me', headers: auth(op.token) })).json() as {
      sip: SipSettings
    }
    p.setCredentials(credentialsFromSettings({ ...me.sip, wsUrl: settings.wsUrl }))
    statuses.length = 0
    await p.reregister()
    expect(statuses).toContain('registered')
    expect(p.snapshot().line.status).toBe('registered')
  }, 60_000)
})
