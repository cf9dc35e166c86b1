/**
 * What the per-provider gateway tests share: an app over a fresh database with the demo tenant, the
 * provider stand-in (server/test/provider-standin.ts), op1 available, the channels a suite asks for
 * (base URLs pointing at the stand-in), and the steps every suite takes — post a webhook, find the
 * client's chat, reply as op1 and let the delivery job run.
 */
import { randomUUID } from 'node:crypto'
import { and, eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, expect } from 'vitest'
import type { ChannelKind } from '../../../contract/chats.ts'
import { schema } from '../../db/index.ts'
import { setStatus } from '../../domain/status/index.ts'
import { connectTestChannel, type TestChannel } from '../../test/channels.ts'
import type { Target } from '../../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../../test/fixture.ts'
import { type ProviderStandin, startProviderStandin } from '../../test/provider-standin.ts'
import { hmacHex } from '../webhooks.ts'

const { chats, files, messages } = schema

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

/** Registers the suite's set-up and tear-down; the fields fill in before its first test. */
export function gatewayKit(
  target: Target,
  channels: Partial<Record<ChannelKind, (standinUrl: string) => Record<string, unknown>>>,
) {
  let f: Fixture
  let stand: ProviderStandin
  let token = ''
  const ch: Partial<Record<ChannelKind, TestChannel>> = {}

  beforeAll(async () => {
    f = await makeFixture(target)
    stand = await startProviderStandin()
    const login = await f.login('op1@demo')
    token = login.token
    await setStatus(f.db, login.me.tenantId, login.me.id, 'available')
    for (const [kind, config] of Object.entries(channels))
      ch[kind as ChannelKind] = await connectTestChannel(
        f.db.orm,
        login.me.tenantId,
        kind as ChannelKind,
        config(stand.url),
      )
  }, 60_000)
  afterAll(async () => {
    await stand?.close()
    await f?.close()
  })

  const messageById = async (id: string) =>
    (await f.db.orm.select().from(messages).where(eq(messages.id, id)))[0]

  return {
    ch,
    get f() {
      return f
    },
    get stand() {
      return stand
    },
    get token() {
      return token
    },
    /**
     * A provider's POST of a raw JSON body; then the inbound queue's worker stores what it queued (the
     * 200 comes once the messages are queued, before they are in the chats: ingest.ts).
     */
    async post(path: string, body: string, headers: Record<string, string> = {}) {
      const res = await f.app.inject({
        method: 'POST',
        url: path,
        payload: body,
        headers: { 'content-type': 'application/json', ...headers },
      })
      await f.app.ingest.drain()
      return res
    },
    /** Meta's X-Hub-Signature-256 of a body. */
    hub: (secret: string, raw: string) => ({ 'x-hub-signature-256': `sha256=${hmacHex(secret, raw)}` }),
    /** The client's open chat on a channel and its messages, oldest first. */
    /** The stored names of these files. */
    async fileNames(ids: string[]): Promise<string[]> {
      const rows = await f.db.orm.select({ name: files.name }).from(files).where(inArray(files.id, ids))
      return rows.map((r) => r.name)
    },
    async chatAt(c: TestChannel, address: string) {
      const [chat] = await f.db.orm
        .select()
        .from(chats)
        .where(and(eq(chats.channelId, c.id), eq(chats.clientAddress, address)))
      const ms = chat
        ? await f.db.orm.select().from(messages).where(eq(messages.chatId, chat.id)).orderBy(messages.n)
        : []
      return { chat, messages: ms }
    },
    /** op1 accepts the chat and replies; the delivery job runs. Returns the message id. */
    async reply(chatId: string, text: string): Promise<string> {
      await f.app.inject({ method: 'POST', url: `/api/chats/${chatId}/accept`, headers: auth(token) })
      const r = await f.app.inject({
        method: 'POST',
        url: `/api/chats/${chatId}/messages`,
        headers: auth(token),
        payload: { clientMsgId: randomUUID(), text },
      })
      expect(r.statusCode, r.body).toBe(200)
      await f.app.jobs.drain()
      return (r.json() as { message: { id: string } }).message.id
    },
    messageById,
  }
}
