/**
 * Two tenants with real data of every kind (employees, groups, clients, calls, a missed call, a
 * recording, sessions), for the tenant-isolation matrix and the fuzz suite. The demo tenant ("A")
 * and the fixture's second tenant "other" ("B") get the same kinds of rows, so either one's ids can
 * be aimed at the other's token.
 */
import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { schema } from '../db/index.ts'
import { connectChannel } from '../domain/channels/index.ts'
import {
  acceptChat,
  addClientMessage,
  createPersonalTemplate,
  createSharedTemplate,
  openClientChat,
  setWebchat,
} from '../domain/chats/index.ts'
import { setStatus } from '../domain/status/index.ts'
import { createEmployee } from '../domain/tenants/index.ts'
import type { Target } from './dbs.ts'
import { auth, type Fixture, makeFixture } from './fixture.ts'
import { seedLeads } from './seed-leads.ts'
import { type LifecycleIds, seedLifecycle } from './two-tenants-lifecycle.ts'

/** A WebM header (EBML magic) with some bytes: what the recording upload accepts. */
export const WEBM = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(512, 7)])

/** A website visitor of `slug` with a chat holding a text and an image (the widget's API). */
async function seedVisitor(f: Fixture, slug: string, tenantId: string) {
  // "other" has no website chat in the fixture: connect it (demo's comes with the seed).
  const [web] = await f.db.orm
    .select()
    .from(schema.channels)
    .where(and(eq(schema.channels.tenantId, tenantId), eq(schema.channels.kind, 'webchat')))
  if (!web)
    await f.db.orm
      .insert(schema.channels)
      .values({ tenantId, kind: 'webchat', name: 'Site chat', connected: true })
  const s = await f.app.inject({
    method: 'POST',
    url: '/api/visitor/session',
    payload: { tenant: slug, page: { url: `https://${slug}.example/?utm_source=isolation`, referrer: null } },
  })
  if (s.statusCode !== 200) throw new Error(`visitor session for ${slug}: ${s.statusCode} ${s.body}`)
  const { token, visitorId } = s.json() as { token: string; visitorId: string }
  const up = await f.app.inject({
    method: 'POST',
    url: '/api/visitor/files?name=photo.png',
    headers: { ...auth(token), 'content-type': 'image/png' },
    payload: Buffer.concat([PNG, Buffer.from(slug)]),
  })
  if (up.statusCode !== 200) throw new Error(`visitor upload for ${slug}: ${up.statusCode} ${up.body}`)
  const fileId = (up.json() as { file: { id: string } }).file.id
  let chatId = ''
  for (const payload of [
    { clientMsgId: randomUUID(), text: `hello from ${slug}` },
    { clientMsgId: randomUUID(), text: '', fileId },
  ]) {
    const m = await f.app.inject({
      method: 'POST',
      url: '/api/visitor/messages',
      headers: auth(token),
      payload,
    })
    if (m.statusCode !== 200) throw new Error(`visitor message for ${slug}: ${m.statusCode} ${m.body}`)
    chatId = (m.json() as { chat: { id: string } }).chat.id
  }
  return { token, visitorId, fileId, chatId }
}

/** Ids of one tenant's rows, by kind (the kinds a route parameter can name). */
export interface TenantIds extends LifecycleIds {
  tenant: string[]
  employee: string[]
  group: string[]
  client: string[]
  call: string[]
  missedCall: string[]
  recordedCall: string[]
  session: string[]
  sipCallId: string[]
  /** The website visitor's chat, the file he sent in it, and his visitor id (issue 7 §2). */
  visitorChat: string[]
  visitorFile: string[]
  visitor: string[]
  /** Chats (issue 7): the first of each kind is what a route's positive control uses. */
  chat: string[]
  /** A New chat (accept, open). */
  newChat: string[]
  /** Chats the admin has in work (messages, files, read). */
  activeChat: string[]
  /** A chat the admin has in work, for completing. */
  completableChat: string[]
  file: string[]
  /** The admin's personal template. */
  personalTemplate: string[]
  sharedTemplate: string[]
  /** A lead (T11); a Telegram chat the admin has in work and a message he scheduled there (T12). */
  lead: string[]
  scheduledChat: string[]
  scheduled: string[]
  /** A connected WhatsApp channel (A5; write first, T10). */
  channel: string[]
  /** Issue 13 §2: a group no virtual number rings (edit, delete) and a virtual number. */
  spareGroup: string[]
  virtualNumber: string[]
  /** Issue 13: an operator no test token belongs to (deactivated and re-activated by the matrix). */
  spareEmployee: string[]
}

