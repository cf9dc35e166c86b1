/**
 * A local stand-in of the Telegram Bot API for tests and the demo (no network here): the methods we
 * call, shaped and typed as @grammyjs/types says, with the documented limits enforced — text ≤ 4096,
 * caption ≤ 1024, uploads: photos ≤ 10 MB, other files ≤ 50 MB; downloads (getFile) ≤ 20 MB. It
 * records what it received, serves files for getFile, and pushes updates to the webhook set with
 * setWebhook, carrying its secret_token as Telegram does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ApiError, ApiSuccess, Message, Opts, Update, User } from '@grammyjs/types'
import {
  CAPTION_MAX,
  DOWNLOAD_MAX_BYTES,
  FILE_UPLOAD_MAX_BYTES,
  type InputFile,
  PHOTO_UPLOAD_MAX_BYTES,
  TEXT_MAX,
} from './botapi.ts'

type O = Opts<InputFile>

/** An upload as the stand-in received it. */
export interface ReceivedFile {
  field: string
  name: string
  type: string
  bytes: Buffer
}

/** One Bot API call the stand-in answered (or refused). */
export interface Received {
  method: string
  /** Non-file parameters (JSON values decoded). */
  params: Record<string, unknown>
  file: ReceivedFile | null
  status: number
}

interface Served {
  bytes: Buffer
  path: string
  /** What getFile declares (a test may make it lie). */
  size: number
}

const UPLOAD_CAP = 60 * 1024 * 1024

export class BotApiStandIn {
  readonly token: string
  readonly bot: User
  readonly received: Received[] = []
  webhook: { url: string; secret: string | undefined } | null = null
  private server: Server | null = null
  private nextMessageId = 1000
  private readonly files = new Map<string, Served>()
  private readonly failures: { method: string; error: ApiError; status: number }[] = []
  private fileSeq = 0

  constructor(token = '123456789:AAH-standin-token-0123456789abcdef') {
    this.token = token
    this.bot = {
      id: Number(token.split(':')[0]),
      is_bot: true,
      first_name: 'Frontline Test Bot',
      username: 'frontline_test_bot',
    }
  }

