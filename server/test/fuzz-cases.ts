/**
 * What the fuzz suite sends besides generated input: a valid body per route to mutate (CORPUS),
 * the requests and frame sequences that failed once (PINNED, PINNED_WS), and the WebSocket client
 * that plays frames and checks every one gets an answer.
 */
import type { InjectOptions } from 'fastify'
import WebSocket from 'ws'
import type { ServerMessage } from '../../contract/events.ts'
import { DEFAULT_STATUS_MATRIX } from '../../contract/status.ts'
import { auth } from './fixture.ts'

/** Whose token a request carries. */
export type TokenKind =
  | 'none'
  | 'aAdmin'
  | 'aOp'
  | 'bAdmin'
  | 'bOp'
  | 'revoked'
  | 'garbage'
  /** Website visitors' tokens (the visitor API's only key, issue 7 §2). */
  | 'aVisitor'
  | 'bVisitor'

/** A request, as the failure report prints it (replay it with app.inject). */
export type Req = InjectOptions & { url: string; method: string }

/**
 * Valid bodies for routes that take one, by `METHOD url`: the fuzzer also sends them with one leaf
 * made hostile. Optional per route — a route without an entry still gets generated bodies.
 */
export const CORPUS: Record<string, unknown[]> = {
  'POST /api/auth/login': [{ login: 'op5@demo', password: 'wrong-password' }],
  'PUT /api/me/status': [{ status: 'available' }],
  'PUT /api/statuses': [{ matrix: DEFAULT_STATUS_MATRIX }],
  'POST /api/site/call-credentials': [{ tenant: 'demo' }],
  'POST /api/admin/sip/gateway-credentials': [{}],
  'POST /api/visitor/session': [
    { tenant: 'demo', page: { url: 'https://demo.example/?utm_source=fuzz', referrer: null } },
    { tenant: 'other', page: { url: 'x' } },
  ],
  'POST /api/visitor/messages': [
    { clientMsgId: '00000000-0000-4000-8000-00000000f022', text: 'fuzz', name: 'Fuzz' },
    { clientMsgId: '00000000-0000-4000-8000-00000000f023', text: 'reply', replyToId: null, fileId: null },
  ],
  'POST /api/visitor/read': [{ upToN: 1 }],
  'POST /internal/sip/route': [
    {
      callId: 'fuzz-1@test',
      from: 'sip:101@demo.frontline.local',
      fromName: 'Fuzz',
      to: 'sip:102@demo.frontline.local',
      ruri: 'sip:102@demo.frontline.local',
      domain: 'demo.frontline.local',
      source: '127.0.0.1:5060',
      referredBy: '',
      replaces: '',
    },
    {
      callId: 'fuzz-1@test',
      from: 'sip:101@demo.frontline.local',
      to: 'sip:200@demo.frontline.local',
      ruri: 'sip:200@demo.frontline.local',
      domain: 'demo.frontline.local',
      attempt: 1,
      lastCode: 408,
    },
  ],
  'POST /internal/sip/dialog': [
    {
      event: 'answer',
      callId: 'fuzz-1@test',
      from: 'sip:101@demo.frontline.local',
      to: 'sip:102@demo.frontline.local',
      answeredBy: 'sip:102@demo.frontline.local',
      code: 200,
      reason: 'OK',
      ts: 1_800_000_000,
    },
  ],
  'POST /internal/sip/registration': [{ aor: 'sip:101@demo.frontline.local', contacts: 1, expires: 600 }],
  'POST /internal/sip/refer': [
    {
      callId: 'fuzz-1@test',
      dialogFrom: 'sip:101@demo.frontline.local',
      referTo: '<sip:102@demo.frontline.local>',
      side: 'callee',
      transferee: 'c1',
    },
  ],
  'PUT /api/admin/call-settings': [{ transferTimeoutSec: 30 }],
}

export type Frame =
  | { kind: 'text'; text: string }
  | { kind: 'binary'; bytes: Uint8Array }
  | { kind: 'auth'; token: TokenKind | 'hostile'; hostile: string }
  | { kind: 'resume'; since: unknown }
  | { kind: 'ping' }

/** What the server must answer to a frame, as far as the client can tell. */
type Answer = { kind: 'message'; msg: ServerMessage } | { kind: 'close'; code: number }

