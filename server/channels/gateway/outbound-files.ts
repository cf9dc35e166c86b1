/**
 * An operator's file on its way to a provider: the stored row (name, type, size) and its bytes as a
 * file-backed Blob (fs.openAsBlob: a multipart upload streams it from the file store instead of
 * holding it in memory), or a signed public link to it for providers that fetch media by URL.
 */
import { openAsBlob } from 'node:fs'
import type { Deliverable } from '../../domain/chats/index.ts'
import { fileForRead } from '../../domain/chats/index.ts'
import { linkName } from '../../files/public-links.ts'
import { PermanentFailure } from '../../jobs/index.ts'
import { ReadableFailure, type SendContext } from '../external.ts'
import { cfg } from './core.ts'

/** A stored file of an operator's message. */
export interface OutgoingFile {
  id: string
  name: string
  type: string
  size: number
  voice: boolean
  /** The bytes, streamed from the file store when sent. */
  blob(): Promise<Blob>
}

/**
 * A voice message is stored as "voice": the client's app (Viber's file message, a VK document) wants
 * an extension to open it.
 */
function withExtension(name: string, type: string): string {
  const ext = /^audio\/(webm|ogg)$/.exec(type)?.[1]
  return ext && !/\.[A-Za-z0-9]{1,5}$/.test(name) ? `${name}.${ext}` : name
}

/** The file of an operator's message, or null for a text message; PermanentFailure when it is gone. */
export async function outgoingFile(ctx: SendContext, d: Deliverable): Promise<OutgoingFile | null> {
  const f = d.message.file
  if (!f) return null
  const tenantId = d.chat.tenantId
  const row = await fileForRead(ctx.db.orm, tenantId, f.id)
  const at = row ? await ctx.files.stat(tenantId, row.sha256) : null
  if (!row || !at) throw new PermanentFailure('the file is gone')
  return {
    id: row.id,
    name: withExtension(row.name, row.type),
    type: row.type,
    size: at.size,
    voice: d.message.kind === 'voice',
    blob: () => openAsBlob(at.path, { type: row.type }),
  }
}

/**
 * The server's public address for links a provider fetches: the channel's `config.publicBaseUrl`,
 * else env PUBLIC_BASE_URL; null when neither is set.
 */
export function publicBaseUrl(channel: { config: Record<string, unknown> }): string | null {
  const raw = cfg(channel, 'publicBaseUrl') ?? process.env.PUBLIC_BASE_URL ?? ''
  return /^https?:\/\/[^\s/]+/.test(raw) ? raw.replace(/\/+$/, '') : null
}

/**
 * A signed, expiring public URL of the file (GET /api/public-files/:token/:name). A PermanentFailure
 * that says what to set when the server's public address is not configured (the operator sees
 * "the channel is not set up to send").
 */
export async function publicFileUrl(
  ctx: SendContext,
  d: Deliverable,
  file: OutgoingFile,
  provider: string,
): Promise<string> {
  const base = publicBaseUrl(d.channel)
  if (!base || !ctx.publicLinks)
    throw new ReadableFailure(
      `${provider}: PUBLIC_BASE_URL is not set — ${provider} takes files only by a public link to this server`,
      'не задан публичный адрес сервера (PUBLIC_BASE_URL): файлы уходят только по ссылке / ' +
        "the server's public address (PUBLIC_BASE_URL) is not set: files go only by a link",
    )
  const token = await ctx.publicLinks.sign(ctx.db.orm, { tenantId: d.chat.tenantId, fileId: file.id })
  if (!token) throw new PermanentFailure('the file is gone')
  return `${base}/api/public-files/${token}/${linkName(file.name)}`
}
