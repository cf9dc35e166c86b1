/**
 * Recording upload (C8): the phone hands over each answered call's recording on hang-up; it is kept
 * in Dexie (`recordings`, schema v2) and PUT to /api/calls/recording/:sipCallId until the server
 * accepts it — retried with backoff, across reloads, never dropped silently.
 */
import { RECORDING_MAX_BYTES } from '../../../contract/calls.ts'
import type { MessageKey } from '../../lib/i18n/index.ts'
import type { FrontlineDb, RecordingRow } from '../../lib/store/index.ts'

/** The part of a phone Recording the queue needs (structural: no import of the lazy phone chunk). */
export interface RecordingInput {
  sipCallId: string
  blob: Blob
  mimeType: string
  durationMs: number
}

/** Retry delay after `attempts` failures: 2 s, 4 s … capped at 5 min. */
export function retryDelayMs(attempts: number): number {
  return Math.min(300_000, 2000 * 2 ** Math.max(0, attempts - 1))
}

/** The server takes audio/webm or audio/ogg; MediaRecorder reports codecs too (`audio/webm;codecs=opus`). */
export function uploadType(mimeType: string): string {
  const base = mimeType.split(';')[0]?.trim().toLowerCase() ?? ''
  return base === 'audio/ogg' ? 'audio/ogg' : 'audio/webm'
}

/** Outcome of one upload attempt, by HTTP status: done, retry later, or refused for good. */
export function uploadOutcome(status: number): 'done' | 'retry' | 'rejected' {
  if (status >= 200 && status < 300) return 'done'
  // 400 bad bytes, 403 not a participant of that call, 413 too big, 415 type: the same bytes again cannot help.
  if (status === 400 || status === 403 || status === 413 || status === 415) return 'rejected'
  // 404 (the call record may not exist yet: the PBX reports the dialog end in parallel), 401, 5xx…
  return 'retry'
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
export async function refusedRecording(db: FrontlineDb, sipCallId: string): Promise<RecordingRow | null> {
  const row = await db.recordings.get(sipCallId)
  return row?.state === 'rejected' ? row : null
}

/** The operator deletes a refused recording's copy (C8 details: "Delete recording copy"). */
export async function deleteRecordingCopy(db: FrontlineDb, sipCallId: string): Promise<void> {
  const row = await db.recordings.get(sipCallId)
  if (row?.state === 'rejected') await db.recordings.delete(sipCallId)
}

type RefusedListener = (sipCallId: string, lastError: string) => void
let refusedListener: RefusedListener | null = null

/** Tell the operator when the server refuses a recording for good (the app shows a toast). */
export function onRecordingRefused(fn: RefusedListener | null): void {
  refusedListener = fn
}

let timer: ReturnType<typeof setTimeout> | undefined
let running: Promise<void> | null = null

/** Keep a recording and try to upload it now. */
export async function enqueueRecording(
  db: FrontlineDb,
  r: RecordingInput,
  token: () => string | null,
): Promise<void> {
  if (r.blob.size === 0) return
  const row: RecordingRow = {
    sipCallId: r.sipCallId,
    blob: r.blob,
    type: uploadType(r.mimeType),
    durationMs: r.durationMs,
    createdAt: new Date().toISOString(),
    attempts: 0,
    nextAt: Date.now(),
    state: 'pending',
    lastError: null,
  }
  await db.recordings.put(row)
  await drainRecordings(db, token)
}

/** Upload every due recording; schedules itself for the next due one. */
export function drainRecordings(db: FrontlineDb, token: () => string | null): Promise<void> {
  running ??= drain(db, token).finally(() => {
    running = null
  })
  return running
}

async function drain(db: FrontlineDb, token: () => string | null): Promise<void> {
  clearTimeout(timer)
  const due = await db.recordings.where('nextAt').belowOrEqual(Date.now()).toArray()
  for (const row of due) {
    if (row.state !== 'pending') continue
    const tok = token()
    if (!tok) break
    let status = preflightStatus(row.blob.size) ?? 0
    if (!status)
      try {
        const res = await fetch(`/api/calls/recording/${encodeURIComponent(row.sipCallId)}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${tok}`, 'content-type': row.type },
          body: row.blob,
        })
        status = res.status
      } catch {
        status = 0
      }
    const outcome = uploadOutcome(status)
    const lastError = status === 0 ? 'network' : `HTTP ${status}`
    if (outcome === 'done') await db.recordings.delete(row.sipCallId)
    else
      await db.recordings.update(row.sipCallId, {
        attempts: row.attempts + 1,
        nextAt: outcome === 'retry' ? Date.now() + retryDelayMs(row.attempts + 1) : Number.MAX_SAFE_INTEGER,
        state: outcome === 'retry' ? 'pending' : 'rejected',
        lastError,
      })
    if (outcome === 'rejected') refusedListener?.(row.sipCallId, lastError)
  }
  const next = await db.recordings.orderBy('nextAt').first()
  if (next && next.state === 'pending' && db.isOpen())
    timer = setTimeout(() => void drainRecordings(db, token), Math.max(1000, next.nextAt - Date.now()))
}

/** Stop retrying (account switch); pending rows stay for next time. */
export function stopRecordingUploads(): void {
  clearTimeout(timer)
}
