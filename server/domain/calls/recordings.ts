/**
 * Call recordings (C8): the operator's app records both sides and uploads on hang-up, keyed by the
 * SIP Call-ID; the bytes go to the tenant's file store (server/files) by their sha256, so a retry of
 * the same bytes is a no-op. Only a participant of the call may upload, and only WebM or Ogg audio —
 * checked by the magic bytes, not only the declared Content-Type.
 */
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
import { declaredType, type FileStore } from '../../files/index.ts'

const { callRecordings, calls } = schema

/** `audio/webm;codecs=opus` → `audio/webm`; null for anything else. */
export function recordingType(contentType: string | undefined): RecordingType | null {
  return declaredType(contentType, RECORDING_TYPES)
}

/**
 * Stores an upload for the call with this SIP Call-ID; idempotent per (call, uploader, bytes).
 * Everything that can refuse it is checked before the body is read; a refusal leaves the body
 * unread for the HTTP layer to close (server/files acceptRawUploads).
 */
export async function saveRecording(
  db: Db,
  files: FileStore,
  input: {
    tenantId: string
    employeeId: string
    sipCallId: string
    contentType: string | undefined
    /** The request's Content-Length header, when it has one. */
    contentLength?: string | undefined
    body: Readable
    /** RECORDING_MAX_BYTES unless a test lowers it. */
    maxBytes?: number
  },
): Promise<RecordingUploaded> {
  const maxBytes = input.maxBytes ?? RECORDING_MAX_BYTES
  const declaredLength = input.contentLength === undefined ? undefined : Number(input.contentLength)
  // A declared size over the limit is refused before anything is read or looked up.
  if (declaredLength !== undefined && declaredLength > maxBytes) throw new AppError('E_FILE_TOO_LARGE')
  const type = recordingType(input.contentType)
  if (!type) throw new AppError('E_FILE_TYPE')
  const [call] = await db.orm
    .select()
    .from(calls)
    .where(and(eq(calls.tenantId, input.tenantId), eq(calls.sipCallId, input.sipCallId)))
  if (!call) throw new AppError('E_NOT_FOUND')
  // Before the answer report lands, anyone the call was offered to may be the one who answered.
  const participant =
    call.callerEmployeeId === input.employeeId ||
    call.answeredById === input.employeeId ||
    (call.answeredById === null && call.offeredIds.includes(input.employeeId))
  if (!participant) throw new AppError('E_NOT_PARTICIPANT')
  // The declared type must be what the bytes are: audio/ogg over WebM bytes is refused.
  const got = await files.put(input.tenantId, input.body, { types: [type], maxBytes, declaredLength })
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
