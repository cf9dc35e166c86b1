import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { RECORDING_MAX_BYTES } from '../../../contract/calls.ts'
import { en } from '../../lib/i18n/en.ts'
import { ru } from '../../lib/i18n/ru.ts'
import { type FrontlineDb, openDb } from '../../lib/store/db.ts'
import {
  deleteRecordingCopy,
  enqueueRecording,
  onRecordingRefused,
  preflightStatus,
  refusalReasonKey,
  refusedRecording,
  stopRecordingUploads,
} from './recordings.ts'

let db: FrontlineDb | null = null
afterEach(async () => {
  stopRecordingUploads()
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
    onRecordingRefused((id, err) => told.push(`${id} ${err}`))
    await enqueueRecording(db, rec('call-1'), () => 'tok')
    onRecordingRefused(null)
    expect(fetchMock).toHaveBeenCalledTimes(1)
    expect(told).toEqual(['call-1 HTTP 413'])
    const row = await refusedRecording(db, 'call-1')
    expect(row).toMatchObject({ state: 'rejected', lastError: 'HTTP 413', nextAt: Number.MAX_SAFE_INTEGER })
    expect(refusalReasonKey(row?.lastError ?? null)).toBe('calls.recordingRefused.413')
    await deleteRecordingCopy(db, 'call-1')
    expect(await db.recordings.get('call-1')).toBeUndefined()
  })

  it('a recording still waiting for upload is neither shown as refused nor deletable', async () => {
    db = openDb(`rec-${Math.random()}`)
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(null, { status: 503 })),
    )
    await enqueueRecording(db, rec('call-2'), () => 'tok')
    expect(await refusedRecording(db, 'call-2')).toBeNull()
    await deleteRecordingCopy(db, 'call-2')
    expect(await db.recordings.get('call-2')).toMatchObject({ state: 'pending', lastError: 'HTTP 503' })
  })
})
