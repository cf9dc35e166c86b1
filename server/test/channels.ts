/**
 * Test channels (issue 8): a connected external channel written straight into the database with a
 * fresh webhook key and secret — what the admin's connect API will do — so channel tests need not
 * wait for it. Used by vitest suites, the e2e helper (through the data dir) and the gateway bench.
 */
import { randomBytes } from 'node:crypto'
import type { ChannelKind } from '../../contract/chats.ts'
import { type Queryable, schema } from '../db/index.ts'

export interface TestChannel {
  id: string
  kind: ChannelKind
  webhookKey: string
  secret: string
}

/** Inserts a connected channel of `kind` for the tenant with `config` (base URLs, tokens …). */
export async function connectTestChannel(
  q: Queryable,
  tenantId: string,
  kind: ChannelKind,
  config: Record<string, unknown> = {},
): Promise<TestChannel> {
  const webhookKey = randomBytes(18).toString('base64url')
  const secret = randomBytes(24).toString('hex')
  const [row] = await q
    .insert(schema.channels)
    .values({ tenantId, kind, name: `Test ${kind}`, connected: true, webhookKey, secret, config })
    .returning({ id: schema.channels.id })
  if (!row) throw new Error('channel insert returned nothing')
  return { id: row.id, kind, webhookKey, secret }
}
