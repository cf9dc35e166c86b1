/** Client faults (an aborted upload, a reset connection) are one info line, not an error with a stack. */
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { captureLog } from '../test/log-capture.ts'
import { installErrorHandler } from './errors.ts'

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
})
