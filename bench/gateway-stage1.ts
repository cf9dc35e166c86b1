/**
 * Stage 1 of the gateway ingest alone (issue 8 budget), in-process: the write a webhook waits for
 * before its 200 — one INSERT and commit per webhook, against the group commit
 * (server/channels/gateway/group-commit.ts) — with C webhooks in flight, A/B interleaved so both see
 * the same machine load (printed). PGlite, or PostgreSQL with GATEWAY_DB=postgres under
 * scripts/with-postgres.mjs. Signature, JSON and HTTP are not in it: see bench/gateway.ts for the whole path.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { createGroupCommit } from '../server/channels/gateway/group-commit.ts'
import { enqueueInbound, type QueuedMessage } from '../server/channels/gateway/ingest.ts'
import { openDatabase, schema } from '../server/db/index.ts'
import { seedDemo } from '../server/domain/tenants/index.ts'
import { connectTestChannel } from '../server/test/channels.ts'

export interface Stage1Options {
  webhooks: number
  concurrency: number
  rounds: number
}
export const STAGE1_DEFAULTS: Stage1Options = { webhooks: 2000, concurrency: 32, rounds: 2 }

/** Webhooks/s of stage 1 each way, per round. */
export async function measureStage1(opts: Partial<Stage1Options> = {}): Promise<string[]> {
  const o = { ...STAGE1_DEFAULTS, ...opts }
  const databaseUrl = process.env.GATEWAY_DB === 'postgres' ? (process.env.TEST_DATABASE_URL ?? null) : null
  const dir = await mkdtemp(path.join(tmpdir(), 'frontline-stage1-'))
  const db = await openDatabase({ databaseUrl, dataDir: dir })
  const lines = [`database: ${db.kind}; ${o.webhooks} webhooks of one message, ${o.concurrency} in flight`]
  try {
    await seedDemo(db, { password: 'bench-stage1-pass', dataDir: dir })
    const [t] = await db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    const tenantId = t!.id
    const wa = await connectTestChannel(db.orm, tenantId, 'whatsapp', { phoneNumberId: '1' })
    const m = (): QueuedMessage => ({
      channelId: wa.id,
      clientAddress: '79001234567',
      providerMsgId: randomUUID(),
      text: 'hello',
    })
    const run = async (add: (ms: QueuedMessage[]) => Promise<number>) => {
      let i = 0
      const t0 = performance.now()
      await Promise.all(
        Array.from({ length: o.concurrency }, async () => {
          while (i++ < o.webhooks) await add([m()])
        }),
      )
      return Math.round(o.webhooks / ((performance.now() - t0) / 1000))
    }
    const gc = createGroupCommit(() => db.orm)
    for (let r = 1; r <= o.rounds; r++) {
      const one = await run((ms) => enqueueInbound(db.orm, tenantId, ms))
      const group = await run((ms) => gc.add(tenantId, ms))
      lines.push(
        `round ${r}: one INSERT per webhook ${one}/s; group commit ${group}/s (load ${loadavg()[0]!.toFixed(1)})`,
      )
    }
  } finally {
    await db.close()
    await rm(dir, { recursive: true, force: true })
  }
  return lines
}
