/**
 * Slowloris (issue 7 probe): a request whose headers never finish, or an upload that stalls after a
 * few bytes, is closed by the server, and the stalled upload's part file is removed.
 */
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { VisitorSessionResponse } from '../../contract/visitor.ts'
import { schema } from '../db/index.ts'
import { targets } from '../test/dbs.ts'
import { type Fixture, makeFixture } from '../test/fixture.ts'

describe('HTTP timeouts', () => {
  let f: Fixture
  let app: FastifyInstance
  let port: number
  beforeAll(async () => {
    f = await makeFixture(targets[0]!)
    app = await f.buildAnother({ httpTimeouts: { idleMs: 400, headersMs: 600, requestMs: 5000 } })
    await app.listen({ port: 0, host: '127.0.0.1' })
    port = (app.server.address() as net.AddressInfo).port
  }, 120_000)
  afterAll(async () => {
    await app?.close()
    await f?.close()
  })

  /** A raw connection; `closed` resolves when the server ends it. */
  const open = () => {
    const s = net.connect(port, '127.0.0.1')
    s.on('error', () => {})
    const closed = new Promise<void>((r) => s.once('close', () => r()))
    return { s, closed }
  }

  it("Node's parser refusals (lying chunk size, CL+TE, Content-Length: -1) answer the coded error shape", async () => {
    const raw = async (req: string) => {
      const c = open()
      let got = ''
      c.s.on('data', (d: Buffer) => {
        got += d.toString()
      })
      c.s.write(req)
      await c.closed
      return got
    }
    for (const req of [
      'POST /api/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n',
      'POST /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
    ]) {
      const res = await raw(req)
      expect(res, req).toMatch(/^HTTP\/1\.1 400 /)
      const body = JSON.parse(res.slice(res.indexOf('\r\n\r\n') + 4)) as {
        error: { code: string; message: string }
      }
      expect(body.error.code).toBe('E_BAD_REQUEST')
      expect(body.error.message).toBeTruthy()
    }
  }, 20_000)

  it('a GET whose headers never finish is closed (also while it trickles bytes)', async () => {
    const stalled = open()
    stalled.s.write('GET /api/health HTTP/1.1\r\nHost: x\r\n')
    await stalled.closed
    const trickle = open()
    trickle.s.write('GET /api/health HTTP/1.1\r\n')
    let open_ = true
    void trickle.closed.then(() => {
      open_ = false
    })
    // One header byte at a time, well inside the idle limit: only the headers deadline ends it.
    while (open_) {
      trickle.s.write('X')
      await new Promise((r) => setTimeout(r, 100))
    }
    await trickle.closed
  }, 20_000)

  it('an upload that declares 1000 bytes, sends 8 and stalls is closed, and its part file removed', async () => {
    const s = (
      await app.inject({
        method: 'POST',
        url: '/api/visitor/session',
        payload: { tenant: 'demo', page: { url: 'https://shop.example/' } },
      })
    ).json() as VisitorSessionResponse
    const [demo] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    const tmp = path.join(f.dir, 'files', demo!.id, 'tmp')
    const parts = () => (fs.existsSync(tmp) ? fs.readdirSync(tmp).filter((n) => n.endsWith('.part')) : [])
    const c = open()
    c.s.write(
      `POST /api/visitor/files?name=a.png HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.token}\r\n` +
        'Content-Type: image/png\r\nContent-Length: 1000\r\n\r\n',
    )
    c.s.write(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    // The part file exists while the upload is open…
    while (!parts().length) await new Promise((r) => setTimeout(r, 20))
    await c.closed
    // …and is removed once the server gave up on it.
    while (parts().length) await new Promise((r) => setTimeout(r, 20))
    expect(parts()).toEqual([])
  }, 20_000)
})
