/**
 * Probe 12 #3: every provider request is checked at connect time — an IP literal of a private range as
 * typed, and every address a name resolves to — unless the operator allows private providers
 * (PROVIDER_ALLOW_PRIVATE=1) or the address is the operator's own (`trusted`). Bodies go out as fetch
 * would send them.
 */
import dns from 'node:dns'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { callProviderRaw } from '../channels/gateway/core.ts'
import { PermanentFailure } from '../jobs/index.ts'
import { providerFetch, providerUrlProblem } from './provider-fetch.ts'

describe('providerFetch', () => {
  let server: Server
  let base: string
  const hits: { method: string; url: string; type: string; body: string }[] = []
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        hits.push({
          method: req.method ?? '',
          url: req.url ?? '',
          type: req.headers['content-type'] ?? '',
          body: Buffer.concat(chunks).toString(),
        })
        res.writeHead(req.url === '/teapot' ? 418 : 200, {
          'content-type': 'application/json',
          'x-two': ['a', 'b'],
        })
        res.end('{"secret":"internal-only"}')
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  })
  const was = process.env.PROVIDER_ALLOW_PRIVATE
  afterEach(() => {
    process.env.PROVIDER_ALLOW_PRIVATE = was
    vi.restoreAllMocks()
    hits.length = 0
  })

  it('refuses a loopback / private IP literal (EPRIVATE) without connecting; the operator switch and an operator-set provider root allow it', async () => {
    process.env.PROVIDER_ALLOW_PRIVATE = ''
    const port = new URL(base).port
    for (const url of [
      `${base}/x`,
      `http://[::1]:${port}/x`,
      `http://[::ffff:127.0.0.1]:${port}/x`,
      `http://localhost:${port}/x`,
    ])
      await expect(providerFetch(url, { method: 'POST', body: '{}' })).rejects.toMatchObject({
        code: 'EPRIVATE',
      })
    expect(hits).toEqual([])
    expect(providerUrlProblem(`${base}/x`)).toBe('not a public host')
    // A provider root the operator set himself (a local Bot API server) is his choice.
    const bot = process.env.TELEGRAM_API_BASE
    process.env.TELEGRAM_API_BASE = base
    try {
      expect((await providerFetch(`${base}/trusted`)).status).toBe(200)
    } finally {
      if (bot === undefined) delete process.env.TELEGRAM_API_BASE
      else process.env.TELEGRAM_API_BASE = bot
    }
    process.env.PROVIDER_ALLOW_PRIVATE = '1'
    expect(providerUrlProblem(`${base}/x`)).toBeNull()
    expect(await (await providerFetch(`${base}/allowed`)).json()).toEqual({ secret: 'internal-only' })
    expect(hits.map((h) => h.url)).toEqual(['/trusted', '/allowed'])
  })

  it('a public-looking name that resolves to loopback is refused at connect time', async () => {
    process.env.PROVIDER_ALLOW_PRIVATE = ''
    const lookup = vi
      .spyOn(dns, 'lookup')
      .mockImplementation(((_h: string, _o: unknown, cb: (e: null, a: dns.LookupAddress[]) => void) =>
        cb(null, [{ address: '127.0.0.1', family: 4 }])) as never)
    const port = new URL(base).port
    await expect(providerFetch(`http://chatapi.example.com:${port}/pa/send_message`)).rejects.toMatchObject({
      code: 'EPRIVATE',
    })
    expect(lookup).toHaveBeenCalled()
    expect(hits).toEqual([])
    // Through the adapters' one caller: a permanent failure (no retry would change the answer).
    await expect(
      callProviderRaw(`http://chatapi.example.com:${port}/x`, { method: 'POST' }),
    ).rejects.toBeInstanceOf(PermanentFailure)
    expect(hits).toEqual([])
  })

  it('sends JSON, form and multipart bodies as fetch does, and answers status, headers and body', async () => {
    const json = await providerFetch(`${base}/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    })
    expect(json.status).toBe(200)
    expect(json.headers.get('x-two')).toBe('a, b')
    await json.text()
    await (
      await providerFetch(`${base}/form`, { method: 'POST', body: new URLSearchParams({ b: '2' }) })
    ).text()
    const form = new FormData()
    form.set('file', new Blob(['hello'], { type: 'text/plain' }), 'a.txt')
    await (await providerFetch(`${base}/multi`, { method: 'POST', body: form })).text()
    const teapot = await providerFetch(`${base}/teapot`)
    expect([teapot.status, teapot.ok]).toEqual([418, false])
    await teapot.text()
    expect(hits[0]).toMatchObject({ method: 'POST', type: 'application/json', body: '{"a":1}' })
    expect(hits[1]).toMatchObject({ type: 'application/x-www-form-urlencoded;charset=UTF-8', body: 'b=2' })
    expect(hits[2]?.type).toMatch(/^multipart\/form-data; boundary=/)
    expect(hits[2]?.body).toContain('filename="a.txt"')
    expect(hits[2]?.body).toContain('hello')
  })
})