export interface SeededTenant {
  slug: string
  tenantId: string
  /** An admin's and an operator's live tokens. */
  admin: string
  operator: string
  /** A website visitor's token (he has a chat with a message and a file). */
  visitor: string
  ids: TenantIds
  /** Strings that identify this tenant's data (ids, names, logins, numbers): none may reach the other. */
  secrets: string[]
}

export interface TwoTenants {
  f: Fixture
  a: SeededTenant
  b: SeededTenant
  close(): Promise<void>
}

async function seedCalls(f: Fixture, tenantId: string, callerId: string, tag: string) {
  const now = Date.now()
  const rows = await f.db.orm
    .insert(schema.calls)
    .values([
      {
        tenantId,
        sipCallId: `answered-${tag}@isolation`,
        direction: 'internal',
        state: 'ended',
        callerUser: tag,
        callerEmployeeId: callerId,
        answeredById: callerId,
        // It rang them, so they may report declining it (C10, POST /api/calls/declined/:sipCallId).
        offeredIds: [callerId],
        fromNumber: '101',
        toNumber: '102',
        peerNumber: '102',
        startedAt: new Date(now - 60_000),
        answeredAt: new Date(now - 50_000),
        endedAt: new Date(now - 10_000),
        durationSec: 40,
      },
      {
        tenantId,
        sipCallId: `missed-${tag}@isolation`,
        direction: 'in',
        state: 'failed',
        callerUser: `guest-${tag}`,
        fromNumber: `+7999${tag === 'demo' ? '1110000' : '2220000'}`,
        toNumber: '+70000000000',
        peerNumber: `+7999${tag === 'demo' ? '1110000' : '2220000'}`,
        startedAt: new Date(now - 30_000),
        endedAt: new Date(now - 20_000),
        failureCode: 487,
        failureReason: 'Request Terminated',
        missed: true,
      },
    ])
    .returning({ id: schema.calls.id, sipCallId: schema.calls.sipCallId, missed: schema.calls.missed })
  return rows
}

/** A PNG header with some bytes: what the chat uploads accept as `x.png`. */
export const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 3),
])

