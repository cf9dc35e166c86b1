/**
 * Voice message (T4): record (MediaRecorder), stop, listen, record again, send — with the duration.
 * ```
 *   idle ──record──▶ recording ──stop──▶ recorded ──send──▶ idle
 *     ▲                  │                  │ └─ re-record ──▶ recording
 *     └──── mic denied ──┘                  └─ delete ──▶ idle
 * ```
 * The duration is measured while recording: a MediaRecorder WebM often says Infinity until played.
 */
import { createSignal, Match, onCleanup, Switch } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import { ChatIcon } from './ChatIcon.tsx'
import { durationText } from './files.ts'

type Rec =
  | { kind: 'idle' }
  | { kind: 'recording'; startedAt: number; recorder: MediaRecorder; stream: MediaStream }
  | { kind: 'recorded'; blob: Blob; url: string; durationMs: number }

export function VoiceRecorder(props: {
  onSend: (v: { blob: Blob; type: string; durationMs: number }) => void
  onError: (text: string) => void
  onActive: (active: boolean) => void
}) {
  const [rec, setRec] = createSignal<Rec>({ kind: 'idle' })
  const [now, setNow] = createSignal(Date.now())
  let tick: ReturnType<typeof setInterval> | undefined
  const set = (r: Rec) => {
    const prev = rec()
    if (prev.kind === 'recorded' && (r.kind !== 'recorded' || r.url !== prev.url))
      URL.revokeObjectURL(prev.url)
    setRec(r)
    props.onActive(r.kind !== 'idle')
  }
  const start = async () => {
    let stream: MediaStream
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true })
    } catch {
      props.onError(t('composer.micDenied'))
      set({ kind: 'idle' })
      return
    }
    const type = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm'].find((x) =>
      MediaRecorder.isTypeSupported(x),
    )
    const recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined)
    const chunks: Blob[] = []
    const startedAt = Date.now()
    recorder.ondataavailable = (e) => {
      if (e.data.size > 0) chunks.push(e.data)
    }
    recorder.onstop = () => {
      clearInterval(tick)
      for (const tr of stream.getTracks()) tr.stop()
      const blob = new Blob(chunks, { type: (recorder.mimeType || 'audio/webm').split(';')[0] })
      set({ kind: 'recorded', blob, url: URL.createObjectURL(blob), durationMs: Date.now() - startedAt })
    }
    recorder.start(250)
    setNow(Date.now())
    tick = setInterval(() => setNow(Date.now()), 250)
    set({ kind: 'recording', startedAt, recorder, stream })
  }
  const stop = () => {
    const r = rec()
    if (r.kind === 'recording') r.recorder.stop()
  }
  onCleanup(() => {
    clearInterval(tick)
    const r = rec()
    if (r.kind === 'recording') {
      r.recorder.onstop = null
      r.recorder.stop()
      for (const tr of r.stream.getTracks()) tr.stop()
    }
    if (r.kind === 'recorded') URL.revokeObjectURL(r.url)
  })
  return (
    <Switch>
      <Match when={rec().kind === 'idle'}>
        <button
          type="button"
          class="icon-btn"
          aria-label={t('composer.record')}
          title={t('composer.record')}
          onClick={() => void start()}
        >
          <ChatIcon name="mic" />
        </button>
      </Match>
      <Match when={rec().kind === 'recording' && (rec() as Extract<Rec, { kind: 'recording' }>)}>
        {(r) => (
          <span class="voice-bar">
            <span class="voice-dot" aria-hidden="true" />
            <span role="timer">
              {t('composer.recording', { duration: durationText(now() - r().startedAt) })}
            </span>
            <button type="button" class="btn btn-small" onClick={stop}>
              {t('composer.stopRecording')}
            </button>
          </span>
        )}
      </Match>
      <Match when={rec().kind === 'recorded' && (rec() as Extract<Rec, { kind: 'recorded' }>)}>
        {(r) => (
          <span class="voice-bar">
            {/* biome-ignore lint/a11y/useMediaCaption: the operator's own voice message */}
            <audio
              src={r().url}
              controls
              aria-label={t('composer.listen', { duration: durationText(r().durationMs) })}
            />
            <span class="voice-dur">{durationText(r().durationMs)}</span>
            <button
              type="button"
              class="icon-btn"
              aria-label={t('composer.cancelVoice')}
              onClick={() => set({ kind: 'idle' })}
            >
              <ChatIcon name="delete" />
            </button>
            <button
              type="button"
              class="icon-btn"
              aria-label={t('composer.rerecord')}
              onClick={() => void start()}
            >
              <ChatIcon name="redo" />
            </button>
            <button
              type="button"
              class="btn btn-primary btn-small"
              aria-label={t('composer.sendVoice')}
              onClick={() => {
                const x = r()
                props.onSend({ blob: x.blob, type: x.blob.type || 'audio/webm', durationMs: x.durationMs })
                set({ kind: 'idle' })
              }}
            >
              {t('composer.send')}
            </button>
          </span>
        )}
      </Match>
    </Switch>
  )
}
