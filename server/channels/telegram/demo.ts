/**
 * The demo's Telegram bot: with DEMO_TELEGRAM_BOT_TOKEN set (and the demo seeded), the server connects
 * that bot to the demo tenant at start, its webhook at the server's own URL. With TELEGRAM_API_BASE
 * pointing at the Bot API stand-in (stand-in.ts) this is how the e2e test and a local demo get a bot
 * without the admin's connect screen. Restarts reconnect the same channel (a fresh key and secret).
 */
import { and, eq } from 'drizzle-orm'
import { type Queryable, schema } from '../../db/index.ts'
import { tenantBySlug } from '../../domain/tenants/index.ts'
import { type ConnectedTelegramBot, connectTelegramBot } from './connect.ts'

/** Connects the demo tenant's bot when the environment names one; null otherwise. */
export async function connectDemoTelegramBot(
  q: Queryable,
  publicUrl: string,
  env = process.env,
): Promise<ConnectedTelegramBot | null> {
  const token = env.DEMO_TELEGRAM_BOT_TOKEN
  if (!token) return null
  const tenant = await tenantBySlug(q, 'demo')
  if (!tenant) return null
  const [existing] = await q
    .select({ id: schema.channels.id })
    .from(schema.channels)
    .where(and(eq(schema.channels.tenantId, tenant.id), eq(schema.channels.kind, 'telegram_bot')))
    .limit(1)
  return connectTelegramBot(q, {
    tenantId: tenant.id,
    token,
    publicUrl,
    name: 'Demo bot',
    ...(existing ? { channelId: existing.id } : {}),
  })
}
