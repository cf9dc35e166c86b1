/**
 * The fuzz suite (issue 6): generated requests against every route the app registered (read from the
 * app, so a new route is fuzzed by itself) and arbitrary frames on the WebSocket. The rule is simple:
 * no input gets a 5xx, no input crashes the process, and the socket always answers — a message or a
 * close code that is not "server error".
 *
 * Deterministic by default (seed FUZZ_SEED, runs FUZZ_RUNS); a failure prints the request to replay.
 * Requests a past run found are pinned in PINNED and replayed first on every run.
 */
import type { AddressInfo } from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerMessage } from '../../contract/events.ts'
import { type RouteEntry, routeTable } from '../http/route-table.ts'
import { targets } from './dbs.ts'
import { auth, PASSWORD } from './fixture.ts'
import {
  brokenJson,
  CONTRACT,
  cursor,
  deepJson,
  encodeAny,
  headerValue,
  hostileJson,
  hostileNumber,
  hostileString,
  mutated,
} from './fuzz-arbitraries.ts'
import { CORPUS, type Frame, PINNED, PINNED_WS, type Req, type TokenKind, wsSession } from './fuzz-cases.ts'
import { makeTwoTenants, type TwoTenants, WEBM } from './two-tenants.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 6_2026_11)
/**
 * The full count runs on the fastest database present: PostgreSQL when TEST_DATABASE_URL is set
 * (npm test), else PGlite; the other gets a smaller second pass. FUZZ_RUNS / FUZZ_WS_RUNS set both.
 */
const HAS_PG = targets.some((t) => t.name === 'postgres')
const runs = (env: string | undefined, full: number, second: number) => ({
  pglite: Number(env ?? (HAS_PG ? second : full)),
  postgres: Number(env ?? full),
})
const HTTP_RUNS = runs(process.env.FUZZ_RUNS, 10_000, 2_000)
const WS_RUNS = runs(process.env.FUZZ_WS_RUNS, 500, 200)

/** `arb` once in `n` draws, null otherwise. */
const rarely = <T>(arb: fc.Arbitrary<T>, n: number) =>
  fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb })

interface Generated {
  route: RouteEntry
  method: string | null
  params: string[]
  query: [string, string][] | null
  rawQuery: string | null
  token: TokenKind
  authShape: 'bearer' | 'lower' | 'basic' | 'bare'
  body:
    | { kind: 'none' }
    | { kind: 'json'; value: unknown }
    | { kind: 'raw'; text: string }
    | { kind: 'bytes'; bytes: Uint8Array }
  contentType: string | null
  headers: Record<string, string>
  secret: 'none' | 'real' | 'wrong'
  remote: string
}

/** Admin routes that end an account's password or the account itself (see beforeAll). */
const TAKES_ACCOUNTS = new Set([
  'POST /api/admin/employees/:id/password',
  'POST /api/admin/employees/:id/deactivate',
])

