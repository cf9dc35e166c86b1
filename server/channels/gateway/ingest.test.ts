/**
 * The gateway's inbound queue (issue 8 ingest budget): what a webhook queued is stored once, in each
 * chat's order of arrival, even when a worker dies mid-batch, a row is malformed, or the batch mixes
 * tenants. The app's own worker is stopped: each test runs batches itself.
 */
import { randomUUID } from 'node:crypto'
import { and, asc, eq, sql } from 'drizzle-orm'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MESSAGE_MAX_CHARS } from '../../../contract/chats.ts'
import { type Db, type Queryable, queryRows, schema } from '../../db/index.ts'
import { receiveInbound, receiveInboundBatch } from '../../domain/chats/index.ts'
import { connectTestChannel, type TestChannel } from '../../test/channels.ts'
import { targets } from '../../test/dbs.ts'
import { type Fixture, makeFixture } from '../../test/fixture.ts'
import {
  claimMedia,
  createInboundQueue,
  enqueueInbound,
  enqueueRows,
  type InboundQueue,
  type QueuedMessage,
} from './ingest.ts'

const { chats, messages, events, files } = schema

/** The database with every statement its transactions issue counted (a savepoint and its release: 2). */
function counting(db: Db) {
  const n = { statements: 0 }
  const wrap = <T extends object>(q: T): T =>
    new Proxy(q, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver)
        if (typeof v !== 'function') return v
        if (prop === 'transaction')
          return (cb: (tx: Queryable) => Promise<unknown>) => {
            n.statements += 2
            return v.call(target, (tx: Queryable) => cb(wrap(tx)))
          }
        if (['execute', 'select', 'insert', 'update', 'delete'].includes(String(prop))) n.statements++
        return v.bind(target)
      },
    })
  return { db: { ...db, orm: wrap(db.orm) } as Db, n }
}