  /** The base URL to configure as the Bot API (TELEGRAM_API_BASE / channel config apiBase). */
  get base(): string {
    const a = this.server?.address() as AddressInfo | null
    if (!a) throw new Error('stand-in not started')
    return `http://127.0.0.1:${a.port}`
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        res.writeHead(500).end(String(e))
      })
    })
    await new Promise<void>((r) => this.server?.listen(port, '127.0.0.1', r))
    return this
  }

  async stop(): Promise<void> {
    const s = this.server
    this.server = null
    if (s) await new Promise<void>((r) => s.close(() => r()))
  }

  /** Calls of a method, in order. */
  calls(method: string): Received[] {
    return this.received.filter((r) => r.method === method && r.status === 200)
  }

  /** The next call of `method` is refused like the Bot API does (e.g. 429 with retry_after, 403 blocked). */
  failNext(method: string, status: number, description: string, retryAfter?: number): void {
    this.failures.push({
      method,
      status,
      error: {
        ok: false,
        error_code: status,
        description,
        ...(retryAfter ? { parameters: { retry_after: retryAfter } } : {}),
      },
    })
  }

  /** Makes bytes downloadable by getFile; `declaredSize` lets getFile claim another size. */
  addFile(
    bytes: Buffer,
    ext: string,
    declaredSize = bytes.length,
  ): { file_id: string; file_unique_id: string; file_size: number } {
    const id = `file-${++this.fileSeq}-${Math.random().toString(36).slice(2, 10)}`
    this.files.set(id, { bytes, path: `files/${id}.${ext}`, size: declaredSize })
    return { file_id: id, file_unique_id: `u${this.fileSeq}`, file_size: declaredSize }
  }

  /** Pushes an update to the webhook as Telegram does; `secret` overrides the header (forgeries). */
  async push(
    update: Update,
    opts: { secret?: string | null } = {},
  ): Promise<{ status: number; body: string }> {
    if (!this.webhook) throw new Error('no webhook set')
    const secret = opts.secret === undefined ? this.webhook.secret : opts.secret
    const res = await fetch(this.webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret === null || secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }),
      },
      body: JSON.stringify(update),
    })
    return { status: res.status, body: await res.text() }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x')
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname)
    if (file && req.method === 'GET') {
      const found = [...this.files.values()].find((f) => f.path === decodeURIComponent(file[2] ?? ''))
      if (file[1] !== this.token || !found) return void res.writeHead(404).end('Not Found')
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': found.bytes.length })
      return void res.end(found.bytes)
    }
    const call = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname)
    if (!call || req.method !== 'POST')
      return this.answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' })
    const method = call[2] ?? ''
    const { params, file: upload } = await readParams(req)
    const record = (status: number) => this.received.push({ method, params, file: upload, status })
    if (call[1] !== this.token) {
      record(401)
      return this.answer(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' })
    }
    const failure = this.failures.findIndex((f) => f.method === method)
    if (failure >= 0) {
      const [f] = this.failures.splice(failure, 1)
      record(f?.status ?? 500)
      return this.answer(res, f?.status ?? 500, f?.error ?? { ok: false, error_code: 500, description: 'x' })
    }
    const bad = (description: string) => {
      record(400)
      return this.answer(res, 400, { ok: false, error_code: 400, description: `Bad Request: ${description}` })
    }
    const ok = <T>(result: T) => {
      record(200)
      return this.answer(res, 200, { ok: true, result } satisfies ApiSuccess<T>)
    }
    switch (method) {
      case 'getMe':
        return ok(this.bot)
      case 'setWebhook': {
        const p = params as unknown as O['setWebhook']
        if (typeof p.url !== 'string') return bad('url is empty')
        if (p.secret_token !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(p.secret_token))
          return bad('secret token contains unallowed characters')
        this.webhook = p.url ? { url: p.url, secret: p.secret_token } : null
        return ok(true)
      }
      case 'deleteWebhook':
        this.webhook = null
        return ok(true)
      case 'getFile': {
        const p = params as unknown as O['getFile']
        const f = this.files.get(String(p.file_id))
        if (!f) return bad('invalid file_id')
        if (f.size > DOWNLOAD_MAX_BYTES) return bad('file is too big')
        return ok({ file_id: p.file_id, file_unique_id: p.file_id, file_size: f.size, file_path: f.path })
      }
      case 'sendMessage': {
        const p = params as unknown as O['sendMessage']
        const text = String(p.text ?? '')
        if (!text.trim()) return bad('message text is empty')
        if (text.length > TEXT_MAX) return bad('message is too long')
        return ok(this.message(p.chat_id, { text }))
      }
      case 'sendPhoto':
      case 'sendDocument':
      case 'sendVoice': {
        const field = { sendPhoto: 'photo', sendDocument: 'document', sendVoice: 'voice' }[method]
        const p = params as { chat_id?: number | string; caption?: string }
        if (!upload || upload.field !== field) return bad(`there is no ${field} in the request`)
        const max = method === 'sendPhoto' ? PHOTO_UPLOAD_MAX_BYTES : FILE_UPLOAD_MAX_BYTES
        if (upload.bytes.length > max)
          return bad(method === 'sendPhoto' ? 'PHOTO_INVALID_DIMENSIONS' : 'file is too big')
        if ((p.caption ?? '').length > CAPTION_MAX) return bad('message caption is too long')
        const fid = this.addFile(upload.bytes, 'bin')
        const extra: Partial<Message> =
          method === 'sendPhoto'
            ? { photo: [{ ...fid, width: 1, height: 1 }] }
            : method === 'sendVoice'
              ? { voice: { ...fid, duration: Number(params.duration ?? 1) } }
              : { document: { ...fid, file_name: upload.name } }
        return ok(this.message(p.chat_id ?? 0, { ...extra, ...(p.caption ? { caption: p.caption } : {}) }))
      }
      default:
        return bad(`method ${method} is not in the stand-in`)
    }
  }

  private message(chatId: number | string, extra: Partial<Message>): Message {
    return {
      message_id: ++this.nextMessageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number(chatId), type: 'private', first_name: 'Client' },
      from: this.bot,
      ...extra,
    } as Message
  }

  private answer(res: ServerResponse, status: number, body: ApiSuccess<unknown> | ApiError): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }
}

/** Reads a Bot API request: JSON, urlencoded or multipart (one file field at most). */
async function readParams(
  req: IncomingMessage,
): Promise<{ params: Record<string, unknown>; file: ReceivedFile | null }> {
  const chunks: Buffer[] = []
  let n = 0
  for await (const c of req) {
    n += (c as Buffer).length
    if (n > UPLOAD_CAP) throw new Error('request too large')
    chunks.push(c as Buffer)
  }
  const body = Buffer.concat(chunks)
  const type = String(req.headers['content-type'] ?? '')
  if (type.startsWith('application/json'))
    return { params: body.length ? JSON.parse(body.toString()) : {}, file: null }
  if (!type.startsWith('multipart/form-data') && !type.startsWith('application/x-www-form-urlencoded'))
    return { params: {}, file: null }
  const form = await new Response(body, { headers: { 'content-type': type } }).formData()
  const params: Record<string, unknown> = {}
  let file: ReceivedFile | null = null
  for (const [k, v] of form.entries()) {
    if (typeof v === 'string') {
      try {
        params[k] = /^[[{]/.test(v) ? JSON.parse(v) : v
      } catch {
        params[k] = v
      }
    } else {
      file = { field: k, name: v.name, type: v.type, bytes: Buffer.from(await v.arrayBuffer()) }
    }
  }
  return { params, file }
}
