/**
 * Probe 8 finding 13: a webhook's key is the path segment providers call (`/api/hooks/<kind>/<key>`)
 * — for a provider that signs nothing it is the only credential — so the request log never holds it:
 * the segment is written as `…` in every line (incoming, completed, errors, unknown routes).
 */
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { redactUrl } from '../db/index.ts'
import { targets } from '../test/dbs.ts'
import { type Fixture, makeFixture } from '../test/fixture.ts'
import { captureLog } from '../test/log-capture.ts'

const KEY = 'wk_9f2c1e7a4b5d6c8e0f1a2b3c'

describe('redactUrl', () => {
  it.each([
    ['/api/hooks/avito/abc', '/api/hooks/avito/…'],
    ['/api/hooks/telegram/abc/', '/api/hooks/telegram/…/'],
    ['/api/hooks/telegram/abc?x=1', '/api/hooks/telegram/…?x=1'],
    ['/api/hooks/telegram/abc/more', '/api/hooks/telegram/…/more'],
    ['//api//hooks/x/abc', '//api//hooks/x/…'],
    ['/API/Hooks/x/abc', '/API/Hooks/x/…'],
    ['/api/chats/1', '/api/chats/1'],
    ['/api/hooks/x', '/api/hooks/x'],
  ])('%s → %s', (url, want) => {
    expect(redactUrl(url)).toBe(want)
  })
})

describe.each(targets)('webhook keys in the request log on $name', (target) => {
  let f: Fixture
  let app: FastifyInstance
  const log = captureLog()
  beforeAll(async () => {
    f = await makeFixture(target)
    app = await f.buildAnother({ logLevel: 'info', logStream: log.stream })
    app.post('/api/hooks/probe/:key', async () => ({ ok: true }))
    app.post('/api/hooks/boom/:key', async () => {
      throw new Error('boom')
    })
    await app.ready()
  })
  afterAll(async () => {
    await app.close()
    await f.close()
  })

  it('a known hook, a failing one and an unknown kind are logged with the key segment as …', async () => {
    log.lines.length = 0
    expect(
      (await app.inject({ method: 'POST', url: `/api/hooks/probe/${KEY}`, payload: {} })).statusCode,
    ).toBe(200)
    expect((await app.inject({ method: 'POST', url: `/api/hooks/boom/${KEY}?a=1` })).statusCode).toBe(500)
    expect((await app.inject({ method: 'POST', url: `/api/hooks/nothing/${KEY}` })).statusCode).toBe(404)
    await new Promise((resolve) => setImmediate(resolve))
    const urls = log.entries().flatMap((e) => {
      const req = (e as { req?: { url?: string } }).req
      return req?.url ? [req.url] : []
    })
    // The request lines are there (so the check below is not vacuous), with the segment redacted.
    expect(urls).toEqual(
      expect.arrayContaining(['/api/hooks/probe/…', '/api/hooks/boom/…?a=1', '/api/hooks/nothing/…']),
    )
    expect(log.lines.join('\n')).not.toContain(KEY)
  })
})
