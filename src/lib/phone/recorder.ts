/**
 * Call recording (ARCHITECTURE "Calls"): the operator's app mixes both sides with WebAudio and records
 * the mix with MediaRecorder; the Blob goes to the caller's callback on hang-up for upload.
 */
import { audioContext } from './media.ts'

export interface Recording {
  /** SIP Call-ID, links the upload to the server's call record (C8). */
  sipCallId: string
  blob: Blob
  mimeType: string
  durationMs: number
}

export interface ActiveRecorder {
  /** Stop and resolve with the recording (empty Blob if nothing was captured). */
  stop(): Promise<Blob>
  mimeType: string
}

const PREFERRED = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/mp4']

/** Start recording the mix of the given streams (local microphone and remote party). */
export function startRecorder(streams: MediaStream[]): ActiveRecorder | null {
  if (typeof MediaRecorder === 'undefined') return null
  const ctx = audioContext()
  const dest = ctx.createMediaStreamDestination()
  const sources = streams
    .filter((s) => s.getAudioTracks().length > 0)
    .map((s) => {
      const node = ctx.createMediaStreamSource(s)
      node.connect(dest)
      return node
    })
  const mimeType = PREFERRED.find((t) => MediaRecorder.isTypeSupported(t)) ?? ''
  const rec = new MediaRecorder(dest.stream, mimeType ? { mimeType } : undefined)
  const chunks: Blob[] = []
  rec.ondataavailable = (e) => {
    if (e.data.size > 0) chunks.push(e.data)
  }
  // A timeslice keeps memory bounded on long calls and loses at most 1 s if the tab dies.
  rec.start(1000)
  return {
    mimeType: rec.mimeType,
    stop: () =>
      new Promise<Blob>((resolve) => {
        const done = () => {
          for (const n of sources) n.disconnect()
          resolve(new Blob(chunks, { type: rec.mimeType }))
        }
        if (rec.state === 'inactive') return done()
        rec.onstop = done
        rec.stop()
      }),
  }
}
