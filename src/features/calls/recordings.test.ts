import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { RECORDING_MAX_BYTES } from '../../../contract/calls.ts'
import { en } from '../../lib/i18n/en.ts'
import { ru } from '../../lib/i18n/ru.ts'
import { type FrontlineDb, openDb } from '../../lib/store/db.ts'
import { type OutboxKind, type OutboxRun, startOutbox } from '../../lib/sync/index.ts'
import {
  deleteRecordingCopy,
  enqueueRecording,
  preflightStatus,
  recordingSender,
  refusalReasonKey,
  refusedRecording,
} from './recordings.ts'

let db: FrontlineDb | null = null
let run: OutboxRun | null = null
afterEach(async () => {
  run?.stop()
  run = null
  vi.unstubAllGlobals()
  db?.close()
  if (db) await db.delete()
  db = null
})

const rec = (sipCallId: string) => ({
  sipCallId,
  blob: new Blob([new Uint8Array([1, 2, 3])], { type: 'audio/webm' }),
  mimeType: 'audio/webm;codecs=opus',
  durationMs: 1000,
})

/** The outbox of `d` with the recording sender (and a record of what the operator was told). */
function outbox(d: FrontlineDb, told: string[] = []) {
  const sender = recordingSender(() => 'tok')
  const senders = new Map<OutboxKind, never>([
    [
      'recording',
      {
        send: sender.send,
        onRefused: (i: { id: string; lastError: string | null }) => told.push(`${i.id} ${i.lastError}`),
      } as never,
    ],
  ])
  run = startOutbox(d, { ready: () => true, senders })
  return run
}

describe('refused recordings (C8)', () => {
  it('a recording over the server limit is refused as 413 without sending it', () => {
    expect(preflightStatus(RECORDING_MAX_BYTES + 1)).toBe(413)
    expect(preflightStatus(RECORDING_MAX_BYTES)).toBeNull()
  })

  it('names the reason in both languages', () => {
    for (const code of [400, 403, 413, 415]) {
      const key = refusalReasonKey(`HTTP ${code}`)
      expect(key).toBe(`calls.recordingRefused.${code}`)
      expect(en[key]).toBeTruthy()
      expect(ru[key]).toBeTruthy()
    }
    expect(refusalReasonKey('HTTP 500')).toBe('calls.recordingRefused.other')
    expect(refusalReasonKey(null)).toBe('calls.recordingRefused.other')
    expect(en['calls.deleteRecordingCopy']).toBe('Delete recording copy')
    expect(ru['calls.deleteRecordingCopy']).toBeTruthy()
  })

  it('a 413 answer keeps the copy as refused (not retried) until the operator deletes it', async () => {
    db = openDb(`rec-${Math.random()}`)
    const fetchMock = vi.fn(async () => new Response(null, { status: 413 }))
    vi.stubGlobal('fetch', fetchMock)
    const told: string[] = []
    await enqueueRecording(db, rec('call-1'))
    const r = outbox(db, told)
    await r.idle()
    r.kick()
    await r.idle()
    expect(fetchMock).toHaveBeenCalledTimes(1)
    expect(told).toEqual(['recording:call-1 HTTP 413'])
    const row = await refusedRecording(db, 'call-1')
    expect(row).toMatchObject({ state: 'refused', lastError: 'HTTP 413', payload: { sipCallId: 'call-1' } })
    expect(refusalReasonKey(row?.lastError ?? null)).toBe('calls.recordingRefused.413')
    await deleteRecordingCopy(db, 'call-1')
    expect(await db.outbox.get('recording:call-1')).toBeUndefined()
  })

  it('a recording still waiting for upload is neither shown as refused nor deletable', async () => {
    db = openDb(`rec-${Math.random()}`)
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(null, { status: 503 })),
    )
    await enqueueRecording(db, rec('call-2'))
    await outbox(db).idle()
    expect(await refusedRecording(db, 'call-2')).toBeNull()
    await deleteRecordingCopy(db, 'call-2')
    expect(await db.outbox.get('recording:call-2')).toMatchObject({
      state: 'failed-retryable',
      lastError: 'HTTP 503',
    })
  })

  it('a 404 (the call record is not there yet) is retried, not refused; the upload is a PUT by Call-ID', async () => {
    db = openDb(`rec-${Math.random()}`)
    const fetchMock = vi.fn(async (_url: string, _init: RequestInit) => new Response(null, { status: 404 }))
    vi.stubGlobal('fetch', fetchMock)
    await enqueueRecording(db, rec('call-3'))
    await outbox(db).idle()
    expect(await db.outbox.get('recording:call-3')).toMatchObject({
      state: 'failed-retryable',
      lastError: 'HTTP 404',
    })
    const [url, init] = fetchMock.mock.calls[0] ?? []
    expect(url).toBe('/api/calls/recording/call-3')
    expect(init).toMatchObject({
      method: 'PUT',
      headers: { authorization: 'Bearer tok', 'content-type': 'audio/webm' },
    })
  })
})
