/**
 * Chat attachments, voice messages and template attachments (T4, T5): bytes in the tenant's file
 * store (server/files, by sha256, typed by magic bytes), a `files` row per upload with its given
 * name. A file is allowed by its extension (SPEC T4's list) and then must be what its bytes say.
 */
import type { Readable } from 'node:stream'
import { and, eq, or } from 'drizzle-orm'
import { ATTACHMENT_MAX_BYTES, type FileView } from '../../../contract/chats.ts'
import { type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import {
  ATTACHMENT_BY_EXTENSION,
  cleanFileName,
  extensionOf,
  type FileStore,
  type FileType,
} from '../../files/index.ts'
import { UNSENT_MAX_BYTES, unsentBytes } from './unsent.ts'
import { type FileRow, fileView } from './views.ts'

const { chats, files, messages } = schema

/** Voice messages: what MediaRecorder makes (Chromium WebM/Opus, Firefox Ogg/Opus). */
export const VOICE_TYPES: readonly FileType[] = ['audio/webm', 'audio/ogg']
/** The longest voice message (one hour). */
export const VOICE_MAX_MS = 60 * 60 * 1000

export interface StoreFileInput {
  tenantId: string
  /** The name as given; stored cleaned (no path parts, no control or bidi characters). */
  name: string
  kind: 'file' | 'voice'
  /** Voice messages: their length (required, 1 ms … 1 h). */
  durationMs?: number | null | undefined
  body: Readable
  /** The request's Content-Length, when it has one: over the limit is refused before reading. */
  contentLength?: string | number | undefined
  /** `channelId`: a client's file fetched from an external channel (issue 8), sent in a message at once. */
  uploadedBy: { employeeId: string } | { visitorId: string } | { channelId: string }
  /** ATTACHMENT_MAX_BYTES unless a test lowers it. */
  maxBytes?: number | undefined
  /** Bytes of unsent uploads per uploader per hour (UNSENT_MAX_BYTES unless a test lowers it). */
  unsentMaxBytes?: number | undefined
}

/** What an upload may be, decided from its name and kind before a byte is read. */
export function uploadRule(
  name: string,
  kind: 'file' | 'voice',
  durationMs?: number | null,
): { types: readonly FileType[]; mime: string | null } {
  if (kind === 'voice') {
    if (
      durationMs == null ||
      !Number.isSafeInteger(durationMs) ||
      durationMs < 1 ||
      durationMs > VOICE_MAX_MS
    )
      throw new AppError('E_VALIDATION', ['durationMs: a voice message needs its length in ms'])
    return { types: VOICE_TYPES, mime: null }
  }
  const rule = ATTACHMENT_BY_EXTENSION[extensionOf(cleanFileName(name))]
  if (!rule) throw new AppError('E_FILE_TYPE')
  return { types: rule.bytes, mime: rule.mime }
}

/**
 * Stores an upload and its `files` row. E_FILE_TYPE for an extension SPEC T4 does not allow or bytes
 * that are not what the extension says (an `.exe` renamed `.jpg`), E_FILE_TOO_LARGE past 30 MB —
 * both before anything is kept. The body is left unread when refused before reading.
 */
export async function storeFile(q: Queryable, store: FileStore, input: StoreFileInput): Promise<FileView> {
  const maxBytes = input.maxBytes ?? ATTACHMENT_MAX_BYTES
  const declared = input.contentLength === undefined ? undefined : Number(input.contentLength)
  const declaredLength = declared !== undefined && Number.isFinite(declared) ? declared : undefined
  if (declaredLength !== undefined && declaredLength > maxBytes) throw new AppError('E_FILE_TOO_LARGE')
  const name = cleanFileName(input.name, input.kind === 'voice' ? 'voice' : 'file')
  const rule = uploadRule(name, input.kind, input.durationMs)
  // Uploads nobody sends are not free storage: so many bytes an hour per uploader (unsent.ts).
  // A channel's file is fetched for the message that carries it, so it is never an unsent upload.
  const unsentMax = input.unsentMaxBytes ?? UNSENT_MAX_BYTES
  const by = input.uploadedBy
  if (!('channelId' in by) && (await unsentBytes(q, input.tenantId, by)) + (declaredLength ?? 1) > unsentMax)
    throw new AppError('E_RATE_LIMITED')
  const got = await store.put(input.tenantId, input.body, { types: rule.types, maxBytes, declaredLength })
  const [row] = await q
    .insert(files)
    .values({
      tenantId: input.tenantId,
      sha256: got.sha256,
      name,
      type: rule.mime ?? got.type,
      size: got.size,
      durationMs: input.kind === 'voice' ? (input.durationMs ?? null) : null,
      uploadedByEmployee: 'employeeId' in input.uploadedBy ? input.uploadedBy.employeeId : null,
      uploadedByVisitor: 'visitorId' in input.uploadedBy ? input.uploadedBy.visitorId : null,
    })
    .returning()
  if (!row) throw new Error('file insert returned nothing')
  return fileView(row)
}

/** The tenant's file (for a download: its hash, type and name), or null. */
export async function fileForRead(q: Queryable, tenantId: string, fileId: string): Promise<FileRow | null> {
  const [row] = await q
    .select()
    .from(files)
    .where(and(eq(files.tenantId, tenantId), eq(files.id, fileId)))
  return row ?? null
}

/** A file the visitor may read: one they uploaded, or one sent in a chat of theirs; else null. */
export async function fileForVisitor(
  q: Queryable,
  tenantId: string,
  fileId: string,
  visitorId: string,
): Promise<FileRow | null> {
  const [row] = await q
    .selectDistinct({ f: files })
    .from(files)
    .leftJoin(messages, and(eq(messages.tenantId, files.tenantId), eq(messages.fileId, files.id)))
    .leftJoin(chats, and(eq(chats.tenantId, messages.tenantId), eq(chats.id, messages.chatId)))
    .where(
      and(
        eq(files.tenantId, tenantId),
        eq(files.id, fileId),
        or(eq(files.uploadedByVisitor, visitorId), eq(chats.visitorId, visitorId)),
      ),
    )
    .limit(1)
  return row?.f ?? null
}
