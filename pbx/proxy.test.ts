/**
 * Kamailio behind the documented TLS reverse proxy (a real nginx terminating TLS for the SIP
 * WebSocket, scripts/tls-proxy.ts): bans and flood limits apply to each client's own address, taken
 * from the proxy's X-Real-IP — never to the proxy's address that every client shares (issue 6 §3).
 */
import { createHash, createHmac } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Registerer, RegistererState, type UserAgent } from 'sip.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../scripts/harness.ts'
import { startTlsProxy, type TlsProxy } from '../scripts/tls-proxy.ts'
import { findKamailio, type Pbx, rpc, startPbx } from './index.ts'
import { rawSip, sipAgent, sipRequest } from './test-agents.ts'

const SECRET = 'sip-secret-for-proxy-tests'
const INTERNAL = 'internal-secret-for-proxy-tests'
const DOMAIN = 'acme.frontline.local'
const PROXY_ADDR = '127.0.0.2'

function creds(user: string) {
  const username = `${Math.floor(Date.now() / 1000) + 600}:${user}`
  return { username, password: createHmac('sha1', SECRET).update(username).digest('base64') }
}

describe('pbx behind a TLS reverse proxy (nginx)', () => {
  const binary = findKamailio(process.env.KAMAILIO === 'off' ? 'kamailio' : undefined)
  let runDir = ''
  let wsPort = 0
  let pbx: Pbx | null = null
  let proxy: TlsProxy | null = null
  let internal: Server
  const agents: UserAgent[] = []
  const log: string[] = []

  beforeAll(async () => {
    if (!binary) throw new Error('kamailio is not installed: run `node scripts/bootstrap.mjs --test` as root')
    runDir = await mkdtemp(path.join(tmpdir(), 'frontline-pbx-proxy-'))
    wsPort = await freePort()
    internal = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        res.setHeader('content-type', 'application/json')
        res.end('{"ok":true}')
      })
    }).listen(0, '127.0.0.1')
    await new Promise((r) => internal.once('listening', r))
    pbx = await startPbx({
      wsPort,
      secret: SECRET,
      internalUrl: `http://127.0.0.1:${(internal.address() as AddressInfo).port}`,
      internalSecret: INTERNAL,
      runDir,
      log: (l) => log.push(l),
      binary,
      trustedProxies: [PROXY_ADDR],
    })
    proxy = await startTlsProxy({ sipPort: wsPort, bind: PROXY_ADDR })
  }, 30_000)

  afterAll(async () => {
    for (const a of agents) await a.stop().catch(() => {})
    await proxy?.stop()
    await pbx?.stop()
    internal?.close()
    if (runDir) await rm(runDir, { recursive: true, force: true })
  })

  /** A client on its own loopback address, connecting through the proxy. */
  const viaProxy = (clientAddr: string) =>
    rawSip(`wss://127.0.0.1:${proxy!.port}/sip`, { ca: proxy!.ca, localAddress: clientAddr })

  async function registerViaProxy(user: string, clientAddr: string): Promise<RegistererState | 'timeout'> {
    const c = creds(user)
    const agent = sipAgent({
      uri: `sip:${user}@${DOMAIN}`,
      wsPort,
      ...c,
      server: `wss://127.0.0.1:${proxy!.port}/sip?client=${clientAddr}`,
      wsOptions: { ca: proxy!.ca, localAddress: clientAddr },
    })
    agents.push(agent)
    await agent.start()
    const reg = new Registerer(agent)
    return new Promise((resolve) => {
      reg.stateChange.addListener((s) => {
        if (s === RegistererState.Registered) resolve(s)
      })
      void reg.register({ requestDelegate: { onReject: () => resolve(RegistererState.Unregistered) } })
      setTimeout(() => resolve('timeout'), 5000).unref()
    })
  }

  const banned = async () => JSON.stringify(await rpc(wsPort, INTERNAL, 'htable.dump', ['ipban']))

  const register = (user: string, authorization?: string) =>
    sipRequest({
      method: 'REGISTER',
      ruri: `sip:${DOMAIN}`,
      from: `sip:${user}@${DOMAIN}`,
      to: `sip:${user}@${DOMAIN}`,
      headers: [
        'Expires: 600',
        ...(authorization
          ? [
              `Authorization: Digest username="${creds(user).username}", realm="${DOMAIN}", nonce="bm9ub25jZQ", uri="sip:${DOMAIN}", response="${authorization}", algorithm=MD5`,
            ]
          : []),
      ],
    })

  /** 400 REGISTERs for `user` at once on `conn` until Kamailio answers 403 Banned; closes `conn`. */
  const floodUntilBanned = async (conn: Awaited<ReturnType<typeof rawSip>>, user: string) => {
    try {
      const bannedReply = conn.next((m) => m.status === 403 && /Banned/.test(m.text), 10_000)
      for (let i = 0; i < 400; i++) conn.send(register(user))
      expect(await bannedReply).not.toBeNull()
    } finally {
      conn.close()
    }
  }

  /** The ipban table holds each of `yes` and none of `no`. */
  const expectBans = async (yes: string[], no: string[]) => {
    const dump = await banned()
    for (const a of yes) expect(dump).toContain(`"${a}"`)
    for (const a of no) expect(dump).not.toContain(`"${a}"`)
  }

  it('a client flooding REGISTERs through the proxy is banned by its own address; another client behind the same proxy still registers', async () => {
    const flood = await viaProxy('127.0.0.3')
    await floodUntilBanned(flood, '120')
    await expectBans(['127.0.0.3'], [PROXY_ADDR])
    expect(await registerViaProxy('121', '127.0.0.4')).toBe(RegistererState.Registered)
  })

  it('wrong passwords through the proxy ban the client’s address (authfail), not the proxy’s', async () => {
    const guesser = await viaProxy('127.0.0.5')
    const codes: number[] = []
    try {
      for (let i = 0; i < 21; i++) {
        codes.push((await guesser.request(register('122', '0'.repeat(32))))?.status ?? 0)
      }
    } finally {
      guesser.close()
    }
    expect(codes[20]).toBe(403)
    await expectBans(['127.0.0.5'], [PROXY_ADDR])
    expect(await registerViaProxy('123', '127.0.0.6')).toBe(RegistererState.Registered)
  })

  it('a direct connection (not from the proxy) cannot name another address in X-Real-IP / X-Forwarded-For', async () => {
    const liar = await rawSip(`ws://127.0.0.1:${wsPort}`, {
      localAddress: '127.0.0.7',
      headers: { 'X-Real-IP': '127.0.0.8', 'X-Forwarded-For': '127.0.0.8' },
    })
    await floodUntilBanned(liar, '124')
    await expectBans(['127.0.0.7'], ['127.0.0.8'])
  })

  it('one user flooding authenticated REGISTERs from several addresses is banned by its user; others on those addresses still register', async () => {
    const user = '125'
    const c = creds(user)
    // One challenge gives a nonce; auth_ephemeral (auth module defaults) accepts it again until it expires.
    const first = await viaProxy('127.0.0.9')
    const challenge = await first.request(register(user))
    expect(challenge?.status).toBe(401)
    const nonce = /nonce="([^"]+)"/.exec(challenge!.text)![1]!
    const md5 = (s: string) => createHash('md5').update(s).digest('hex')
    const uri = `sip:${DOMAIN}`
    const response = md5(`${md5(`${c.username}:${DOMAIN}:${c.password}`)}:${nonce}:${md5(`REGISTER:${uri}`)}`)
    const authorization = `Authorization: Digest username="${c.username}", realm="${DOMAIN}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5`
    const authed = () =>
      sipRequest({
        method: 'REGISTER',
        ruri: uri,
        from: `sip:${user}@${DOMAIN}`,
        to: `sip:${user}@${DOMAIN}`,
        headers: ['Expires: 600', authorization],
      })
    expect((await first.request(authed()))?.status).toBe(200)
    // 4 addresses × 40: each stays under the per-address flood limit (300 in 2 s), the user (30) does not.
    const clients = [first, ...(await Promise.all(['127.0.0.10', '127.0.0.11', '127.0.0.12'].map(viaProxy)))]
    try {
      const bannedReply = Promise.race(
        clients.map((cl) => cl.next((m) => m.status === 403 && /Banned/.test(m.text), 10_000)),
      )
      for (let i = 0; i < 40; i++) for (const cl of clients) cl.send(authed())
      expect(await bannedReply).not.toBeNull()
    } finally {
      for (const cl of clients) cl.close()
    }
    const users = JSON.stringify(await rpc(wsPort, INTERNAL, 'htable.dump', ['userban']))
    expect(users).toContain(`"${user}@${DOMAIN}"`)
    // No address was banned for it: another user on the same address registers.
    await expectBans([], ['127.0.0.9', '127.0.0.10', '127.0.0.11', '127.0.0.12'])
    expect(await registerViaProxy('126', '127.0.0.10')).toBe(RegistererState.Registered)
  })

  /** A REGISTER answered with its digest on `conn` (a challenge, then the answer): the final status. */
  async function registerWithAuth(conn: Awaited<ReturnType<typeof rawSip>>, user: string): Promise<number> {
    const md5 = (s: string) => createHash('md5').update(s).digest('hex')
    const uri = `sip:${DOMAIN}`
    const c = creds(user)
    const challenge = await conn.request(register(user))
    const nonce = /nonce="([^"]+)"/.exec(challenge?.text ?? '')?.[1]
    if (!nonce) return challenge?.status ?? 0
    const response = md5(`${md5(`${c.username}:${DOMAIN}:${c.password}`)}:${nonce}:${md5(`REGISTER:${uri}`)}`)
    const answer = await conn.request(
      sipRequest({
        method: 'REGISTER',
        ruri: uri,
        from: `sip:${user}@${DOMAIN}`,
        to: `sip:${user}@${DOMAIN}`,
        headers: [
          'Expires: 600',
          `Authorization: Digest username="${c.username}", realm="${DOMAIN}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5`,
        ],
      }),
    )
    return answer?.status ?? 0
  }

  it('an office of 30 operators behind one address re-registering at once (a network blip) is not a flood: all registered, nobody banned', async () => {
    const office = '127.0.0.16'
    const conns = await Promise.all(Array.from({ length: 30 }, () => viaProxy(office)))
    try {
      // Each phone: a challenge, then its answer (60 REGISTERs from one address within a second or two).
      const codes = await Promise.all(conns.map((conn, i) => registerWithAuth(conn, String(300 + i))))
      expect(codes).toEqual(Array(30).fill(200))
    } finally {
      for (const conn of conns) conn.close()
    }
    await expectBans([], [office])
  })

  it('probe 12 #5: a guest line never registers, and a line holds at most 20 live contacts', async () => {
    const conn = await viaProxy('127.0.0.17')
    try {
      expect(await registerWithAuth(conn, 'guest-0123456789ab')).toBe(403)
      const codes: number[] = []
      for (let i = 0; i < 21; i++) codes.push(await registerWithAuth(conn, '401'))
      expect(codes.slice(0, 20)).toEqual(Array(20).fill(200))
      expect(codes[20]).toBe(503)
    } finally {
      conn.close()
    }
  })

  it('from the proxy without X-Real-IP: the last X-Forwarded-For entry (the one the proxy appended) is the client', async () => {
    // A proxy configured with X-Forwarded-For only; the client put its own forged entry first.
    const client = await rawSip(`ws://127.0.0.1:${wsPort}`, {
      localAddress: PROXY_ADDR,
      headers: { 'X-Forwarded-For': '127.0.0.14, 127.0.0.13' },
    })
    await floodUntilBanned(client, '127')
    await expectBans(['127.0.0.13'], ['127.0.0.14', PROXY_ADDR])
  })

  it('the remembered client address goes with its connection', async () => {
    const wsip = async () => JSON.stringify(await rpc(wsPort, INTERNAL, 'htable.dump', ['wsip']))
    const client = await viaProxy('127.0.0.15')
    const ping = await client.request(
      sipRequest({ method: 'OPTIONS', ruri: `sip:${DOMAIN}`, from: `sip:x@${DOMAIN}`, to: `sip:${DOMAIN}` }),
    )
    expect(ping?.status).toBe(200)
    expect(await wsip()).toContain('"127.0.0.15"')
    client.close()
    // The websocket module runs websocket:closed after its rm_delay_interval (5 s by default).
    for (let i = 0; i < 250 && (await wsip()).includes('"127.0.0.15"'); i++) {
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(await wsip()).not.toContain('"127.0.0.15"')
  })
})
