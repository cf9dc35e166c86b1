/**
 * Voice messages (T4): record with MediaRecorder, listen, record again, send.
 *
 *   idle ──record──▶ recording ──stop──▶ recorded ──send──▶ idle
 *                        │                  │ └──record again──▶ recording
 *                        └──── cancel ──────┴──▶ idle
 */
export interface Recorded {
  blob: Blob
  durationMs: number
}

export class VoiceRecorder {
  private rec: MediaRecorder | null = null
  private stream: MediaStream | null = null
  private started = 0

  /** Starts recording; rejects when there is no microphone or it is refused. */
  async start(): Promise<void> {
    this.stream = await navigator.mediaDevices.getUserMedia({ audio: true })
    const type = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm'].find((t) =>
      MediaRecorder.isTypeSupported(t),
    )
    this.rec = new MediaRecorder(this.stream, type ? { mimeType: type } : {})
    this.rec.start()
    this.started = performance.now()
  }

  /** Stops and returns the recording; null when nothing is being recorded (a late or double click). */
  stop(): Promise<Recorded | null> {
    const rec = this.rec
    if (!rec || rec.state === 'inactive') return Promise.resolve(null)
    const chunks: Blob[] = []
    const durationMs = performance.now() - this.started
    return new Promise((resolve) => {
      rec.ondataavailable = (e) => chunks.push(e.data)
      rec.onstop = () => {
        this.release()
        resolve({ blob: new Blob(chunks, { type: rec.mimeType.split(';')[0] || 'audio/webm' }), durationMs })
      }
      rec.stop()
    })
  }

  /** Drops a recording in progress. */
  cancel(): void {
    if (this.rec && this.rec.state !== 'inactive') {
      this.rec.onstop = () => this.release()
      this.rec.stop()
    } else this.release()
  }

  private release(): void {
    for (const t of this.stream?.getTracks() ?? []) t.stop()
    this.stream = null
    this.rec = null
  }
}