describe.each(targets)('fuzz on $name', (target) => {
  let tt: TwoTenants
  let routes: RouteEntry[]
  let internalSecret: string
  const tokens: Record<TokenKind, string> = {
    none: '',
    aAdmin: '',
    aOp: '',
    bAdmin: '',
    bOp: '',
    revoked: '',
    garbage: 'Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eHF1dXg',
    aVisitor: '',
    bVisitor: '',
  }
  const logins: Partial<Record<TokenKind, string>> = {
    aAdmin: 'admin@demo',
    aOp: 'op1@demo',
    bAdmin: 'op1@other',
    bOp: 'op2@other',
  }
  /** Logins for the suite's own tokens come from an address the fuzzer never uses (login throttle). */
  const relogin = async (login: string) => {
    const r = await tt.f.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login, password: PASSWORD },
      remoteAddress: '10.255.255.254',
    })
    if (r.statusCode !== 200) throw new Error(`relogin ${login}: ${r.statusCode} ${r.body}`)
    return (r.json() as { token: string }).token
  }

  beforeAll(async () => {
    tt = await makeTwoTenants(target, { dist: true })
    // Routes that take the suite's own accounts away (a new password, deactivation) would leave it
    // unable to sign in again: their bad input is covered by server/http/admin-employees.test.ts.
    routes = [...routeTable(tt.f.app)].filter((r) => !TAKES_ACCOUNTS.has(`${r.method} ${r.url}`))
    internalSecret = tt.f.secrets.internalSecret
    tokens.aAdmin = tt.a.admin
    tokens.aOp = tt.a.operator
    tokens.bAdmin = tt.b.admin
    tokens.bOp = tt.b.operator
    tokens.aVisitor = tt.a.visitor
    tokens.bVisitor = tt.b.visitor
    tokens.revoked = await relogin('supervisor@demo')
    await tt.f.app.inject({ method: 'POST', url: '/api/auth/logout', headers: auth(tokens.revoked) })
  }, 120_000)
  afterAll(() => tt?.close())

  /** After a write, the suite's tokens may have been revoked by it (logout, session delete): renew. */
  const renewTokens = async () => {
    for (const [kind, login] of Object.entries(logins) as [TokenKind, string][]) {
      const r = await tt.f.app.inject({ url: '/api/me', headers: auth(tokens[kind]) })
      if (r.statusCode === 401) tokens[kind] = await relogin(login)
    }
  }

  const realIds = () => [...Object.values(tt.a.ids).flat(), ...Object.values(tt.b.ids).flat()]

  function toRequest(g: Generated): Req {
    let url = g.route.url
    let i = 0
    url = url.replace(/:[A-Za-z0-9_]+|\*/g, () => encodeAny(g.params[i++] ?? ''))
    if (g.query) url += `?${g.query.map(([k, x]) => `${encodeAny(k)}=${encodeAny(x)}`).join('&')}`
    else if (g.rawQuery !== null) url += `?${g.rawQuery}`
    const headers: Record<string, string> = { ...g.headers }
    const tok = tokens[g.token]
    if (g.token !== 'none') {
      headers.authorization =
        g.authShape === 'bearer'
          ? `Bearer ${tok}`
          : g.authShape === 'lower'
            ? `bearer ${tok}`
            : g.authShape === 'basic'
              ? `Basic ${Buffer.from(`${tok}:x`).toString('base64')}`
              : tok
    }
    if (g.secret !== 'none') headers['x-internal-secret'] = g.secret === 'real' ? internalSecret : 'wrong'
    let payload: string | Buffer | undefined
    if (g.body.kind === 'json') payload = JSON.stringify(g.body.value) ?? 'null'
    else if (g.body.kind === 'raw') payload = g.body.text
    else if (g.body.kind === 'bytes') payload = Buffer.from(g.body.bytes)
    if (payload !== undefined) headers['content-type'] = g.contentType ?? 'application/json'
    return {
      method: g.method ?? g.route.method,
      url,
      headers,
      ...(payload === undefined ? {} : { payload }),
      remoteAddress: g.remote,
    }
  }

  interface Failure {
    req: Req
    status: number
    body: string
  }
  const show = (f: Failure) =>
    `${f.status} ${f.req.method} ${JSON.stringify(f.req.url)} headers=${JSON.stringify(f.req.headers)} ` +
    `body=${JSON.stringify(typeof f.req.payload === 'string' ? f.req.payload.slice(0, 300) : f.req.payload ? '<bytes>' : null)} ` +
    `from ${f.req.remoteAddress} → ${f.body.slice(0, 200)}`

  it('every route, ≥ 10,000 generated requests: no 5xx, no crash', async () => {
    expect(routes.length).toBeGreaterThan(20)
    // The WebSocket routes too: a plain request to them (no upgrade) is an input like any other.
    const httpRoutes = routes
    const ids = realIds()
    const param = fc.oneof(
      { weight: 3, arbitrary: hostileString },
      { weight: 2, arbitrary: fc.constantFrom(...ids) },
      { weight: 1, arbitrary: cursor },
    )
    const queryValue = fc.oneof(
      { weight: 3, arbitrary: hostileString },
      { weight: 1, arbitrary: cursor },
      { weight: 1, arbitrary: fc.constantFrom(...ids) },
      { weight: 1, arbitrary: fc.integer({ min: -5, max: 1000 }).map(String) },
    )
    const queryKey = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...CONTRACT.keys) },
      { weight: 1, arbitrary: hostileString },
    )
    const body = (r: RouteEntry): fc.Arbitrary<Generated['body']> => {
      const valid = CORPUS[`${r.method} ${r.url}`] ?? []
      return fc.oneof(
        { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
        { weight: 5, arbitrary: hostileJson.map((value) => ({ kind: 'json' as const, value })) },
        { weight: 1, arbitrary: brokenJson.map((text) => ({ kind: 'raw' as const, text })) },
        { weight: 1, arbitrary: deepJson.map((text) => ({ kind: 'raw' as const, text })) },
        {
          weight: 1,
          arbitrary: fc
            .oneof(
              fc.uint8Array({ maxLength: 64 }),
              fc.constant(new Uint8Array(WEBM)),
              fc.constant(new Uint8Array(70 * 1024)),
            )
            .map((bytes) => ({ kind: 'bytes' as const, bytes })),
        },
        ...valid.map((v) => ({
          weight: Math.max(1, Math.round(12 / valid.length)),
          arbitrary: mutated(v).map((value) => ({ kind: 'json' as const, value })),
        })),
      )
    }
    const arb: fc.Arbitrary<Generated> = fc.constantFrom(...httpRoutes).chain((route) =>
      fc.record({
        route: fc.constant(route),
        method: rarely(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'), 12),
        params: fc.array(param, { minLength: 3, maxLength: 3 }),
        query: rarely(fc.array(fc.tuple(queryKey, queryValue), { maxLength: 4 }), 2),
        rawQuery: rarely(fc.string({ unit: 'grapheme-ascii', maxLength: 30 }), 8),
        token: fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom<TokenKind>('aAdmin', 'aOp', 'bAdmin', 'bOp') },
          // The visitor routes open with these only; elsewhere they must be refused like garbage.
          {
            weight: route.url.startsWith('/api/visitor') ? 6 : 1,
            arbitrary: fc.constantFrom<TokenKind>('aVisitor', 'bVisitor'),
          },
          { weight: 2, arbitrary: fc.constantFrom<TokenKind>('none', 'revoked', 'garbage') },
        ),
        authShape: fc.oneof(
          { weight: 9, arbitrary: fc.constant('bearer' as const) },
          { weight: 1, arbitrary: fc.constantFrom('lower' as const, 'basic' as const, 'bare' as const) },
        ),
        body: body(route),
        contentType: rarely(
          fc.oneof(
            fc.constantFrom(
              'application/json',
              'application/json; charset=utf-8',
              'application/json; charset=utf-16',
              'text/plain',
              'audio/webm',
              'audio/ogg;codecs=opus',
              'multipart/form-data; boundary=x',
              'application/x-www-form-urlencoded',
              'application/octet-stream',
              '',
            ),
            headerValue,
          ),
          4,
        ),
        headers: fc.dictionary(
          fc.constantFrom(
            'accept-language',
            'accept',
            'range',
            'user-agent',
            'x-forwarded-for',
            'x-real-ip',
            'origin',
            'cookie',
            'if-none-match',
          ),
          headerValue,
          { maxKeys: 3 },
        ),
        secret: fc.constantFrom('none', 'none', 'real', 'real', 'wrong'),
        remote: fc.constantFrom('127.0.0.1', '127.0.0.1', '::1', '10.1.2.3', '192.0.2.7'),
      }),
    )

    const failures: Failure[] = []
    let inputs = 0
    let clientRefused = 0
    const statuses = new Map<number, number>()
    const started = Date.now()
    const run = async (req: Req, write: boolean) => {
      let res: Awaited<ReturnType<typeof tt.f.app.inject>>
      try {
        res = await tt.f.app.inject(req)
      } catch (e) {
        // light-my-request refused to build it (e.g. an invalid header): nothing reached the server.
        if ((e as { code?: string }).code?.startsWith('ERR_')) {
          clientRefused++
          return
        }
        throw e
      }
      inputs++
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
      if (res.statusCode >= 500) failures.push({ req, status: res.statusCode, body: res.body })
      if (write && res.statusCode < 300) await renewTokens()
    }
    for (const req of PINNED(tokens, internalSecret)) await run(req, false)
    await fc.assert(
      fc.asyncProperty(arb, async (g) => {
        const req = toRequest(g)
        await run(req, req.method !== 'GET' && req.method !== 'HEAD' && g.token !== 'none')
      }),
      { seed: SEED, numRuns: HTTP_RUNS[target.name], endOnFailure: true },
    )
    const ms = Date.now() - started
    console.log(
      `fuzz HTTP: ${inputs} requests over ${httpRoutes.length} routes in ${ms} ms (seed ${SEED}); ` +
        `client-refused ${clientRefused}; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    )
    // Group by route and status so one bug is one line, with its first request to replay.
    const groups = new Map<string, Failure[]>()
    for (const f of failures) {
      const key = `${f.status} ${f.req.method} ${f.req.url.split('?')[0]}`
      groups.set(key, [...(groups.get(key) ?? []), f])
    }
    const report = [...groups.values()].map((fs) => `${fs.length}× ${show(fs[0] as Failure)}`)
    expect(report).toEqual([])
    expect(inputs).toBeGreaterThanOrEqual(HTTP_RUNS[target.name])
    // The app still answers.
    expect((await tt.f.app.inject({ url: '/api/health' })).statusCode).toBe(200)
  }, 600_000)

  it('resume with a since beyond 2^53 is refused, and the same socket still resumes after it', async () => {
    const ws = await tt.f.app.injectWS('/api/ws')
    const got: ServerMessage[] = []
    ws.on('message', (d) => got.push(JSON.parse(String(d)) as ServerMessage))
    const answer = async (n: number) => {
      while (got.filter((m) => m.kind !== 'event').length < n) await new Promise((r) => setTimeout(r, 5))
      return got.filter((m) => m.kind !== 'event')[n - 1]
    }
    ws.send(JSON.stringify({ type: 'auth', token: tokens.aOp }))
    expect(await answer(1)).toMatchObject({ kind: 'ready' })
    ws.send(JSON.stringify({ type: 'resume', since: 1e308 }))
    expect(await answer(2)).toMatchObject({ kind: 'error', code: 'E_BAD_REQUEST' })
    ws.send(JSON.stringify({ type: 'resume', since: 0 }))
    expect(await answer(3)).toMatchObject({ kind: 'live' })
    ws.terminate()
  })

  it('the WebSocket: arbitrary frames get a message or a close code, never a server error; it stays up', async () => {
    await tt.f.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = tt.f.app.server.address() as AddressInfo
    const base = `ws://127.0.0.1:${port}`
    const since = fc.oneof(
      fc.integer({ min: 0, max: 50 }),
      hostileNumber,
      fc.constantFrom<unknown>(-1, 2 ** 53, 2 ** 53 + 2, 1e21, 1e308, 0.5, '0', null, [], {}),
      hostileJson,
    )
    const frame: fc.Arbitrary<Frame> = fc.oneof(
      { weight: 3, arbitrary: hostileString.map((text) => ({ kind: 'text' as const, text })) },
      {
        weight: 3,
        arbitrary: fc
          .oneof(hostileJson, fc.record({ type: fc.constantFrom(...CONTRACT.words) }, { requiredKeys: [] }))
          .map((x) => ({ kind: 'text' as const, text: JSON.stringify(x) ?? 'null' })),
      },
      { weight: 1, arbitrary: brokenJson.map((text) => ({ kind: 'text' as const, text })) },
      {
        weight: 1,
        arbitrary: fc
          .oneof(fc.uint8Array({ maxLength: 64 }), fc.constant(new Uint8Array(70 * 1024)))
          .map((bytes) => ({ kind: 'binary' as const, bytes })),
      },
      { weight: 1, arbitrary: fc.constant({ kind: 'text' as const, text: `"${'x'.repeat(70 * 1024)}"` }) },
      {
        weight: 3,
        arbitrary: fc
          .tuple(
            fc.constantFrom<TokenKind | 'hostile'>(
              'aAdmin',
              'aOp',
              'bAdmin',
              'bOp',
              'revoked',
              'garbage',
              'hostile',
            ),
            hostileString,
          )
          .map(([token, hostile]) => ({ kind: 'auth' as const, token, hostile })),
      },
      { weight: 3, arbitrary: since.map((s) => ({ kind: 'resume' as const, since: s })) },
      { weight: 2, arbitrary: fc.constant({ kind: 'ping' as const }) },
    )
    // Most sessions open with a valid login, so the authenticated paths get the hostile frames too.
    const session = fc.tuple(
      fc.option(fc.constantFrom<TokenKind>('aAdmin', 'aOp', 'bAdmin', 'bOp'), { freq: 4 }),
      fc.array(frame, { minLength: 1, maxLength: 6 }),
    )
    const problems: string[] = []
    let frames = 0
    let sessions = 0
    const started = Date.now()
    const play = async (all: Frame[]) => {
      const r = await wsSession(base, all, tokens)
      problems.push(...r.problems)
      frames += r.sent
      sessions++
    }
    for (const pinned of PINNED_WS) await play(pinned)
    await fc.assert(
      fc.asyncProperty(session, async ([login, rest]) => {
        await play(login ? [{ kind: 'auth', token: login, hostile: '' }, ...rest] : rest)
      }),
      { seed: SEED, numRuns: WS_RUNS[target.name], endOnFailure: true },
    )
    console.log(
      `fuzz WS: ${frames} frames in ${sessions} sessions in ${Date.now() - started} ms (seed ${SEED})`,
    )
    expect([...new Set(problems)]).toEqual([])
    expect(frames).toBeGreaterThan(WS_RUNS[target.name])
    // Still up: health answers and a clean session still gets ready → live → pong.
    expect((await tt.f.app.inject({ url: '/api/health' })).statusCode).toBe(200)
    const clean = await wsSession(
      base,
      [{ kind: 'auth', token: 'aOp', hostile: '' }, { kind: 'resume', since: 0 }, { kind: 'ping' }],
      tokens,
    )
    expect(clean).toEqual({ problems: [], sent: 3 })
  }, 600_000)
})
