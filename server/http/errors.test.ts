/** Client faults (an aborted upload, a reset connection) are one info line, not an error with a stack. */
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { captureLog } from '../test/log-capture.ts'
import { frameworkErrors, installErrorHandler } from './errors.ts'

describe('installErrorHandler', () => {
  it('an aborted request (ECONNRESET "aborted") is one short info line; our own fault stays an error', async () => {
    const log = captureLog()
    const app = Fastify({ logger: { level: 'info', stream: log.stream } })
    installErrorHandler(app)
    app.get('/aborted', async () => {
      throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' })
    })
    app.get('/ours', async () => {
      throw new Error('boom')
    })
    const r = await app.inject({ url: '/aborted' })
    expect(r.statusCode).toBe(400)
    expect(r.json().error.code).toBe('E_BAD_REQUEST')
    expect((await app.inject({ url: '/ours' })).statusCode).toBe(500)
    await app.close()
    const entries = log.entries()
    const fault = entries.filter((e) => e.msg.includes('client fault'))
    expect(fault.length).toBe(1)
    expect(fault[0]!.level).toBe(30)
    expect(fault[0]!.err).toBeUndefined()
    expect(entries.filter((e) => e.level >= 50).map((e) => e.msg)).toEqual(['unhandled error'])
  })

  it("probe 11: a path of broken UTF-8 or an over-long path parameter is our coded 400 in the caller's language, not Fastify's shape", async () => {
    const app = Fastify({ frameworkErrors })
    installErrorHandler(app)
    app.post('/api/calls/declined/:sipCallId', async () => ({ ok: true }))
    for (const url of ['/api/calls/declined/%ED%A0%80', `/api/calls/declined/${'a'.repeat(101)}`]) {
      const r = await app.inject({ method: 'POST', url, headers: { 'accept-language': 'ru' } })
      expect(r.statusCode, url).toBe(400)
      expect(r.json(), url).toEqual({ error: { code: 'E_BAD_REQUEST', message: expect.any(String) } })
      expect(r.json().error.message, url).toMatch(/[а-я]/i)
    }
    expect((await app.inject({ method: 'POST', url: '/api/calls/declined/abc' })).json()).toEqual({
      ok: true,
    })
    await app.close()
  })
})
