/**
 * N1 §3 budget: an incoming call to a closed app → ringing after the app registers (the human tap
 * excluded). One server in this process (the pbx tests' set-up: PGlite, demo tenant) with its real
 * Kamailio and the push-service stand-in; SIP.js agents in Node (signalling only) stand for the
 * caller and for the woken app.
 *
 * Per call: op1 (101, registered) dials op2 (102, status Available, app closed, one push
 * subscription). Figures:
 * - dial → push at the stand-in (decrypted): the route answer, the job, encryption, the request;
 * - REGISTER sent → INVITE at the app: what the woken app waits for after it registers (Kamailio's
 *   t_continue of the parked INVITE, lookup, relay);
 * - REGISTER 200 OK → INVITE at the app.
 * Between calls the app un-registers and the call ends, so each call finds the app closed again.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { Inviter, Registerer, SessionState, UserAgent } from 'sip.js'
import type { SipSettings } from '../contract/api.ts'
import { sipAgent } from '../pbx/test-agents.ts'
import { startServerWithPbx } from '../pbx/test-server.ts'
import { openPglite } from '../server/db/client.ts'
import { schema } from '../server/db/index.ts'
import { migrate } from '../server/db/migrate.ts'
import type { Target } from '../server/test/dbs.ts'
import { auth } from '../server/test/fixture.ts'
import { startPushService } from '../server/test/push-service.ts'
import { ms, percentile, sleep } from './lib/common.ts'

export interface CallWakeOptions {
  calls: number
  warmup: number
}

export interface CallWakeFigures {
  calls: number
  failures: string[]
  dialToPush: number[]
  registerToInvite: number[]
  registeredToInvite: number[]
}

const now = () => performance.now()

/** A fresh migrated PGlite (the tests' targets need vitest's template). */
const pglite: Target = {
  name: 'pglite',
  async open() {
    const dir = await mkdtemp(path.join(tmpdir(), 'frontline-bench-wake-'))
    const db = await openPglite(path.join(dir, 'pg'))
    await migrate(db)
    return {
      db,
      async dispose() {
        await db.close()
        await rm(dir, { recursive: true, force: true })
      },
    }
  },
}

/** Runs `calls` wake-ups (after `warmup` unmeasured ones); prints nothing (see formatCallWake). */
export async function measureCallWake(o: Partial<CallWakeOptions> = {}): Promise<CallWakeFigures> {
  const { calls = 20, warmup = 2 } = o
  const svc = await startPushService()
  const server = await startServerWithPbx(pglite, { fixture: { push: { allowPrivate: true, ca: svc.ca } } })
  const f = server.f
  const agents: UserAgent[] = []
  const figures: CallWakeFigures = {
    calls,
    failures: [],
    dialToPush: [],
    registerToInvite: [],
    registeredToInvite: [],
  }
  try {
    const login = async (who: string) => {
      const r = await f.login(who)
      const s = await f.app.inject({
        method: 'PUT',
        url: '/api/me/status',
        headers: auth(r.token),
        payload: { status: 'available' },
      })
      if (s.statusCode !== 200) throw new Error(`status of ${who}: HTTP ${s.statusCode}`)
      return r
    }
    const caller = await login('op1@demo')
    const callee = await login('op2@demo')
    const sub = svc.subscribe()
    const subscribed = await f.app.inject({
      method: 'POST',
      url: '/api/push/subscriptions',
      headers: auth(callee.token),
      payload: { endpoint: sub.endpoint, expirationTime: null, keys: sub.keys },
    })
    if (subscribed.statusCode >= 300) throw new Error(`subscribe: HTTP ${subscribed.statusCode}`)
    const agent = (sip: SipSettings, delegate: UserAgent['delegate'] = {}) => {
      const a = sipAgent({
        uri: sip.aor,
        wsPort: server.wsPort,
        username: sip.username,
        password: sip.password,
        delegate,
      })
      agents.push(a)
      return a
    }
    const from = agent(caller.sip!)
    await from.start()
    await new Registerer(from).register()

    /** Until the server holds op2's line as gone and op2 is in no live call (the next call must wake). */
    const quiet = async () => {
      for (let i = 0; i < 200; i++) {
        const [reg] = await f.db.orm
          .select({ contacts: schema.sipRegistrations.contacts })
          .from(schema.sipRegistrations)
          .where(eq(schema.sipRegistrations.username, '102'))
        const live = await f.db.orm
          .select({ id: schema.calls.id })
          .from(schema.calls)
          .where(eq(schema.calls.state, 'answered'))
        if ((reg?.contacts ?? 0) === 0 && live.length === 0) return
        await sleep(25)
      }
      throw new Error('op2 did not go quiet between calls')
    }

    for (let i = 0; i < warmup + calls; i++) {
      await quiet()
      const inviter = new Inviter(from, UserAgent.makeURI(`sip:102@${caller.sip!.domain}`)!)
      const sipCallId = inviter.request.callId
      const established = new Promise<void>((resolve, reject) => {
        inviter.stateChange.addListener((s) => s === SessionState.Established && resolve())
        void inviter.invite({
          requestDelegate: { onReject: (r) => reject(new Error(`call ${i}: ${r.message.statusCode}`)) },
        })
      })
      const dialAt = now()
      try {
        await svc.waitFor((r) => r.payload?.kind === 'call' && r.payload.sipCallId === sipCallId)
        const pushAt = now()
        let registeredAt = 0
        let inviteAt = 0
        const app = agent(callee.sip!, {
          onInvite: (inv) => {
            inviteAt = now()
            void inv.accept()
          },
        })
        await app.start()
        const registerer = new Registerer(app)
        const registerAt = now()
        await new Promise<void>((resolve, reject) => {
          void registerer.register({
            requestDelegate: {
              onAccept: () => {
                registeredAt = now()
                resolve()
              },
              onReject: (r) => reject(new Error(`REGISTER ${r.message.statusCode}`)),
            },
          })
        })
        await established
        if (i >= warmup) {
          figures.dialToPush.push(pushAt - dialAt)
          figures.registerToInvite.push(inviteAt - registerAt)
          figures.registeredToInvite.push(inviteAt - registeredAt)
        }
        await inviter.bye()
        await registerer.unregister()
        await app.stop()
      } catch (e) {
        figures.failures.push((e as Error).message)
        await inviter.cancel().catch(() => {})
      }
    }
  } finally {
    for (const a of agents) await a.stop().catch(() => {})
    await server.close()
    await svc.close()
  }
  return figures
}

/** The figures as printable lines. */
export function formatCallWake(r: CallWakeFigures): string[] {
  const row = (name: string, xs: number[]) =>
    `${name.padEnd(36)} p50 ${ms(percentile(xs, 50)).padStart(7)}  p95 ${ms(percentile(xs, 95)).padStart(7)}  max ${ms(Math.max(...xs)).padStart(7)}`
  return [
    `${r.registerToInvite.length} of ${r.calls} calls measured${r.failures.length ? `; failures: ${r.failures.join('; ')}` : ''}`,
    row('REGISTER sent → INVITE at the app', r.registerToInvite),
    row('REGISTER 200 OK → INVITE at the app', r.registeredToInvite),
    row('dial → call push at the push service', r.dialToPush),
  ]
}