/** Chats, a file and templates of a tenant, made through the domain like the widget and the app do. */
async function seedChats(
  f: Fixture,
  tenantId: string,
  adminId: string,
  adminToken: string,
  groupIds: string[],
  tag: string,
) {
  const { orm } = f.db
  const admin = { tenantId, employeeId: adminId, role: 'admin' as const }
  await setWebchat(orm, admin, { connected: true, groupIds })
  await setStatus(f.db, tenantId, adminId, 'available')
  const chats: string[] = []
  for (let i = 0; i < 4; i++) {
    const visitorId = randomUUID()
    const c = await openClientChat(orm, tenantId, {
      channel: 'webchat',
      visitorId,
      clientName: `Посетитель-${tag}-${i}`,
      clientEmail: `visitor${i}@${tag}-site.example`,
    })
    await addClientMessage(orm, tenantId, {
      chatId: c.id,
      clientMsgId: randomUUID(),
      text: `вопрос ${tag}`,
      visitorId,
    })
    chats.push(c.id)
  }
  const [fresh, active, completable, spare] = chats as [string, string, string, string]
  for (const id of [active, completable]) await acceptChat(orm, admin, id)
  // The admin uploads it through the API, like the app.
  const up = await f.app.inject({
    method: 'POST',
    url: `/api/files?name=${encodeURIComponent(`прайс-${tag}.png`)}`,
    headers: { ...auth(adminToken), 'content-type': 'image/png' },
    payload: Buffer.concat([PNG, Buffer.from(tag)]),
  })
  if (up.statusCode !== 201) throw new Error(`file upload for ${tag}: ${up.statusCode} ${up.body}`)
  const file = up.json() as { id: string }
  const personal = await createPersonalTemplate(orm, admin, { name: `Мой шаблон ${tag}`, text: 'Текст' })
  const shared = await createSharedTemplate(orm, admin, {
    name: `Общий шаблон ${tag}`,
    text: 'Текст',
    attachmentIds: [file.id],
  })
  return {
    chat: [spare, fresh, active, completable],
    newChat: [fresh],
    activeChat: [active],
    completableChat: [completable],
    file: [file.id],
    personalTemplate: [personal.id],
    sharedTemplate: [shared.id],
  }
}

/** Operators no token of the matrix belongs to (issue 13: deactivated and re-activated there). */
const SPARE_LOGINS = ['op6@demo', 'op3@other']

async function collect(f: Fixture, slug: string, admin: string, operator: string): Promise<SeededTenant> {
  const { orm } = f.db
  const [t] = await orm.select().from(schema.tenants).where(eq(schema.tenants.slug, slug))
  if (!t) throw new Error(`no tenant ${slug}`)
  const tenantId = t.id
  const visitor = await seedVisitor(f, slug, tenantId)
  const emps = await orm.select().from(schema.employees).where(eq(schema.employees.tenantId, tenantId))
  const caller = emps.find((e) => e.role === 'admin') ?? emps[0]
  if (!caller) throw new Error(`tenant ${slug} has no employee`)
  const calls = await seedCalls(f, tenantId, caller.id, slug)
  const answered = calls.find((c) => !c.missed)
  if (!answered) throw new Error('seedCalls: no answered call')
  // The admin was the caller: the upload goes through the API like the app's.
  const up = await f.app.inject({
    method: 'PUT',
    url: `/api/calls/recording/${encodeURIComponent(answered.sipCallId)}`,
    headers: { ...auth(admin), 'content-type': 'audio/webm' },
    payload: Buffer.concat([WEBM, Buffer.from(slug)]),
  })
  if (up.statusCode !== 200) throw new Error(`recording upload for ${slug}: ${up.statusCode} ${up.body}`)
  const groups = await orm.select().from(schema.groups).where(eq(schema.groups.tenantId, tenantId))
  const clients = await orm.select().from(schema.contacts).where(eq(schema.contacts.tenantId, tenantId))
  const sessions = await orm.select().from(schema.sessions).where(eq(schema.sessions.tenantId, tenantId))
  const chatIds = await seedChats(
    f,
    tenantId,
    caller.id,
    admin,
    groups.map((g) => g.id),
    slug,
  )
  const lifecycle = await seedLifecycle(f, tenantId, caller.id, slug)
  const chatRows = await orm.select().from(schema.chats).where(eq(schema.chats.tenantId, tenantId))
  const channel = await connectChannel(orm, tenantId, {
    kind: 'whatsapp',
    name: `WhatsApp ${slug}`,
    address: slug === 'demo' ? '+74951110001' : '+74951110002',
    config: {
      phoneNumberId: slug === 'demo' ? '1110001' : '1110002',
      accessToken: `wa-token-${slug}`,
      appSecret: `wa-app-${slug}`,
    },
  })
  const [spare] = await orm
    .insert(schema.groups)
    .values({
      tenantId,
      name: `Spare ${slug}`,
      extension: slug === 'demo' ? '7801' : '7802',
      strategy: 'parallel',
    })
    .returning({ id: schema.groups.id })
  const [vn] = await orm
    .insert(schema.virtualNumbers)
    .values({
      tenantId,
      number: slug === 'demo' ? '+74951119001' : '+74951119002',
      groupId: groups[0]?.id ?? null,
    })
    .returning({ id: schema.virtualNumbers.id })
  const ids: TenantIds = {
    tenant: [tenantId],
    employee: emps.map((e) => e.id),
    group: groups.map((g) => g.id),
    client: clients.map((c) => c.id),
    call: calls.map((c) => c.id),
    missedCall: calls.filter((c) => c.missed).map((c) => c.id),
    recordedCall: [answered.id],
    session: sessions.map((s) => s.id),
    sipCallId: calls.map((c) => c.sipCallId),
    visitorChat: [visitor.chatId],
    visitorFile: [visitor.fileId],
    visitor: [visitor.visitorId],
    ...chatIds,
    ...(await seedLeads(f, tenantId, caller.id, slug)),
    ...lifecycle,
    // The WhatsApp channel (write first) and the lifecycle's Telegram channel (auto-complete).
    channel: [channel.channel.id, ...lifecycle.channel],
    spareGroup: spare ? [spare.id] : [],
    virtualNumber: vn ? [vn.id] : [],
    spareEmployee: emps.filter((e) => SPARE_LOGINS.includes(e.login)).map((e) => e.id),
  }
  const secrets = [
    ...Object.values(ids).flat(),
    t.name,
    t.sipDomain,
    ...emps.flatMap((e) => [e.login, e.name]),
    ...groups.map((g) => g.name),
    ...clients.flatMap((c) => [c.name, ...c.phones, ...c.emails]),
    ...chatRows.flatMap((c) => [c.clientName ?? '', c.clientEmail ?? '']),
    `прайс-${slug}.png`,
    `Мой шаблон ${slug}`,
    `Общий шаблон ${slug}`,
    `WhatsApp ${slug}`,
    channel.secret,
    channel.webhookKey,
    `wa-token-${slug}`,
  ]
  return { slug, tenantId, admin, operator, visitor: visitor.token, ids, secrets }
}

