/**
 * The Telegram Bot API over HTTP (https://core.telegram.org/bots/api#making-requests): one POST per
 * method to `<base>/bot<token>/<method>`, JSON or multipart, answered `{ok, result}` or
 * `{ok: false, error_code, description, parameters.retry_after}`. Requests and results are typed by
 * @grammyjs/types. The base URL is the channel's `apiBase`, overridden by TELEGRAM_API_BASE (tests,
 * demo), else the public API.
 */
import type { ApiMethods, ApiResponse, Opts } from '@grammyjs/types'
import { providerFetch } from '../../net/provider-fetch.ts'

/** What a multipart upload carries for an InputFile field. */
export type InputFile = Blob
export type BotMethods = ApiMethods<InputFile>
export type BotMethod = keyof BotMethods
export type BotResult<M extends BotMethod> = ReturnType<BotMethods[M]>

export const DEFAULT_API_BASE = 'https://api.telegram.org'
/** Bot API limits (https://core.telegram.org/bots/api#sendmessage, #sendphoto, #getfile, #senddocument). */
export const TEXT_MAX = 4096
export const CAPTION_MAX = 1024
export const DOWNLOAD_MAX_BYTES = 20 * 1024 * 1024
export const PHOTO_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
export const FILE_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
/** How long one Bot API call may take before it counts as a network failure. */
const CALL_TIMEOUT_MS = 30_000

/** A refusal by the Bot API (`ok: false`) or a failure to reach it (`status` 0). */
export class BotApiError extends Error {
  constructor(
    readonly method: string,
    readonly status: number,
    readonly description: string,
    /** Seconds to wait (429 flood control). */
    readonly retryAfter?: number,
  ) {
    super(`telegram ${method}: ${status} ${description}`)
  }
}

/** The API base of a channel: the env override, the channel's `apiBase`, or the public API. */
export function apiBaseOf(config: Record<string, unknown>, env = process.env): string {
  const raw = env.TELEGRAM_API_BASE || (typeof config.apiBase === 'string' ? config.apiBase : '')
  const base = raw || DEFAULT_API_BASE
  return base.replace(/\/+$/, '')
}

/** The bot token of a channel (kept in its config), or null. */
export function tokenOf(config: Record<string, unknown>): string | null {
  const t = config.token
  return typeof t === 'string' && /^\d{1,20}:[A-Za-z0-9_-]{10,100}$/.test(t) ? t : null
}

export interface Bot {
  base: string
  token: string
}

/** Calls a Bot API method with JSON parameters, or multipart when a field is a Blob. */
export async function callBot<M extends BotMethod>(
  bot: Bot,
  method: M,
  params: Opts<InputFile>[M],
): Promise<BotResult<M>> {
  const fields = Object.entries(params as Record<string, unknown>).filter(([, v]) => v !== undefined)
  let body: FormData | string
  const headers: Record<string, string> = {}
  if (fields.some(([, v]) => v instanceof Blob)) {
    const form = new FormData()
    for (const [k, v] of fields) {
      if (v instanceof File) form.append(k, v, v.name)
      else if (v instanceof Blob) form.append(k, v)
      else form.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v))
    }
    body = form
  } else {
    body = JSON.stringify(Object.fromEntries(fields))
    headers['content-type'] = 'application/json'
  }
  let res: Response
  try {
    res = await providerFetch(`${bot.base}/bot${bot.token}/${method}`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    })
  } catch (e) {
    throw new BotApiError(method, 0, (e as Error).message)
  }
  let json: ApiResponse<BotResult<M>>
  try {
    json = (await res.json()) as ApiResponse<BotResult<M>>
  } catch {
    throw new BotApiError(method, res.status || 0, 'not a Bot API answer')
  }
  if (json.ok) return json.result
  throw new BotApiError(
    method,
    json.error_code || res.status,
    String(json.description ?? ''),
    json.parameters?.retry_after,
  )
}

/** The download URL of a file getFile returned (valid for at least an hour). */
export const fileUrl = (bot: Bot, filePath: string) =>
  `${bot.base}/file/bot${bot.token}/${filePath.split('/').map(encodeURIComponent).join('/')}`
