/**
 * External channels for e2e (issue 8): connected channels written into the worker server's database
 * (what the admin's connect API will do), with a fresh webhook key and secret each. The server holds
 * its PGlite data dir alone, so it is stopped for the write and started again on the same port.
 */
import { eq } from 'drizzle-orm'
import type { ChannelKind } from '../contract/chats.ts'
import { openDatabase, schema } from '../server/db/index.ts'
import { connectTestChannel, type TestChannel } from '../server/test/channels.ts'
import type { FrontlineServer } from './fixtures.ts'

export type { TestChannel }

/** Connects channels of the demo tenant (kind + config each), restarting the server around the write. */
export async function connectChannels(
  server: FrontlineServer,
  specs: { kind: ChannelKind; config: Record<string, unknown> }[],
): Promise<TestChannel[]> {
  await server.stop()
  const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL || null, dataDir: server.dataDir })
  const out: TestChannel[] = []
  try {
    const [tenant] = await db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    if (!tenant) throw new Error('no demo tenant')
    for (const s of specs) out.push(await connectTestChannel(db.orm, tenant.id, s.kind, s.config))
  } finally {
    await db.close()
  }
  await server.restart()
  return out
}
