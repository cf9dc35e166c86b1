/**
 * The login throttle (issue 6 item 3): attempts are counted in the database before the password is
 * hashed, per login+address and per login across addresses, shared by every instance on the database.
 */
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGIN_LIMITS, passwordVerifications } from '../domain/auth/index.ts'
import { targets } from '../test/dbs.ts'
import { type Fixture, makeFixture, PASSWORD } from '../test/fixture.ts'

const login = (app: FastifyInstance, login: string, password: string, remoteAddress = '127.0.0.1') =>
  app.inject({ method: 'POST', url: '/api/auth/login', payload: { login, password }, remoteAddress })

/** 200 guesses at once, the right password at position 41, spread over `apps` in turn. */
async function burst(apps: FastifyInstance[], who: string) {
  const before = passwordVerifications()
  const replies = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      login(apps[i % apps.length]!, who, i === 40 ? PASSWORD : `wrong-${i}`),
    ),
  )
  const codes = replies.map((r) => r.statusCode)
  return {
    checks: passwordVerifications() - before,
    right: replies[40]!,
    refused: codes.filter((c) => c === 429).length,
    wrong: codes.filter((c) => c === 401).length,
  }
}

describe.each(targets)('login throttle on $name', (target) => {
  let f: Fixture
  let second: FastifyInstance
  beforeAll(async () => {
    f = await makeFixture(target)
    // A second instance: its own app and throttle object, the same database.
    second = await f.buildAnother()
    await second.ready()
  })
  afterAll(async () => {
    await second.close()
    await f.close()
  })

  it('200 parallel guesses: exactly the limit reach scrypt, and the right password at guess 41 is refused', async () => {
    const r = await burst([f.app], 'op1@demo')
    expect(r.checks).toBe(LOGIN_LIMITS.perAddress)
    expect(r.wrong).toBe(LOGIN_LIMITS.perAddress)
    expect(r.refused).toBe(200 - LOGIN_LIMITS.perAddress)
    expect(r.right.statusCode).toBe(429)
    expect(r.right.json().error.code).toBe('E_RATE_LIMITED')
    // Other logins are not affected.
    expect((await login(f.app, 'op2@demo', PASSWORD)).statusCode).toBe(200)
  })

  it('two instances on one database share the count: still exactly the limit in total', async () => {
    const r = await burst([f.app, second], 'op3@demo')
    expect(r.checks).toBe(LOGIN_LIMITS.perAddress)
    expect(r.right.statusCode).toBe(429)
  })

  it('per account across addresses: a guess from each of 40 addresses, only perAccount reach scrypt', async () => {
    const before = passwordVerifications()
    const codes: number[] = []
    for (let i = 0; i < 40; i++)
      codes.push((await login(f.app, 'op4@demo', 'wrong', `10.0.0.${i + 1}`)).statusCode)
    expect(passwordVerifications() - before).toBe(LOGIN_LIMITS.perAccount)
    expect(codes.filter((c) => c === 401).length).toBe(LOGIN_LIMITS.perAccount)
    expect((await login(f.app, 'op4@demo', PASSWORD, '10.0.1.1')).statusCode).toBe(429)
  })

  it('a successful login gives back only its own attempt: the guesses before it still count', async () => {
    const n = LOGIN_LIMITS.perAddress
    for (let i = 0; i < n - 1; i++) expect((await login(f.app, 'op5@demo', 'wrong')).statusCode).toBe(401)
    // The owner logs in between the guesses; that must not reset the counter.
    expect((await login(f.app, 'op5@demo', PASSWORD)).statusCode).toBe(200)
    expect((await login(f.app, 'op5@demo', 'wrong')).statusCode).toBe(401)
    expect((await login(f.app, 'op5@demo', PASSWORD)).statusCode).toBe(429)
  })

  it('an unknown login is counted like a known one (no enumeration through the throttle)', async () => {
    const codes: number[] = []
    for (let i = 0; i <= LOGIN_LIMITS.perAddress; i++)
      codes.push((await login(f.app, 'nobody@demo', 'wrong')).statusCode)
    expect(codes.at(-1)).toBe(429)
    expect(codes.filter((c) => c === 401).length).toBe(LOGIN_LIMITS.perAddress)
  })
})