describe.each(targets)('gateway inbound queue on $name', (target) => {
  let f: Fixture
  let tenantId: string
  let wa: TestChannel
  let otherWa: TestChannel
  let worker: InboundQueue

  beforeAll(async () => {
    f = await makeFixture(target)
    await f.app.ingest.stop()
    const [t] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    tenantId = t!.id
    wa = await connectTestChannel(f.db.orm, tenantId, 'whatsapp', { phoneNumberId: '1' })
    otherWa = await connectTestChannel(f.db.orm, f.otherTenantId, 'whatsapp', { phoneNumberId: '2' })
    worker = createInboundQueue(f.db)
  }, 60_000)
  afterAll(async () => {
    await f?.close()
  })

  const msg = (address: string, text: string, channel = wa): QueuedMessage => ({
    channelId: channel.id,
    clientAddress: address,
    providerMsgId: `wamid.${randomUUID()}`,
    text,
  })
  const chatTexts = async (channel: TestChannel, address: string) => {
    const [chat] = await f.db.orm
      .select()
      .from(chats)
      .where(and(eq(chats.channelId, channel.id), eq(chats.clientAddress, address)))
    if (!chat) return { chat: null, texts: [] as string[] }
    const ms = await f.db.orm.select().from(messages).where(eq(messages.chatId, chat.id)).orderBy(messages.n)
    return { chat, texts: ms.map((m) => m.text), ns: ms.map((m) => m.n) }
  }
  const rowState = async (providerMsgId: string) =>
    (
      await queryRows<{ state: string; fail_reason: string | null }>(
        f.db.orm,
        sql`SELECT state, fail_reason FROM inbound WHERE provider_msg_id = ${providerMsgId}`,
      )
    )[0]
  const addr = () => `7900${Math.floor(Math.random() * 1e7)}`

  it('one statement queues rows of many webhooks in their order, every field kept, a repeat within it once', async () => {
    const a = addr()
    const first = { ...msg(a, 'один'), clientName: 'Ann "O\'Neil", {x}', clientPhone: '+79000000001' }
    const rows = [
      { tenantId, m: first },
      {
        tenantId,
        m: { ...msg(a, 'два'), requestInfo: { listing: 'https://www.avito.ru/1', page: null } as never },
      },
      { tenantId, m: { ...first, text: 'repeat' } },
      { tenantId, m: msg(a, 'три\n\\ , "') },
    ]
    const created = await enqueueRows(f.db.orm, rows)
    expect(created.size).toBe(3)
    expect(created.has(`${wa.id}\u0000${first.providerMsgId}`)).toBe(true)
    await worker.drain()
    const { chat, texts } = await chatTexts(wa, a)
    expect(texts).toEqual(['один', 'два', 'три\n\\ , "'])
    expect(chat?.clientName).toBe('Ann "O\'Neil", {x}')
    expect(chat?.clientPhone).toBe('+79000000001')
    const [row] = await queryRows<{ request_info: unknown }>(
      f.db.orm,
      sql`SELECT request_info FROM inbound WHERE provider_msg_id = ${rows[1]!.m.providerMsgId}`,
    )
    expect(row?.request_info).toEqual({ listing: 'https://www.avito.ru/1', page: null })
    // Queued again: nothing new.
    expect((await enqueueRows(f.db.orm, rows)).size).toBe(0)
  })

  it('a worker that dies mid-batch leaves nothing half-done: its rows are stored by the next batch, once', async () => {
    const a = addr()
    const ms = [msg(a, 'one'), msg(a, 'two'), msg(a, 'three')]
    expect(await enqueueInbound(f.db.orm, tenantId, ms)).toBe(3)
    const dying = createInboundQueue(f.db, {
      afterStore: async () => {
        throw new Error('process killed')
      },
    })
    await expect(dying.runBatch()).rejects.toThrow('process killed')
    expect((await chatTexts(wa, a)).texts).toEqual([])
    expect((await rowState(ms[0]!.providerMsgId))?.state).toBe('pending')
    await worker.drain()
    expect((await chatTexts(wa, a)).texts).toEqual(['one', 'two', 'three'])
    for (const m of ms) expect((await rowState(m.providerMsgId))?.state).toBe('stored')
  })

  // A real crash needs a second connection to kill: PostgreSQL only (PGlite has one, in this process).
  if (target.name === 'postgres')
    it('a worker process killed holding a batch (its connection gone) does not keep it: another stores it', async () => {
      const a = addr()
      const ms = [msg(a, 'k1'), msg(a, 'k2')]
      await enqueueInbound(f.db.orm, tenantId, ms)
      const [{ db: name } = { db: '' }] = await queryRows<{ db: string }>(
        f.db.orm,
        sql`SELECT current_database() AS db`,
      )
      const url = new URL(process.env.TEST_DATABASE_URL as string)
      url.pathname = `/${name}`
      const dead = new pg.Client({ connectionString: url.toString() })
      await dead.connect()
      dead.on('error', () => undefined)
      await dead.query('BEGIN')
      await dead.query(`SELECT pg_advisory_xact_lock(hashtext('frontline:inbound'))`)
      const held = await dead.query(`SELECT id FROM inbound WHERE state = 'pending' FOR UPDATE`)
      expect(held.rowCount).toBeGreaterThanOrEqual(2)
      const [{ pid } = { pid: 0 }] = (await dead.query('SELECT pg_backend_pid() AS pid')).rows
      const waiting = worker.runBatch() // blocks behind the dead worker's batch
      await f.db.orm.execute(sql`SELECT pg_terminate_backend(${pid})`)
      await waiting
      await worker.drain()
      await dead.end().catch(() => undefined)
      expect((await chatTexts(wa, a)).texts).toEqual(['k1', 'k2'])
    })

  it('a media message whose webhook died fetching is stored with its note once the lease runs out', async () => {
    const a = addr()
    const m = { ...msg(a, 'photo [not fetched]') }
    expect(await claimMedia(f.db.orm, tenantId, m, 60_000)).not.toBeNull()
    // A repeat of the provider's call finds the claim: no second fetch, no second row.
    expect(await claimMedia(f.db.orm, tenantId, m, 60_000)).toBeNull()
    await worker.drain()
    expect((await chatTexts(wa, a)).texts).toEqual([]) // still under its webhook's lease
    await f.db.orm.execute(
      sql`UPDATE inbound SET lease_until = now() - interval '1 second' WHERE provider_msg_id = ${m.providerMsgId}`,
    )
    await worker.drain()
    expect((await chatTexts(wa, a)).texts).toEqual(['photo [not fetched]'])
  })

  it('a provider id repeated across batches is stored once (also after its queue row was purged)', async () => {
    const a = addr()
    const m = msg(a, 'hello')
    expect(await enqueueInbound(f.db.orm, tenantId, [m])).toBe(1)
    await worker.drain()
    expect(await enqueueInbound(f.db.orm, tenantId, [m, msg(a, 'next')])).toBe(1)
    await worker.drain()
    await f.db.orm.execute(sql`DELETE FROM inbound WHERE provider_msg_id = ${m.providerMsgId}`)
    expect(await enqueueInbound(f.db.orm, tenantId, [m])).toBe(1)
    await worker.drain()
    expect((await rowState(m.providerMsgId))?.state).toBe('duplicate')
    expect((await chatTexts(wa, a)).texts).toEqual(['hello', 'next'])
  })

  it('each chat keeps its order of arrival within a batch and across batches', async () => {
    const [a, b] = [addr(), addr()]
    const small = createInboundQueue(f.db, { batch: 3 })
    const order: [string, string][] = []
    for (let i = 1; i <= 7; i++) {
      order.push([a, `a${i}`])
      if (i % 2) order.push([b, `b${i}`])
    }
    // One webhook each, interleaved; the batches of 3 split both chats' messages.
    for (const [to, text] of order) await enqueueInbound(f.db.orm, tenantId, [msg(to, text)])
    let batches = 0
    while ((await small.runBatch()) > 0) batches++
    expect(batches).toBeGreaterThan(2)
    const A = await chatTexts(wa, a)
    expect(A.texts).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'])
    expect(A.ns).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect((await chatTexts(wa, b)).texts).toEqual(['b1', 'b3', 'b5', 'b7'])
    // The operators' feed says the same: chat A's events in seq order carry n = 1 … 7, the last one
    // of each batch carrying the chat with its count so far.
    const evs = await f.db.orm
      .select()
      .from(events)
      .where(
        and(
          eq(events.tenantId, tenantId),
          eq(events.type, 'chat.message'),
          sql`${events.payload}->'message'->>'chatId' = ${A.chat!.id}`,
        ),
      )
      .orderBy(asc(events.seq))
    expect(evs.map((e) => (e.payload as { message: { text: string } }).message.text)).toEqual(A.texts)
    expect(A.chat).toMatchObject({ messageCount: 7, state: 'new' })
  })

  it('a malformed row does not hold the batch back: it fails with its reason, the others are stored', async () => {
    const a = addr()
    const good1 = msg(a, 'before')
    const tooLong = msg(a, 'x'.repeat(MESSAGE_MAX_CHARS + 1))
    const noFile = { ...msg(a, ''), fileId: randomUUID() }
    const good2 = msg(a, 'after')
    await enqueueInbound(f.db.orm, tenantId, [good1, tooLong, noFile, good2])
    await worker.drain()
    expect((await chatTexts(wa, a)).texts).toEqual(['before', 'after'])
    expect(await rowState(tooLong.providerMsgId)).toEqual({
      state: 'failed',
      fail_reason: 'E_VALIDATION: text too long',
    })
    expect(await rowState(noFile.providerMsgId)).toEqual({
      state: 'failed',
      fail_reason: 'E_VALIDATION: fileId',
    })
  })

  it('a message queued (answered 200) before its channel was disconnected is still stored (probe 15 F2)', async () => {
    const gone = await connectTestChannel(f.db.orm, tenantId, 'whatsapp', { phoneNumberId: '3' })
    const m = msg(addr(), 'late', gone)
    await enqueueInbound(f.db.orm, tenantId, [m])
    await f.db.orm.update(schema.channels).set({ connected: false }).where(eq(schema.channels.id, gone.id))
    await worker.drain()
    expect(await rowState(m.providerMsgId)).toMatchObject({ state: 'stored' })
    // The careful path (a batch stored message by message) keeps it too.
    const alone = msg(addr(), 'late too', gone)
    const r = await receiveInbound(f.db.orm, tenantId, alone, true)
    expect(r.created).toBe(true)
    await expect(receiveInbound(f.db.orm, tenantId, msg(addr(), 'new', gone))).rejects.toMatchObject({
      code: 'E_CHANNEL_OFF',
    })
  })

  it("one batch of two tenants: each message in its own tenant's chat and feed; another tenant's file or channel is refused", async () => {
    const [a, b] = [addr(), addr()]
    const [demoFile] = await f.db.orm
      .insert(files)
      .values({ tenantId, sha256: 'a'.repeat(64), name: 'x.png', type: 'image/png', size: 1 })
      .returning()
    const mine = msg(a, 'demo')
    const theirs = msg(b, 'other', otherWa)
    const stolen = { ...msg(b, 'steal', otherWa), fileId: demoFile!.id }
    await enqueueInbound(f.db.orm, tenantId, [mine])
    await enqueueInbound(f.db.orm, f.otherTenantId, [theirs, stolen])
    // A row naming another tenant's channel cannot even be queued (the (tenant, channel) key).
    await expect(enqueueInbound(f.db.orm, tenantId, [msg(b, 'forged', otherWa)])).rejects.toThrow()
    expect(await worker.runBatch()).toBeGreaterThanOrEqual(3)
    const A = await chatTexts(wa, a)
    const B = await chatTexts(otherWa, b)
    expect([A.chat?.tenantId, A.texts]).toEqual([tenantId, ['demo']])
    expect([B.chat?.tenantId, B.texts]).toEqual([f.otherTenantId, ['other']])
    expect(await rowState(stolen.providerMsgId)).toEqual({
      state: 'failed',
      fail_reason: 'E_VALIDATION: fileId',
    })
    const feed = async (t: string) =>
      (
        await f.db.orm
          .select({ p: events.payload })
          .from(events)
          .where(and(eq(events.tenantId, t), eq(events.type, 'chat.message')))
      ).map((e) => (e.p as { message: { chatId: string } }).message.chatId)
    expect(await feed(tenantId)).toContain(A.chat!.id)
    expect(await feed(tenantId)).not.toContain(B.chat!.id)
    expect(await feed(f.otherTenantId)).toContain(B.chat!.id)
    expect(await feed(f.otherTenantId)).not.toContain(A.chat!.id)
  })

  it('a batch that stores whole takes no savepoint: eleven statements, BEGIN and COMMIT aside', async () => {
    const a = addr()
    await enqueueInbound(f.db.orm, tenantId, [msg(a, 'first')])
    await worker.drain()
    await enqueueInbound(f.db.orm, tenantId, [msg(a, 'one'), msg(a, 'two'), msg(a, 'three')])
    const c = counting(f.db)
    // The top-level transaction is BEGIN … COMMIT, not a savepoint: not counted.
    c.n.statements -= 2
    expect(await createInboundQueue(c.db).runBatch()).toBe(3)
    expect((await chatTexts(wa, a)).texts).toEqual(['first', 'one', 'two', 'three'])
    expect(c.n.statements).toBeLessThanOrEqual(11)
  })

  it("a tenant's part that cannot be stored whole: the batch runs again, in a savepoint, then message by message, each once", async () => {
    const a = addr()
    const ms = [msg(a, 'x1'), msg(a, 'x2')]
    await enqueueInbound(f.db.orm, tenantId, ms)
    const errors: unknown[] = []
    let calls = 0
    const flaky = createInboundQueue(f.db, {
      onError: (e) => errors.push(e),
      // Fails every time it is asked: first the whole batch, then in the careful run's savepoint.
      storeBatch: async (tx, t, list) => {
        calls++
        await receiveInboundBatch(tx, t, list)
        throw new Error('injected')
      },
    })
    expect(await flaky.runBatch()).toBe(2)
    expect(calls).toBe(2)
    expect(errors).toHaveLength(2)
    expect((await chatTexts(wa, a)).texts).toEqual(['x1', 'x2'])
    for (const m of ms) expect((await rowState(m.providerMsgId))?.state).toBe('stored')
  })
})
