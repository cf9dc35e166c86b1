/**
 * What a channel kind must tell its provider when the admin connects it or rotates its secret (A5, T1):
 * Telegram's setWebhook with the new URL and secret token, for one. One line per kind in
 * CONNECT_HOOKS (the telegram helper's `connectTelegramBot` goes there); kinds without a line need
 * nothing (the admin gives the provider the URL himself). A provider that refuses leaves the channel
 * disconnected and the admin gets E_PROVIDER, so no channel looks connected that is not; a channel just
 * connected is then removed by the route (removeUnusedChannel, probe 13 #16).
 */
import { and, eq } from 'drizzle-orm'
import type { ChannelKind } from '../../contract/chats.ts'
import { type Db, schema } from '../db/index.ts'
import { AppError } from '../errors.ts'
import { announceTelegramBot, disconnectTelegramBot } from './telegram/connect.ts'
import type { ChannelRow } from './webhooks.ts'

export interface ConnectContext {
  db: Db
  /** The channel as stored, with its provider settings and the new secret and webhook key. */
  channel: ChannelRow
  /** The absolute URL the provider is to call. */
  webhookUrl: string
}

export type ConnectHook = (ctx: ConnectContext) => Promise<void>

/** Per kind, what connecting does at the provider. */
export const CONNECT_HOOKS: Partial<Record<ChannelKind, ConnectHook>> = {
  telegram_bot: ({ db, channel, webhookUrl }) => announceTelegramBot(db.orm, channel, webhookUrl),
}

/** Per kind, what disconnecting tells the provider (best effort: the channel is off here either way). */
export const DISCONNECT_HOOKS: Partial<
  Record<ChannelKind, (db: Db, tenantId: string, id: string) => Promise<void>>
> = {
  telegram_bot: (db, tenantId, id) => disconnectTelegramBot(db.orm, tenantId, id),
}

/** Runs the kind's disconnect hook; a provider that fails is logged by the caller, never undoes it. */
export async function announceDisconnected(db: Db, tenantId: string, kind: ChannelKind, id: string) {
  await DISCONNECT_HOOKS[kind]?.(db, tenantId, id)
}

/** Runs the kind's hook for a just connected (or rotated) channel; on failure disconnects it, E_PROVIDER. */
export async function announceConnected(
  db: Db,
  tenantId: string,
  channelId: string,
  webhookUrl: string,
): Promise<void> {
  const where = and(eq(schema.channels.tenantId, tenantId), eq(schema.channels.id, channelId))
  const [channel] = await db.orm.select().from(schema.channels).where(where)
  const hook = channel && CONNECT_HOOKS[channel.kind as ChannelKind]
  if (!channel || !hook) return
  try {
    await hook({ db, channel, webhookUrl })
  } catch (e) {
    await db.orm.update(schema.channels).set({ connected: false }).where(where)
    if (e instanceof AppError) throw e
    throw new AppError('E_PROVIDER')
  }
}
