/** An app over a fresh test database: the demo tenant plus a second tenant "other" to prove isolation. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { LoginResponse } from '../../contract/api.ts'
import { buildApp } from '../app.ts'
import type { VisitorLimits } from '../channels/index.ts'
import { type Db, loadSecrets, type Secrets } from '../db/index.ts'
import type { LoginLimits } from '../domain/auth/index.ts'
import { createEmployee, createGroup, createTenant, seedDemo } from '../domain/tenants/index.ts'
import { Hub } from '../realtime/hub.ts'
import type { Target } from './dbs.ts'

export const PASSWORD = 'demo-pass-1'

export interface Fixture {
  app: FastifyInstance
  db: Db
  hub: Hub
  /** The app's secrets (kept in `dir`/secrets.json). */
  secrets: Secrets
  otherTenantId: string
  otherClientId: string
  otherEmployeeId: string
  dir: string
  login(login: string, password?: string): Promise<LoginResponse>
  /**
   * Signs in with a password an admin issued (one-time: no SIP line, only the set-password step —
   * probe 13 UI #13), chooses `${issued}-own` as his own, and answers the sign-in with it.
   */
  loginIssued(login: string, issued: string): Promise<LoginResponse>
  /**
   * Another app over the fixture's database, built with the fixture's deps and `overrides` (a second
   * instance, a restarted server, a different log). Not yet ready: add routes, then `ready()` or
   * `listen()`; the caller closes it (and any hub it passed).
   */
  buildAnother(overrides?: Partial<AppOptions>): Promise<FastifyInstance>
  close(): Promise<void>
}

type AppOptions = Parameters<typeof buildApp>[0]

/** Builds the fixture; `opts.dist` writes a tiny built PWA so static serving can be tested. */
export async function makeFixture(
  target: Target,
  opts: {
    dist?: boolean
    loginLimits?: Partial<LoginLimits>
    recordingMaxBytes?: number
    visitorLimits?: Partial<VisitorLimits>
    /** Web Push options (the push-service stand-in: allowPrivate and its certificate). */
    push?: AppOptions['push']
    jobOptions?: AppOptions['jobOptions']
  } = {},
): Promise<Fixture> {
  const t = await target.open()
  const db = t.db
  await seedDemo(db, { password: PASSWORD })
  const otherTenantId = await createTenant(db.orm, {
    name: 'Other',
    slug: 'other',
    sipDomain: 'other.frontline.local',
    seats: 1,
    // Its chats are the isolation matrices' other side: the chat API needs the option (A5).
    features: { softphone: false, omni: true },
  })
  const otherEmployeeId = await createEmployee(db.orm, otherTenantId, {
    login: 'op1@other',
    password: PASSWORD,
    name: 'Чужой Оператор',
    role: 'admin',
    extension: '101',
  })
  await createEmployee(db.orm, otherTenantId, {
    login: 'op2@other',
    password: PASSWORD,
    name: 'Второй Чужой',
    role: 'operator',
    extension: '102',
  })
  await createGroup(db.orm, otherTenantId, {
    name: 'Other group',
    extension: '200',
    strategy: 'parallel',
    memberIds: [otherEmployeeId],
  })
  const { schema } = await import('../db/index.ts')
  const [c] = await db.orm
    .insert(schema.contacts)
    .values({
      tenantId: otherTenantId,
      name: 'Александр Петров-Чужой',
      phones: ['+79160000000'],
      emails: ['petrov@mail.ru'],
    })
    .returning({ id: schema.contacts.id })
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-app-'))
  if (opts.dist) {
    fs.mkdirSync(path.join(dir, 'dist', 'assets'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'dist', 'index.html'), '<!doctype html><title>Frontline</title>')
    fs.writeFileSync(path.join(dir, 'dist', 'sw.js'), 'self.addEventListener("install", () => {})')
    fs.writeFileSync(path.join(dir, 'dist', 'assets', 'index-abc123.js'), 'console.log(1)')
    fs.mkdirSync(path.join(dir, 'site'))
    fs.writeFileSync(path.join(dir, 'site', 'index.html'), '<!doctype html><title>Demo site</title>')
  }
  const hub = new Hub(db)
  await hub.start()
  const secrets = await loadSecrets(db.orm, dir)
  const deps: AppOptions = {
    db,
    secrets,
    loginLimits: opts.loginLimits,
    hub,
    sipWsUrl: 'ws://127.0.0.1:8088',
    sipStatus: () => 'unavailable',
    distDir: path.join(dir, 'dist'),
    siteDir: path.join(dir, 'site'),
    filesDir: path.join(dir, 'files'),
    ...(opts.recordingMaxBytes ? { recordingMaxBytes: opts.recordingMaxBytes } : {}),
    ...(opts.visitorLimits ? { visitorLimits: opts.visitorLimits } : {}),
    ...(opts.push ? { push: opts.push } : {}),
    ...(opts.jobOptions ? { jobOptions: opts.jobOptions } : {}),
    version: '0.0.0-test',
    logLevel: 'silent',
  }
  const app = await buildApp(deps)
  await app.ready()
  const signIn = async (login: string, password = PASSWORD): Promise<LoginResponse> => {
    const r = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login, password } })
    if (r.statusCode !== 200) throw new Error(`login ${login}: ${r.statusCode} ${r.body}`)
    return r.json() as LoginResponse
  }
  return {
    app,
    db,
    hub,
    secrets,
    otherTenantId,
    otherClientId: c!.id,
    otherEmployeeId,
    dir,
    login: signIn,
    async loginIssued(login, issued) {
      const first = await signIn(login, issued)
      if (!first.me.mustChangePassword) return first
      const own = await app.inject({
        method: 'PUT',
        url: '/api/me/password',
        headers: { authorization: `Bearer ${first.token}` },
        payload: { current: issued, next: `${issued}-own` },
      })
      if (own.statusCode !== 200) throw new Error(`own password ${login}: ${own.statusCode} ${own.body}`)
      return signIn(login, `${issued}-own`)
    },
    buildAnother: (overrides = {}) => buildApp({ ...deps, ...overrides }),
    async close() {
      await hub.stop()
      await app.close()
      await t.dispose()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Authorization header for a token. */
export const auth = (token: string) => ({ authorization: `Bearer ${token}` })
