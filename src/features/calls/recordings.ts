/**
 * Recording upload (C8): the phone hands over each answered call's recording on hang-up; it is an
 * item of the outbox (src/lib/sync/outbox.ts, kind `recording`) and PUT to
 * /api/calls/recording/:sipCallId until the server accepts it — retried with the outbox's backoff,
 * across reloads, never dropped silently; a refusal is kept for the operator to see and delete.
 */
import { RECORDING_MAX_BYTES } from '../../../contract/calls.ts'
import { type MessageKey, t } from '../../lib/i18n/index.ts'
import type { FrontlineDb } from '../../lib/store/index.ts'
import {
  discardRefused,
  enqueue,
  type ItemOf,
  outcomeOfStatus,
  type Sender,
  type SendOutcome,
} from '../../lib/sync/index.ts'

/** The part of a phone Recording the queue needs (structural: no import of the lazy phone chunk). */
export interface RecordingInput {
  sipCallId: string
  blob: Blob
  mimeType: string
  durationMs: number
}

/** The server takes audio/webm or audio/ogg; MediaRecorder reports codecs too (`audio/webm;codecs=opus`). */
export function uploadType(mimeType: string): string {
  const base = mimeType.split(';')[0]?.trim().toLowerCase() ?? ''
  return base === 'audio/ogg' ? 'audio/ogg' : 'audio/webm'
}

/**
 * Outcome of one upload attempt, by HTTP status: the outbox's one policy (2xx sent; 408, 429, 5xx,
 * network retried; other 4xx refused), except two answers that may change on their own: 404 (the
 * call record may not exist yet: the PBX reports the dialog end in parallel) and 401 (signed in again).
 */
export function uploadOutcome(status: number): SendOutcome {
  if (status === 404 || status === 401) return { kind: 'retry', error: `HTTP ${status}` }
  return outcomeOfStatus(status)
}

/**
 * Status to record before any request: a recording over the server's limit (contract
 * RECORDING_MAX_BYTES) is refused for good (413) — sending 50+ MB to be told so helps nobody.
 */
export function preflightStatus(size: number): number | null {
  return size > RECORDING_MAX_BYTES ? 413 : null
}

/** Why the server refused a kept recording (`lastError` is `HTTP <status>`), as a message key. */
export function refusalReasonKey(lastError: string | null): MessageKey {
  const code = /^HTTP (\d{3})$/.exec(lastError ?? '')?.[1]
  return code === '400' || code === '403' || code === '413' || code === '415'
    ? `calls.recordingRefused.${code}`
    : 'calls.recordingRefused.other'
}

/** The recording the server refused for good for this call, if this device keeps one. */
export async function refusedRecording(
  db: FrontlineDb,
  sipCallId: string,
): Promise<ItemOf<'recording'> | null> {
  const row = await db.outbox.get(recordingId(sipCallId))
  return row?.kind === 'recording' && row.state === 'refused' ? (row as ItemOf<'recording'>) : null
}

/** The operator deletes a refused recording's copy (C8 details: "Delete recording copy"). */
export async function deleteRecordingCopy(db: FrontlineDb, sipCallId: string): Promise<void> {
  await discardRefused(db, recordingId(sipCallId))
}

/** A recording's outbox id and key: its Call-ID, which the server's upload is keyed by too (idempotent). */
export function recordingId(sipCallId: string): string {
  return `recording:${sipCallId}`
}

/** Keep a recording in the outbox (it leaves when online and the link is live). */
export async function enqueueRecording(db: FrontlineDb, r: RecordingInput): Promise<void> {
  if (r.blob.size === 0) return
  const id = recordingId(r.sipCallId)
  await enqueue(db, {
    kind: 'recording',
    id,
    // Each call on its own key: a recording waiting for its call record (404) holds up no other.
    key: id,
    payload: { sipCallId: r.sipCallId, blob: r.blob, type: uploadType(r.mimeType), durationMs: r.durationMs },
  })
}

/** What the operator is told when the server refuses a recording for good (C8). */
export function refusedText(lastError: string | null): string {
  return t('calls.recordingRefusedToast', { reason: t(refusalReasonKey(lastError)) })
}

/** The recording sender: PUT /api/calls/recording/:sipCallId with the session's token. */
export function recordingSender(token: () => string | null): Sender<'recording'> {
  return {
    async send(item) {
      const { sipCallId, blob, type } = item.payload
      const pre = preflightStatus(blob.size)
      if (pre) return uploadOutcome(pre)
      const tok = token()
      if (!tok) return { kind: 'retry', error: 'signed out' }
      try {
        const res = await fetch(`/api/calls/recording/${encodeURIComponent(sipCallId)}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${tok}`, 'content-type': type },
          body: blob,
        })
        return uploadOutcome(res.status)
      } catch {
        return uploadOutcome(0)
      }
    },
  }
}