/**
 * The fixture (demo + other) with calls, a missed call and a recording in both tenants, and live
 * admin and operator sessions in both. "other" gets seats for two so both of its sessions can exist.
 */
export async function makeTwoTenants(target: Target, opts: { dist?: boolean } = {}): Promise<TwoTenants> {
  // The matrix and the fuzzer send thousands of visitor requests from a few addresses: limits off.
  const f = await makeFixture(target, {
    ...opts,
    visitorLimits: { perToken: 1e9, perAddress: 1e9, sessionsPerAddress: 1e9 },
  })
  await f.db.orm.update(schema.tenants).set({ seats: 5 }).where(eq(schema.tenants.slug, 'other'))
  const [other] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'other'))
  await createEmployee(f.db.orm, other?.id as string, {
    login: 'op3@other',
    password: 'spare-password-1',
    name: 'Запасной Чужой',
    role: 'operator',
    extension: '103',
  })
  const aAdmin = (await f.login('admin@demo')).token
  const aOp = (await f.login('op1@demo')).token
  const bAdmin = (await f.login('op1@other')).token
  const bOp = (await f.login('op2@other')).token
  const a = await collect(f, 'demo', aAdmin, aOp)
  const b = await collect(f, 'other', bAdmin, bOp)
  // A string found inside the other tenant's own data (a shared word, "Петров" in "Петров-Чужой")
  // identifies neither.
  const own = (x: string, other: string[]) => x.length >= 6 && !other.some((o) => o.includes(x))
  const aSecrets = [...new Set(a.secrets.filter((s) => own(s, b.secrets)))]
  b.secrets = [...new Set(b.secrets.filter((s) => own(s, a.secrets)))]
  a.secrets = aSecrets
  return { f, a, b, close: () => f.close() }
}
