/**
 * The Telegram webhook (issue 8 §2): `POST /api/hooks/telegram_bot/:key`. The channel is the one whose
 * unguessable key is in the path; the request is Telegram's only if it carries the secret_token we set
 * with setWebhook in `X-Telegram-Bot-Api-Secret-Token` (compared in constant time) — else 401
 * E_BAD_SIGNATURE and nothing is read further. Updates we do not take are answered 200 and ignored.
 */
import type { FastifyInstance } from 'fastify'
import { AppError } from '../../errors.ts'
import type { FileStore } from '../../files/index.ts'
import type { AppDeps } from '../../http/context.ts'
import { registerScope } from '../../http/scope.ts'
import { channelByWebhookKey, keepRawJson, parseJson, sameSecret } from '../webhooks.ts'
import { receiveTelegram } from './inbound.ts'
import { parseUpdate } from './updates.ts'

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token'
/** An update with a 4096-character text and its entities stays far below this. */
const UPDATE_MAX_BYTES = 256 * 1024

/** Registers the Telegram bot webhook. */
export function telegramRoutes(app: FastifyInstance, deps: AppDeps, opts: { files: FileStore }): void {
  registerScope(app, deps, { auth: 'public' }, (r) => {
    keepRawJson(r.app, UPDATE_MAX_BYTES)
    r.post('/api/hooks/telegram_bot/:key', async (req) => {
      const { key } = req.params as { key?: string }
      const channel = await channelByWebhookKey(deps.db.orm, 'telegram_bot', key)
      const got = req.headers[SECRET_HEADER]
      if (typeof got !== 'string' || !channel.secret || !sameSecret(got, channel.secret))
        throw new AppError('E_BAD_SIGNATURE')
      const update = parseUpdate(parseJson(req.body))
      if (update) await receiveTelegram(deps.db.orm, opts.files, channel, update)
      return { ok: true }
    })
  })
}
