/** Issue 6 item 7: a failing query's log line names the query and its SQLSTATE, never its parameters. */
import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { targets } from '../test/dbs.ts'
import { type Fixture, makeFixture } from '../test/fixture.ts'
import { captureLog } from '../test/log-capture.ts'

const SECRET = 'hunter2-param-7f3a'

describe.each(targets)('query error logs on $name', (target) => {
  let f: Fixture
  let app: FastifyInstance
  const log = captureLog()
  const lines = log.lines
  beforeAll(async () => {
    f = await makeFixture(target)
    app = await f.buildAnother({ logLevel: 'info', logStream: log.stream })
    // Two ways a query fails with user input in it: a bad cast (PostgreSQL quotes the value in its
    // message) and a NUL character (the driver keeps the parameters on the error).
    app.get('/boom/cast', async () => f.db.orm.execute(sql`SELECT ${SECRET}::uuid`))
    app.get('/boom/nul', async () => f.db.orm.execute(sql`SELECT ${`${SECRET}\u0000`}::text`))
    await app.ready()
  })
  afterAll(async () => {
    await app.close()
    await f.close()
  })

  it.each([
    ['/boom/cast', '22P02'],
    ['/boom/nul', '22021'],
  ])(
    '%s: 500 E_INTERNAL, logged with SQLSTATE %s and the query text, without the parameter',
    async (url, code) => {
      lines.length = 0
      const r = await app.inject({ url })
      expect(r.statusCode).toBe(500)
      await new Promise((resolve) => setImmediate(resolve))
      const failed = lines.filter((l) => l.includes('unhandled error'))
      expect(failed.length).toBe(1)
      const line = failed[0]!
      expect(line).toContain(code)
      expect(line).toContain('SELECT $1')
      // Where it failed is kept: the stack frames, without the message lines that held the parameters.
      expect(line).toMatch(/\\n {4}at /)
      expect(lines.join('\n')).not.toContain(SECRET)
    },
  )
})