/** A real `ws` client on a listening app: frames out, one answer (a message or the close) per frame. */
export async function wsSession(base: string, frames: Frame[], tokens: Record<TokenKind, string>) {
  const ws = new WebSocket(`${base}/api/ws`)
  const queue: Answer[] = []
  let wake: (() => void) | null = null
  const push = (a: Answer) => {
    queue.push(a)
    wake?.()
  }
  ws.on('message', (d) => {
    const msg = JSON.parse(String(d)) as ServerMessage
    // Events stream in after a resume; they answer nothing by themselves.
    if (msg.kind !== 'event') push({ kind: 'message', msg })
  })
  ws.on('close', (code) => push({ kind: 'close', code }))
  ws.on('error', () => {})
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
  })
  // A liveness guard, not a timing assertion: a frame nobody ever answers is the failure.
  const next = async (): Promise<Answer | null> => {
    const end = Date.now() + 15_000
    while (!queue.length) {
      if (Date.now() > end) return null
      await new Promise<void>((r) => {
        wake = r
        setTimeout(r, 250)
      })
    }
    return queue.shift() as Answer
  }
  const problems: string[] = []
  let authed = false
  let resumed = false
  let sent = 0
  for (const f of frames) {
    if (ws.readyState !== WebSocket.OPEN) break
    let expectLive = false
    let data: string | Buffer
    if (f.kind === 'text') data = f.text
    else if (f.kind === 'binary') data = Buffer.from(f.bytes)
    else if (f.kind === 'auth')
      data = JSON.stringify({ type: 'auth', token: f.token === 'hostile' ? f.hostile : tokens[f.token] })
    else if (f.kind === 'resume') {
      data = JSON.stringify({ type: 'resume', since: f.since })
      // A well-formed first resume after `ready` must be served, whatever came before it.
      expectLive = authed && !resumed && Number.isSafeInteger(f.since) && (f.since as number) >= 0
    } else data = JSON.stringify({ type: 'ping' })
    ws.send(data, { binary: f.kind === 'binary' })
    sent++
    const a = await next()
    const what = `${f.kind} ${String(data).slice(0, 120)}`
    if (!a) {
      problems.push(`no answer to ${what}`)
      break
    }
    if (a.kind === 'close') {
      if (a.code === 1011 || a.code === 1006) problems.push(`closed ${a.code} after ${what}`)
      break
    }
    if (a.msg.kind === 'ready') authed = true
    if (a.msg.kind === 'live') resumed = true
    if (a.msg.kind === 'error' && a.msg.code === 'E_INTERNAL') problems.push(`E_INTERNAL after ${what}`)
    // A resume from past the feed's last seq is answered `reset` with that seq (the client starts over).
    const reset = a.msg.kind === 'reset' && a.msg.lastSeq < (f.kind === 'resume' ? Number(f.since) : 0)
    if (expectLive && a.msg.kind !== 'live' && !reset)
      problems.push(`resume refused: ${what} → ${JSON.stringify(a.msg)}`)
  }
  ws.terminate()
  return { problems, sent }
}

/**
 * Inputs that got a 5xx once, replayed on every run before the generated ones. All of these are
 * issue 6 item 7 (a NUL byte reaching PostgreSQL text/jsonb, a year-0000 cursor): they fail until the
 * contract schemas refuse them with a 400.
 */
export function PINNED(tokens: Record<TokenKind, string>, internalSecret: string): Req[] {
  const json = { 'content-type': 'application/json' }
  const year0 = Buffer.from('0000-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000000').toString(
    'base64url',
  )
  return [
    {
      method: 'POST',
      url: '/api/auth/login',
      headers: json,
      payload: '{"login":"a\\u0000b","password":"x"}',
    },
    { method: 'GET', url: '/api/contacts/clients?q=%00', headers: auth(tokens.aOp) },
    { method: 'GET', url: '/api/calls?q=%00', headers: auth(tokens.aOp) },
    {
      method: 'PUT',
      url: '/api/statuses',
      headers: { ...auth(tokens.aAdmin), ...json },
      payload: JSON.stringify({
        matrix: DEFAULT_STATUS_MATRIX.map((x, i) => (i ? x : { ...x, name: { ...x.name, en: 'A\u0000' } })),
      }),
    },
    {
      method: 'PUT',
      url: '/api/me/status',
      headers: { ...auth(tokens.aOp), ...json },
      payload: '{"status":"\\ud800"}',
    },
    {
      method: 'POST',
      url: '/internal/sip/registration',
      headers: { 'x-internal-secret': internalSecret, ...json },
      payload: '{"aor":"sip:a\\u0000@demo.frontline.local","contacts":1,"expires":60}',
    },
    { method: 'GET', url: `/api/calls/missed?before=${year0}`, headers: auth(tokens.aOp) },
    {
      method: 'POST',
      url: '/internal/sip/route',
      headers: { 'x-internal-secret': internalSecret, ...json },
      payload: JSON.stringify({
        callId: 'nul\u0000@test',
        from: 'sip:101@demo.frontline.local',
        fromName: 'A\u0000',
        to: 'sip:102@demo.frontline.local',
        ruri: 'sip:102@demo.frontline.local',
        domain: 'demo.frontline.local',
      }),
    },
    {
      method: 'POST',
      url: '/internal/sip/dialog',
      headers: { 'x-internal-secret': internalSecret, ...json },
      payload: JSON.stringify({
        event: 'failed',
        callId: 'nul\u0000@test',
        reason: 'x\u0000',
        code: 486,
        ts: 1,
      }),
    },
  ]
}

/** Frame sequences a past run found, replayed first. */
export const PINNED_WS: Frame[][] = [
  // since beyond 2^53: the query failed and the feed stayed "replaying", refusing every later resume.
  [
    { kind: 'auth', token: 'aOp', hostile: '' },
    { kind: 'resume', since: 1e308 },
    { kind: 'resume', since: 0 },
  ],
]
