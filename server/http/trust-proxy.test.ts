/**
 * TRUSTED_PROXY: behind the documented TLS proxy (a real nginx, scripts/tls-proxy.ts) `request.ip` —
 * what login throttling and guest limits count by — is the client's own address; an X-Forwarded-For
 * sent straight to the server, or forged by the client through the proxy, changes nothing.
 */
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTlsProxy, type TlsProxy } from '../../scripts/tls-proxy.ts'
import { targets } from '../test/dbs.ts'
import { type Fixture, makeFixture } from '../test/fixture.ts'

const PROXY_ADDR = '127.0.0.2'

function get(
  url: string,
  o: { ca?: string; localAddress: string; headers?: Record<string, string> },
): Promise<{ status: number; body: string }> {
  const req = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, {
    ...(o.ca ? { ca: o.ca } : {}),
    localAddress: o.localAddress,
    headers: o.headers ?? {},
  })
  return new Promise((resolve, reject) => {
    req.on('response', (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (d: string) => {
        body += d
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('request.ip behind the trusted reverse proxy', () => {
  let f: Fixture
  let app: FastifyInstance
  let proxy: TlsProxy
  let direct = ''

  beforeAll(async () => {
    f = await makeFixture(targets[0]!)
    // The real buildApp with TRUSTED_PROXY set, plus a probe route that shows what the server sees.
    app = await f.buildAnother({ trustProxy: [PROXY_ADDR] })
    app.get('/test/ip', async (req) => ({ ip: req.ip }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    const port = (app.server.address() as AddressInfo).port
    direct = `http://127.0.0.1:${port}`
    proxy = await startTlsProxy({ httpPort: port, bind: PROXY_ADDR })
  }, 60_000)

  afterAll(async () => {
    await proxy?.stop()
    await app?.close()
    await f?.close()
  })

  const ipOf = (r: { status: number; body: string }) => {
    expect(r.status).toBe(200)
    return (JSON.parse(r.body) as { ip: string }).ip
  }

  it('through the proxy: the client’s own address, even when the client sends its own X-Forwarded-For', async () => {
    const via = `https://127.0.0.1:${proxy.port}/test/ip`
    expect(ipOf(await get(via, { ca: proxy.ca, localAddress: '127.0.0.3' }))).toBe('127.0.0.3')
    const forged = { 'X-Forwarded-For': '203.0.113.9', 'X-Real-IP': '203.0.113.9' }
    expect(ipOf(await get(via, { ca: proxy.ca, localAddress: '127.0.0.4', headers: forged }))).toBe(
      '127.0.0.4',
    )
    // The real API behind the proxy works as well.
    expect(
      (await get(`https://127.0.0.1:${proxy.port}/api/health`, { ca: proxy.ca, localAddress: '127.0.0.3' }))
        .status,
    ).toBe(200)
  })

  it('straight to the server (not from the proxy): X-Forwarded-For is ignored', async () => {
    const r = await get(`${direct}/test/ip`, {
      localAddress: '127.0.0.5',
      headers: { 'X-Forwarded-For': '203.0.113.9' },
    })
    expect(ipOf(r)).toBe('127.0.0.5')
  })
})
