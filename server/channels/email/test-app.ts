/**
 * The e-mail channel's test app (issue 8 §1): a database with the demo tenant and a second tenant
 * "other" with an e-mail channel of its own, the app with its inbound SMTP server on a free port, and a
 * capturing relay (a real smtp-server) its replies go to. `useEmailApp(target)` registers the set-up
 * and tear-down of a describe block and returns what its tests use.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { and, asc, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import nodemailer, { type SendMailOptions } from 'nodemailer'
import { afterAll, beforeAll } from 'vitest'
import { buildApp } from '../../app.ts'
import { type Db, loadSecrets, schema } from '../../db/index.ts'
import type { Viewer } from '../../domain/chats/index.ts'
import { setStatus } from '../../domain/status/index.ts'
import { createTenant, seedDemo } from '../../domain/tenants/index.ts'
import { Hub } from '../../realtime/hub.ts'
import type { Target, TestDb } from '../../test/dbs.ts'
import { captureRelay } from '../../test/smtp.ts'
import type { EmailOptions } from '../index.ts'

const { channels, chats, employees, messages, tenants } = schema
export const DEMO = 'support@demo.frontline.local'
export const OTHER = 'help@other.example'
/** A 1×1 PNG. */
export const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082',
  'hex',
)

export interface EmailApp {
  db: Db
  app: FastifyInstance
  relay: Awaited<ReturnType<typeof captureRelay>>
  dir: string
  demoId: string
  otherId: string
  op1: Viewer
}

/** Set-up and tear-down for a describe block; the returned object is filled before its tests run. */
export function useEmailApp(target: Target, email: Partial<EmailOptions> = {}) {
  const x = {} as EmailApp
  let t: TestDb | undefined
  let hub: Hub | undefined
  let seq = 0
  beforeAll(async () => {
    t = await target.open()
    const db = t.db
    x.db = db
    await seedDemo(db, { password: 'demo-pass-1' })
    const [tenant] = await db.orm.select().from(tenants).where(eq(tenants.slug, 'demo'))
    x.demoId = tenant!.id
    x.otherId = await createTenant(db.orm, {
      name: 'Other',
      slug: 'other',
      sipDomain: 'other.frontline.local',
      seats: 1,
      features: { softphone: false, omni: true },
    })
    await db.orm
      .insert(channels)
      .values({ tenantId: x.otherId, kind: 'email', name: 'Mail', connected: true, address: OTHER })
    const [e] = await db.orm.select().from(employees).where(eq(employees.login, 'op1@demo'))
    x.op1 = { tenantId: x.demoId, employeeId: e!.id, role: e!.role }
    await setStatus(db, x.demoId, x.op1.employeeId, 'available')
    x.relay = await captureRelay()
    x.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-email-'))
    hub = new Hub(db)
    await hub.start()
    x.app = await buildApp({
      db,
      secrets: await loadSecrets(db.orm, x.dir),
      hub,
      sipWsUrl: 'ws://127.0.0.1:8088',
      sipStatus: () => 'unavailable',
      distDir: path.join(x.dir, 'dist'),
      siteDir: path.join(x.dir, 'site'),
      filesDir: path.join(x.dir, 'files'),
      version: '0.0.0-test',
      logLevel: 'silent',
      jobOptions: { backoffMs: () => 0, pollMs: 50 },
      email: { port: 0, relayUrl: x.relay.url, ...email },
    })
    await x.app.ready()
  })
  afterAll(async () => {
    await hub?.stop()
    await x.app?.close()
    await x.relay?.close()
    await t?.dispose()
    if (x.dir) fs.rmSync(x.dir, { recursive: true, force: true })
  })

  const smtpPort = () => {
    const p = x.app.smtp?.port
    if (!p) throw new Error('the inbound SMTP server is not listening')
    return p
  }
  const client = () =>
    nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort(), secure: false, ignoreTLS: true })
  return {
    x,
    smtpPort,
    client,
    /** A fresh Message-ID. */
    mid: () => `<t${++seq}.${Date.now()}@client.example>`,
    /** A mail to the demo address (unless `to` says otherwise), over SMTP. */
    send: (m: SendMailOptions) => client().sendMail({ to: DEMO, ...m }),
    /** The tenant's chats of a client address, with their messages in order. */
    async chatsOf(tenantId: string, address: string) {
      const rows = await x.db.orm
        .select()
        .from(chats)
        .where(and(eq(chats.tenantId, tenantId), eq(chats.clientAddress, address)))
      return Promise.all(
        rows.map(async (c) => ({
          chat: c,
          messages: await x.db.orm
            .select()
            .from(messages)
            .where(and(eq(messages.tenantId, tenantId), eq(messages.chatId, c.id)))
            .orderBy(asc(messages.n)),
        })),
      )
    },
  }
}
