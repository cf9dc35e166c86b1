/** Test-only: drive the Kamailio endpoints and statuses of the demo tenant through the app (no SIP). */
import type { SipRouteAnswer } from '../../../contract/calls.ts'
import { auth, type Fixture } from '../../test/fixture.ts'

export const DOMAIN = 'demo.frontline.local'
export const SALES_VN = '+74951204560'
export const SUPPORT_VN = '+74951204561'

/** Kamailio stand-in for one fixture. */
export async function kamailio(f: Fixture) {
  const { internalSecret } = f.secrets
  const headers = { 'x-internal-secret': internalSecret }
  const post = (url: string, payload: unknown) =>
    f.app.inject({ method: 'POST', url, headers, payload: payload as object })
  let n = 0
  const tokens = new Map<string, string>()
  const k = {
    internalSecret,
    post,
    async register(ext: string, contacts = 1) {
      const r = await post('/internal/sip/registration', {
        aor: `sip:${ext}@${DOMAIN}`,
        contacts,
        expires: 600,
      })
      if (r.statusCode !== 204) throw new Error(`register ${ext}: ${r.statusCode} ${r.body}`)
    },
    async token(login: string) {
      let t = tokens.get(login)
      if (!t) {
        t = (await f.login(login)).token
        tokens.set(login, t)
      }
      return t
    },
    async status(login: string, status: string) {
      const r = await f.app.inject({
        method: 'PUT',
        url: '/api/me/status',
        headers: auth(await k.token(login)),
        payload: { status },
      })
      if (r.statusCode !== 200) throw new Error(`status ${login}: ${r.body}`)
    },
    /** A new INVITE; returns the answer and its Call-ID. */
    async route(fromUser: string, to: string, extra: Record<string, unknown> = {}) {
      const callId =
        (extra.callId as string | undefined) ?? `c${++n}-${Math.random().toString(36).slice(2)}@test`
      const r = await post('/internal/sip/route', {
        callId,
        from: `sip:${fromUser}@${DOMAIN}`,
        fromName: '',
        to: `sip:${to}@${DOMAIN}`,
        ruri: `sip:${to}@${DOMAIN}`,
        domain: DOMAIN,
        source: '127.0.0.1:5060',
        ...extra,
      })
      if (r.statusCode !== 200) throw new Error(`route: ${r.statusCode} ${r.body}`)
      return { callId, answer: r.json() as SipRouteAnswer }
    },
    async next(callId: string, attempt: number, lastCode = 408) {
      const r = await post('/internal/sip/route', {
        callId,
        from: `sip:x@${DOMAIN}`,
        to: `sip:x@${DOMAIN}`,
        ruri: `sip:x@${DOMAIN}`,
        domain: DOMAIN,
        attempt,
        lastCode,
      })
      return r.json() as SipRouteAnswer
    },
    async dialog(
      event: 'start' | 'answer' | 'end' | 'failed',
      callId: string,
      more: Record<string, unknown> = {},
    ) {
      const r = await post('/internal/sip/dialog', {
        event,
        callId,
        from: `sip:x@${DOMAIN}`,
        to: `sip:y@${DOMAIN}`,
        ts: Math.floor(Date.now() / 1000),
        ...more,
      })
      if (r.statusCode !== 200) throw new Error(`dialog ${event}: ${r.statusCode} ${r.body}`)
      return r.json() as { ok: true; outcome: string }
    },
    /**
     * C5: Kamailio's report of a REFER in call `callId` sent by its `side`; `transferee` is the other
     * side's connection. Returns the answer (accept / reject).
     */
    async refer(
      callId: string,
      referTo: string,
      more: { side?: 'caller' | 'callee'; transferee?: string; dialogFrom?: string } = {},
    ) {
      const r = await post('/internal/sip/refer', {
        callId,
        dialogFrom: more.dialogFrom ?? `sip:x@${DOMAIN}`,
        referTo,
        side: more.side ?? 'callee',
        transferee: more.transferee ?? 'c1',
      })
      if (r.statusCode !== 200) throw new Error(`refer: ${r.statusCode} ${r.body}`)
      return r.json() as { action: 'accept' } | { action: 'reject'; code: number; reason: string }
    },
    /** A guest line of the demo tenant (as the site gets it). */
    async guest() {
      const r = await f.app.inject({
        method: 'POST',
        url: '/api/site/call-credentials',
        payload: { tenant: 'demo' },
        remoteAddress: `10.9.${++n % 250}.${n % 250}`,
      })
      if (r.statusCode !== 200) throw new Error(`guest: ${r.body}`)
      return (r.json() as { sip: { aor: string } }).sip.aor.replace(/^sip:|@.*$/g, '')
    },
  }
  return k
}

/** The AOR of an extension. */
export const aor = (ext: string) => `sip:${ext}@${DOMAIN}`
