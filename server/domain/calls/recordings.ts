/**
 * Call recordings (C8): the operator's app records both sides and uploads on hang-up, keyed by the
 * SIP Call-ID; the file is stored once by its sha256 under DATA_DIR/files, so a retry of the same
 * bytes is a no-op. Only a participant of the call may upload, and only WebM or Ogg audio — checked
 * by the magic bytes, not only the declared Content-Type.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { and, eq } from 'drizzle-orm'
import {
  RECORDING_MAX_BYTES,
  RECORDING_TYPES,
  type RecordingType,
  type RecordingUploaded,
} from '../../../contract/calls.ts'
import { type Db, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'

const { callRecordings, calls } = schema

/** EBML header (WebM, RFC 9559 §8) and the Ogg capture pattern (RFC 3533 §6). */
const MAGIC: Record<RecordingType, Buffer> = {
  'audio/webm': Buffer.from([0x1a, 0x45, 0xdf, 0xa3]),
  'audio/ogg': Buffer.from('OggS', 'ascii'),
}

/** `audio/webm;codecs=opus` → `audio/webm`; null for anything else. */
export function recordingType(contentType: string | undefined): RecordingType | null {
  const base = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  return (RECORDING_TYPES as readonly string[]).includes(base) ? (base as RecordingType) : null
}

/**
 * Streams `body` into a temp file, hashing it; E_FILE_TOO_LARGE past the limit. Past the limit it
 * stops writing but keeps reading to the end (discarding): destroying the request would reset the
 * connection and the client would see a network error (and retry) instead of the 413.
 */
async function spool(body: Readable, dir: string, max: number) {
  await fs.promises.mkdir(path.join(dir, 'tmp'), { recursive: true })
  const tmp = path.join(dir, 'tmp', `${crypto.randomUUID()}.part`)
  const out = fs.createWriteStream(tmp, { mode: 0o600 })
  const hash = crypto.createHash('sha256')
  let size = 0
  let head = Buffer.alloc(0)
  let tooLarge = false
  try {
    // Never `break` out of this loop: leaving a for-await early destroys the stream.
    for await (const chunk of body) {
      const b = chunk as Buffer
      size += b.length
      if (tooLarge) continue
      if (size > max) {
        tooLarge = true
        out.destroy()
        continue
      }
      if (head.length < 8) head = Buffer.concat([head, b.subarray(0, 8 - head.length)])
      hash.update(b)
      if (!out.write(b)) await new Promise((r) => out.once('drain', r))
    }
    if (tooLarge) throw new AppError('E_FILE_TOO_LARGE')
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())))
  } catch (e) {
    out.destroy()
    // Drain whatever is left so the answer reaches the client (an aborted request just ends here).
    if (!body.destroyed) body.resume()
    await fs.promises.rm(tmp, { force: true })
    throw e
  }
  return { tmp, size, head, sha256: hash.digest('hex') }
}

/** Stores an upload for the call with this SIP Call-ID; idempotent per (call, uploader, bytes). */
export async function saveRecording(
  db: Db,
  filesDir: string,
  input: {
    tenantId: string
    employeeId: string
    sipCallId: string
    contentType: string | undefined
    /** The request's Content-Length header, when it has one. */
    contentLength?: string | undefined
    body: Readable
  },
): Promise<RecordingUploaded> {
  // A declared size over the limit is refused before anything is read or looked up.
  const declared = input.contentLength === undefined ? Number.NaN : Number(input.contentLength)
  if (declared > RECORDING_MAX_BYTES) {
    input.body.resume()
    throw new AppError('E_FILE_TOO_LARGE')
  }
  const type = recordingType(input.contentType)
  if (!type) {
    input.body.resume()
    throw new AppError('E_FILE_TYPE')
  }
  const [call] = await db.orm
    .select()
    .from(calls)
    .where(and(eq(calls.tenantId, input.tenantId), eq(calls.sipCallId, input.sipCallId)))
  if (!call) {
    input.body.resume()
    throw new AppError('E_NOT_FOUND')
  }
  // Before the answer report lands, anyone the call was offered to may be the one who answered.
  const participant =
    call.callerEmployeeId === input.employeeId ||
    call.answeredById === input.employeeId ||
    (call.answeredById === null && call.offeredIds.includes(input.employeeId))
  if (!participant) {
    input.body.resume()
    throw new AppError('E_NOT_PARTICIPANT')
  }
  const got = await spool(input.body, filesDir, RECORDING_MAX_BYTES)
  if (got.size < MAGIC[type].length || !got.head.subarray(0, MAGIC[type].length).equals(MAGIC[type])) {
    await fs.promises.rm(got.tmp, { force: true })
    throw new AppError('E_FILE_TYPE')
  }
  const final = path.join(filesDir, got.sha256)
  if (fs.existsSync(final)) await fs.promises.rm(got.tmp, { force: true })
  else await fs.promises.rename(got.tmp, final)
  await db.orm
    .insert(callRecordings)
    .values({
      tenantId: input.tenantId,
      callId: call.id,
      employeeId: input.employeeId,
      sha256: got.sha256,
      type,
      size: got.size,
    })
    .onConflictDoUpdate({
      target: [callRecordings.callId, callRecordings.employeeId],
      set: { sha256: got.sha256, type, size: got.size },
    })
  return { sipCallId: input.sipCallId, callId: call.id, sha256: got.sha256, size: got.size, type }
}

/** A byte range of a file of `size` bytes from a Range header (RFC 9110 §14.1.2), or 'unsatisfiable'. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  // Multiple ranges or other units: serve the whole file, as RFC 9110 permits.
  if (!m || (m[1] === '' && m[2] === '')) return null
  let start: number
  let end: number
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0) return 'unsatisfiable'
    start = Math.max(0, size - suffix)
    end = size - 1
  } else {
    start = Number(m[1])
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  }
  if (start >= size || start > end) return 'unsatisfiable'
  return { start, end }
}

/** Path of a stored file by its hash. */
export function storedPath(filesDir: string, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError('E_NOT_FOUND')
  return path.join(filesDir, sha256)
}
