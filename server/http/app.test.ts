import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

describe('app shell', () => {
  let f: Fixture
  beforeAll(async () => {
    f = await makeFixture(targets[0]!, { dist: true })
  })
  afterAll(() => f.close())

  it('GET /api/health', async () => {
    const r = await f.app.inject({ url: '/api/health' })
    expect(r.json()).toEqual({ ok: true, db: 'pglite', sip: 'unavailable', version: '0.0.0-test' })
  })

  it('sends a strict CSP and other helmet headers', async () => {
    const r = await f.app.inject({ url: '/api/health', headers: { host: 'app.example:8443' } })
    const csp = String(r.headers['content-security-policy'])
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain(
      "connect-src 'self' ws://app.example:8443 wss://app.example:8443 ws://127.0.0.1:8088",
    )
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("worker-src 'self'")
    expect(csp).toContain("manifest-src 'self'")
    expect(r.headers['x-content-type-options']).toBe('nosniff')
    const evil = await f.app.inject({ url: '/api/health', headers: { host: 'x; script-src *' } })
    expect(String(evil.headers['content-security-policy'])).not.toContain('script-src *')
  })

  it.each([
    ['GET', '/api/nope'],
    ['POST', '/api/nope'],
    ['DELETE', '/api/statuses'],
    ['GET', '/api'],
    ['GET', '/internal/sip/route'],
  ])('%s %s → 404 E_NOT_FOUND (JSON even when HTML is accepted)', async (method, url) => {
    const r = await f.app.inject({ method: method as 'GET', url, headers: { accept: 'text/html' } })
    expect(r.statusCode).toBe(404)
    expect(r.json().error.code).toBe('E_NOT_FOUND')
  })

  it('serves the PWA: index.html and sw.js no-cache, hashed assets immutable', async () => {
    const index = await f.app.inject({ url: '/' })
    expect(index.statusCode).toBe(200)
    expect(index.body).toContain('<title>Frontline</title>')
    expect(index.headers['cache-control']).toBe('no-cache')
    expect((await f.app.inject({ url: '/sw.js' })).headers['cache-control']).toBe('no-cache')
    const asset = await f.app.inject({ url: '/assets/index-abc123.js' })
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable')
  })

  it('issue 11 item 8: a hashed asset goes out in the precompressed copy the client accepts, else as it is', async () => {
    const { brotliCompressSync, gzipSync } = await import('node:zlib')
    const { writeFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const body = 'console.log("precompressed")'.repeat(50)
    const file = join(f.dir, 'dist', 'assets', 'app-pre123.js')
    writeFileSync(file, body)
    writeFileSync(`${file}.br`, brotliCompressSync(body))
    writeFileSync(`${file}.gz`, gzipSync(body))
    const br = await f.app.inject({
      url: '/assets/app-pre123.js',
      headers: { 'accept-encoding': 'gzip, br' },
    })
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(String(br.headers['content-type'])).toMatch(/javascript/)
    expect(br.rawPayload.length).toBeLessThan(body.length)
    const gz = await f.app.inject({ url: '/assets/app-pre123.js', headers: { 'accept-encoding': 'gzip' } })
    expect(gz.headers['content-encoding']).toBe('gzip')
    const plain = await f.app.inject({
      url: '/assets/app-pre123.js',
      headers: { 'accept-encoding': 'identity' },
    })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body).toBe(body)
  })

  it('SPA fallback for HTML navigations only; /site/ serves the demo site', async () => {
    const nav = await f.app.inject({ url: '/calls/history', headers: { accept: 'text/html,*/*' } })
    expect(nav.statusCode).toBe(200)
    expect(nav.body).toContain('<title>Frontline</title>')
    expect(nav.headers['cache-control']).toBe('no-cache')
    const js = await f.app.inject({ url: '/missing.js', headers: { accept: '*/*' } })
    expect(js.statusCode).toBe(404)
    expect(js.json().error.code).toBe('E_NOT_FOUND')
    const site = await f.app.inject({ url: '/site/' })
    expect(site.body).toContain('Demo site')
    expect((await f.app.inject({ url: '/../package.json' })).statusCode).toBe(404)
  })

  it('logout without a body works; a JSON content type with an empty body is a coded 400', async () => {
    const { token } = await f.login('op2@demo')
    const r = await f.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { ...auth(token), 'content-type': 'application/json' },
      payload: '',
    })
    expect(r.statusCode).toBe(400)
    expect(r.json().error.code).toBe('E_BAD_REQUEST')
    expect(
      (await f.app.inject({ method: 'POST', url: '/api/auth/logout', headers: auth(token) })).statusCode,
    ).toBe(204)
  })
})
