/**
 * Connecting a tenant's Telegram bot (issue 8 §2, for the admin's connect API, A5): the token is
 * checked with getMe, the channel row gets a fresh webhook key (the path Telegram calls) and secret
 * (Telegram sends it back in X-Telegram-Bot-Api-Secret-Token), and setWebhook points the bot at us.
 * If Telegram refuses, the channel is left disconnected and E_PROVIDER is thrown.
 */
import { randomBytes } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import type { ChannelRow } from '../webhooks.ts'
import { apiBaseOf, type Bot, BotApiError, callBot, tokenOf } from './botapi.ts'

const { channels } = schema

export interface ConnectTelegramBot {
  tenantId: string
  /** The bot token from @BotFather. */
  token: string
  /** Our public origin as Telegram reaches it (https://…); the webhook is `<publicUrl>/api/hooks/telegram_bot/<key>`. */
  publicUrl: string
  /** Reconnect this channel (a new key and secret) instead of creating one. */
  channelId?: string
  name?: string
  /** Bot API base (a local Bot API server); TELEGRAM_API_BASE overrides it. */
  apiBase?: string
  /** The distribution of its new chats (see openChannelChat). */
  groupIds?: string[]
}

export interface ConnectedTelegramBot {
  channelId: string
  /** @username of the bot. */
  address: string
  webhookUrl: string
}

const key = () => randomBytes(24).toString('base64url') // 32 characters of [A-Za-z0-9_-]

const refused = (e: unknown) => {
  if (e instanceof BotApiError) return new AppError('E_PROVIDER', [`telegram: ${e.status} ${e.description}`])
  return e
}

/**
 * The admin connect API's hook (CONNECT_HOOKS.telegram_bot, A5): the channel row is already stored
 * with the token in its config and the webhook key and secret the admin was shown — those, not a
 * second pair, go to Telegram. getMe checks the token and names the bot (@username as the channel's
 * address); setWebhook points the bot at `webhookUrl` with the secret as secret_token.
 */
export async function announceTelegramBot(
  q: Queryable,
  channel: Pick<ChannelRow, 'id' | 'tenantId' | 'config' | 'secret' | 'address'>,
  webhookUrl: string,
): Promise<void> {
  const token = tokenOf(channel.config)
  if (!token || !channel.secret)
    throw new AppError('E_VALIDATION', ['config.token: not a Telegram bot token'])
  const bot: Bot = { base: apiBaseOf(channel.config), token }
  const me = await callBot(bot, 'getMe', {}).catch((e: unknown) => {
    throw refused(e)
  })
  await callBot(bot, 'setWebhook', {
    url: webhookUrl,
    secret_token: channel.secret,
    allowed_updates: ['message'],
  }).catch((e: unknown) => {
    throw refused(e)
  })
  await q
    .update(channels)
    .set({ connected: true, address: channel.address ?? (me.username ? `@${me.username}` : null) })
    .where(and(eq(channels.tenantId, channel.tenantId), eq(channels.id, channel.id)))
}

/** Connects (or reconnects) a tenant's Telegram bot; E_VALIDATION for a malformed token, E_PROVIDER when Telegram refuses. */
export async function connectTelegramBot(q: Queryable, o: ConnectTelegramBot): Promise<ConnectedTelegramBot> {
  const token = tokenOf({ token: o.token })
  if (!token) throw new AppError('E_VALIDATION', ['token: not a Telegram bot token'])
  if (!/^https?:\/\/[^\s/]+/.test(o.publicUrl)) throw new AppError('E_VALIDATION', ['publicUrl'])
  const config: Record<string, unknown> = { token, groupIds: o.groupIds ?? [] }
  if (o.apiBase) config.apiBase = o.apiBase
  const bot: Bot = { base: apiBaseOf(config), token }
  const me = await callBot(bot, 'getMe', {}).catch((e: unknown) => {
    throw refused(e)
  })
  const values = {
    tenantId: o.tenantId,
    kind: 'telegram_bot',
    name: o.name ?? me.first_name,
    config,
    connected: false,
    webhookKey: key(),
    secret: key(),
    address: me.username ? `@${me.username}` : null,
  }
  const [row] = o.channelId
    ? await q
        .update(channels)
        .set(values)
        .where(
          and(
            eq(channels.tenantId, o.tenantId),
            eq(channels.id, o.channelId),
            eq(channels.kind, 'telegram_bot'),
          ),
        )
        .returning()
    : await q.insert(channels).values(values).returning()
  if (!row) throw new AppError('E_NOT_FOUND')
  const webhookUrl = `${o.publicUrl.replace(/\/+$/, '')}/api/hooks/telegram_bot/${values.webhookKey}`
  await callBot(bot, 'setWebhook', {
    url: webhookUrl,
    secret_token: values.secret,
    allowed_updates: ['message'],
  }).catch((e: unknown) => {
    throw refused(e)
  })
  await q
    .update(channels)
    .set({ connected: true })
    .where(and(eq(channels.tenantId, o.tenantId), eq(channels.id, row.id)))
  return { channelId: row.id, address: values.address ?? values.name, webhookUrl }
}

/** Disconnects a tenant's bot: deleteWebhook (best effort), then the channel takes nothing in. */
export async function disconnectTelegramBot(
  q: Queryable,
  tenantId: string,
  channelId: string,
): Promise<void> {
  const [row] = await q
    .update(channels)
    .set({ connected: false })
    .where(
      and(eq(channels.tenantId, tenantId), eq(channels.id, channelId), eq(channels.kind, 'telegram_bot')),
    )
    .returning()
  const token = row ? tokenOf(row.config) : null
  if (row && token) await callBot({ base: apiBaseOf(row.config), token }, 'deleteWebhook', {}).catch(() => {})
}
