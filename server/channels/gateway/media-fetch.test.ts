/** The one media fetcher (probe 8 finding 1): allow-list, public addresses only, redirects checked, a byte cap, a timeout. */
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchMedia, isPublicAddress, type MediaPolicy, mediaPolicy } from './media-fetch.ts'

interface Local {
  url: string
  hits: string[]
  server: Server
}

async function local(handle: (path: string, res: ServerResponse) => void): Promise<Local> {
  const hits: string[] = []
  const server = createServer((req, res) => {
    hits.push(req.url ?? '/')
    handle(req.url ?? '/', res)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server }
}

describe('fetchMedia', () => {
  let provider: Local
  let internal: Local
  let written = 0
  let bigClosed: (early: boolean) => void = () => {}
  const bigDone = new Promise<boolean>((r) => {
    bigClosed = r
  })
  beforeAll(async () => {
    internal = await local((_p, res) => res.end('internal-secret'))
    provider = await local((path, res) => {
      if (path === '/ok') return res.end('bytes')
      if (path === '/to-internal') {
        res.writeHead(302, { location: `${internal.url}/internal-secret` })
        return res.end()
      }
      if (path === '/hop') {
        res.writeHead(302, { location: '/ok' })
        return res.end()
      }
      const loop = /^\/loop(\d+)$/.exec(path)
      if (loop) {
        res.writeHead(302, { location: `/loop${Number(loop[1]) + 1}` })
        return res.end()
      }
      if (path === '/declared-big') {
        res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) })
        return res.end()
      }
      if (path === '/chunked-big') {
        // No Content-Length: 50 MB in 64 KB chunks, until the reader hangs up.
        res.writeHead(200, { 'content-type': 'application/octet-stream' })
        const chunk = Buffer.alloc(64 * 1024, 1)
        res.on('close', () => bigClosed(written < 50 * 1024 * 1024))
        const pump = () => {
          while (written < 50 * 1024 * 1024 && !res.destroyed) {
            written += chunk.length
            if (!res.write(chunk)) return res.once('drain', pump)
          }
          res.end()
        }
        return pump()
      }
      if (path === '/hang') return // never answers
      res.writeHead(404)
      res.end()
    })
  })
  afterAll(async () => {
    for (const s of [provider, internal]) {
      s.server.closeAllConnections()
      await new Promise((r) => s.server.close(r))
    }
  })

  const policy = (over: Partial<MediaPolicy> = {}): MediaPolicy => ({
    hosts: ['.avito.st'],
    trustedOrigins: [provider.url],
    allowPrivate: true,
    maxBytes: 1024 * 1024,
    timeoutMs: 5000,
    ...over,
  })

  it('fetches from the configured origin; refuses another origin on the same loopback host, and non-http(s) schemes', async () => {
    expect((await fetchMedia(policy(), `${provider.url}/ok`))?.bytes.toString()).toBe('bytes')
    expect(await fetchMedia(policy(), `${internal.url}/internal-secret`)).toBeNull()
    expect(await fetchMedia(policy(), 'file:///etc/passwd')).toBeNull()
    expect(await fetchMedia(policy(), 'ftp://00.img.avito.st/x')).toBeNull()
    expect(await fetchMedia(policy(), `http://user:pw@${provider.url.slice(7)}/ok`)).toBeNull()
    expect(internal.hits).toEqual([])
  })

  it('a channel with no baseUrl trusts no loopback origin: only its provider’s hosts', async () => {
    const p = mediaPolicy({ kind: 'avito', config: {} })
    expect(p.trustedOrigins).toEqual([])
    expect(p.maxBytes).toBe(24 * 1024 * 1024)
    expect(await fetchMedia(p, `${internal.url}/internal-secret`)).toBeNull()
    expect(await fetchMedia(p, 'http://169.254.169.254/latest/meta-data/')).toBeNull()
    expect(await fetchMedia(p, 'http://[::ffff:127.0.0.1]/')).toBeNull()
    expect(internal.hits).toEqual([])
    expect(mediaPolicy({ kind: 'avito', config: { baseUrl: provider.url } }).trustedOrigins).toEqual([
      provider.url,
    ])
  })

  it('probe 12 #3: a baseUrl on loopback / link-local is no trusted origin unless the operator allows private providers', async () => {
    const was = process.env.PROVIDER_ALLOW_PRIVATE
    process.env.PROVIDER_ALLOW_PRIVATE = ''
    try {
      for (const baseUrl of [internal.url, 'http://169.254.169.254', 'http://[fd00::1]:8080']) {
        const p = mediaPolicy({ kind: 'viber', config: { baseUrl } })
        expect(p.allowPrivate).toBe(false)
        expect(await fetchMedia(p, `${baseUrl}/internal-secret`)).toBeNull()
      }
      // A public-looking name as baseUrl, resolving to loopback at connect time: refused too.
      const port = new URL(internal.url).port
      const named = policy({
        trustedOrigins: [`http://media.example.com:${port}`],
        allowPrivate: false,
        resolve: async () => [{ address: '127.0.0.1', family: 4 }],
      })
      expect(await fetchMedia(named, `http://media.example.com:${port}/internal-secret`)).toBeNull()
      expect(internal.hits).toEqual([])
    } finally {
      process.env.PROVIDER_ALLOW_PRIVATE = was
    }
    // The operator's switch (tests, local stand-ins) keeps a loopback baseUrl working.
    expect(mediaPolicy({ kind: 'viber', config: { baseUrl: provider.url } }).allowPrivate).toBe(true)
  })

  it('a listed provider host that resolves to a private or mixed set of addresses is refused before connecting', async () => {
    const port = new URL(internal.url).port
    const asked: string[] = []
    for (const addrs of [
      [{ address: '127.0.0.1', family: 4 }],
      [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ],
      [{ address: '::ffff:127.0.0.1', family: 6 }],
    ]) {
      const p = policy({
        resolve: async (host) => {
          asked.push(host)
          return addrs
        },
      })
      expect(await fetchMedia(p, `http://00.img.avito.st:${port}/internal-secret`)).toBeNull()
    }
    // The connection's own lookup was asked (so the socket can only use what it checked), and refused.
    expect(asked).toEqual(Array(3).fill('00.img.avito.st'))
    expect(internal.hits).toEqual([])
  })

  it('redirects: within the trusted origin followed; to another origin checked again and refused; more than 3 hops refused', async () => {
    expect((await fetchMedia(policy(), `${provider.url}/hop`))?.bytes.toString()).toBe('bytes')
    expect(await fetchMedia(policy(), `${provider.url}/to-internal`)).toBeNull()
    expect(internal.hits).toEqual([])
    expect(await fetchMedia(policy(), `${provider.url}/loop0`)).toBeNull()
    expect(provider.hits.filter((h) => h.startsWith('/loop'))).toEqual([
      '/loop0',
      '/loop1',
      '/loop2',
      '/loop3',
    ])
  })

  it('the byte cap: a declared length over it is refused; a chunked body is cut as soon as it passes', async () => {
    expect(await fetchMedia(policy(), `${provider.url}/declared-big`)).toBeNull()
    expect(await fetchMedia(policy(), `${provider.url}/chunked-big`)).toBeNull()
    // The server saw the reader hang up before it had written the whole 50 MB.
    expect(await bigDone).toBe(true)
    expect(written).toBeLessThan(50 * 1024 * 1024)
  })

  it('a server that never answers is given up at the total timeout', async () => {
    expect(await fetchMedia(policy({ timeoutMs: 300 }), `${provider.url}/hang`)).toBeNull()
  })
})

describe('isPublicAddress', () => {
  it('refuses loopback, private, link-local, CGNAT, multicast, ULA, IPv4-mapped and NAT64 forms', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '64:ff9b::a00:1',
      'not-an-ip',
    ])
      expect([a, isPublicAddress(a)]).toEqual([a, false])
    for (const a of ['93.184.216.34', '87.250.250.242', '2a00:1450:4010:c0e::71'])
      expect([a, isPublicAddress(a)]).toEqual([a, true])
  })
})
