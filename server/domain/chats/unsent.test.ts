/** Uploads never sent: a per-uploader quota on unsent bytes, and a sweep of old unsent files. */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { FileStore } from '../../files/index.ts'
import { targets } from '../../test/dbs.ts'
import { type Fixture, makeFixture } from '../../test/fixture.ts'
import { addClientMessage, openClientChat, storeFile, sweepUnsentFiles, unsentBytes } from './index.ts'

const png = (fill: number) =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, fill)])

describe.each(targets)('unsent uploads on $name', (target) => {
  let f: Fixture
  let tenantId: string
  let store: FileStore
  beforeAll(async () => {
    f = await makeFixture(target)
    const [demo] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    tenantId = demo!.id
    store = new FileStore(path.join(f.dir, 'files'))
  }, 120_000)
  afterAll(() => f?.close())

  const put = (visitorId: string, fill: number, unsentMaxBytes?: number) =>
    storeFile(f.db.orm, store, {
      tenantId,
      name: 'a.png',
      kind: 'file',
      body: Readable.from([png(fill)]),
      contentLength: 108,
      uploadedBy: { visitorId },
      unsentMaxBytes,
    })

  it('a visitor may hold so many unsent bytes an hour; sending one frees its share', async () => {
    const visitorId = crypto.randomUUID()
    const a = await put(visitorId, 1, 250)
    await put(visitorId, 2, 250)
    expect(await unsentBytes(f.db.orm, tenantId, { visitorId })).toBe(216)
    const refused = await put(visitorId, 3, 250).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(AppError)
    expect((refused as AppError).code).toBe('E_RATE_LIMITED')
    // Another visitor is not touched.
    await put(crypto.randomUUID(), 3, 250)
    const chat = await openClientChat(f.db.orm, tenantId, { channel: 'webchat', visitorId, clientName: null })
    await addClientMessage(f.db.orm, tenantId, {
      chatId: chat.id,
      clientMsgId: crypto.randomUUID(),
      text: '',
      fileId: a.id,
      visitorId,
    })
    expect(await unsentBytes(f.db.orm, tenantId, { visitorId })).toBe(108)
    await put(visitorId, 4, 250)
  })

  it('the sweep removes unsent files older than a day (row and bytes), keeps sent ones and shared bytes', async () => {
    const visitorId = crypto.randomUUID()
    const sent = await put(visitorId, 11)
    const old = await put(visitorId, 12)
    const recent = await put(visitorId, 13)
    const shared = await put(visitorId, 11) // same bytes as the sent one
    const chat = await openClientChat(f.db.orm, tenantId, { channel: 'webchat', visitorId, clientName: null })
    await addClientMessage(f.db.orm, tenantId, {
      chatId: chat.id,
      clientMsgId: crypto.randomUUID(),
      text: '',
      fileId: sent.id,
      visitorId,
    })
    const dayAgo = new Date(Date.now() - 25 * 3600 * 1000)
    for (const id of [sent.id, old.id, shared.id])
      await f.db.orm.update(schema.files).set({ createdAt: dayAgo }).where(eq(schema.files.id, id))
    const sha = async (id: string) =>
      (await f.db.orm.select().from(schema.files).where(eq(schema.files.id, id)))[0]?.sha256
    const oldSha = (await sha(old.id))!
    const sentSha = (await sha(sent.id))!
    expect(await sweepUnsentFiles(f.db.orm, store)).toBe(2)
    const left = (
      await f.db.orm.select().from(schema.files).where(eq(schema.files.uploadedByVisitor, visitorId))
    ).map((r) => r.id)
    expect(left.sort()).toEqual([sent.id, recent.id].sort())
    expect(fs.existsSync(store.pathOf(tenantId, oldSha))).toBe(false)
    expect(fs.existsSync(store.pathOf(tenantId, sentSha))).toBe(true)
  })
})
