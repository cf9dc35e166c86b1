/**
 * Sounds and audio routing for calls: hold music as a sendable track (C4 "the other side hears hold
 * music"), the ringtone, remote audio playback and output-device choice (setSinkId where supported).
 * Sounds are synthesised into AudioBuffers so the phone works before any asset is cached; a URL to a
 * real recording can replace them.
 */

let shared: AudioContext | null = null

/** One AudioContext per page; resumed on use because autoplay policy may start it suspended. */
export function audioContext(): AudioContext {
  shared ??= new AudioContext()
  if (shared.state === 'suspended') void shared.resume()
  return shared
}

/** A looping AudioBuffer source whose output is a MediaStreamTrack or the speakers. */
export interface LoopingSound {
  /** The track to send (hold music); absent for sounds played locally. */
  track: MediaStreamTrack | null
  stop(): void
}

const bufferCache = new Map<string, Promise<AudioBuffer>>()

function loadBuffer(ctx: AudioContext, url: string): Promise<AudioBuffer> {
  let p = bufferCache.get(url)
  if (!p) {
    p = fetch(url)
      .then((r) => r.arrayBuffer())
      .then((b) => ctx.decodeAudioData(b))
    bufferCache.set(url, p)
  }
  return p
}

/** A calm 8-second arpeggio (A minor – F – C – G), soft attack and decay per note. */
export function synthHoldMusic(ctx: BaseAudioContext): AudioBuffer {
  const rate = ctx.sampleRate
  const buf = ctx.createBuffer(1, rate * 8, rate)
  const data = buf.getChannelData(0)
  const chords = [
    [220, 261.63, 329.63],
    [174.61, 220, 261.63],
    [261.63, 329.63, 392],
    [196, 246.94, 293.66],
  ]
  const noteLen = 2 / 3
  for (let n = 0; n < 12; n++) {
    const freq = chords[Math.floor(n / 3)]?.[n % 3] ?? 220
    const start = Math.floor(n * noteLen * rate)
    const len = Math.floor(noteLen * 1.5 * rate)
    for (let i = 0; i < len && start + i < data.length; i++) {
      const t = i / rate
      const env = Math.min(1, t / 0.02) * Math.exp(-3 * t)
      data[start + i] = (data[start + i] ?? 0) + 0.25 * env * Math.sin(2 * Math.PI * freq * t)
    }
  }
  return buf
}

/** Russian ring-back cadence (GOST: 425 Hz, 0.8 s on, 3.2 s off) as a 4-second buffer. */
export function synthRingtone(ctx: BaseAudioContext, freq = 425): AudioBuffer {
  const rate = ctx.sampleRate
  const buf = ctx.createBuffer(1, rate * 4, rate)
  const data = buf.getChannelData(0)
  for (let i = 0; i < rate * 0.8; i++) data[i] = 0.3 * Math.sin((2 * Math.PI * freq * i) / rate)
  return buf
}

function loop(ctx: AudioContext, buffer: AudioBuffer, toTrack: boolean): LoopingSound {
  const src = ctx.createBufferSource()
  src.buffer = buffer
  src.loop = true
  let track: MediaStreamTrack | null = null
  if (toTrack) {
    const dest = ctx.createMediaStreamDestination()
    src.connect(dest)
    track = dest.stream.getAudioTracks()[0] ?? null
  } else {
    src.connect(ctx.destination)
  }
  src.start()
  return {
    track,
    stop: () => {
      src.stop()
      src.disconnect()
      track?.stop()
    },
  }
}

/** Start hold music as a track to put into the RTCRtpSender (replaceTrack). */
export async function startHoldMusic(url?: string): Promise<LoopingSound> {
  const ctx = audioContext()
  const buffer = url ? await loadBuffer(ctx, url) : synthHoldMusic(ctx)
  return loop(ctx, buffer, true)
}

/** Ring locally for an incoming call until stopped. */
export async function startRingtone(url?: string): Promise<LoopingSound> {
  const ctx = audioContext()
  const buffer = url ? await loadBuffer(ctx, url) : synthRingtone(ctx)
  return loop(ctx, buffer, false)
}

type SinkCapable = HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> }

/** Route an element's output to a device; false where the browser has no setSinkId (e.g. iOS Safari). */
export async function setOutputDevice(el: HTMLMediaElement, deviceId: string): Promise<boolean> {
  const sink = el as SinkCapable
  if (typeof sink.setSinkId !== 'function') return false
  await sink.setSinkId(deviceId)
  return true
}

/** Audio output devices (labels appear only after microphone permission, A3). */
export async function listOutputDevices(): Promise<MediaDeviceInfo[]> {
  const all = await navigator.mediaDevices.enumerateDevices()
  return all.filter((d) => d.kind === 'audiooutput')
}

/** Play a call's remote audio through a detached <audio> element; returns it so the sink can change. */
export function playRemote(stream: MediaStream, deviceId: string | null): HTMLAudioElement {
  const el = new Audio()
  el.autoplay = true
  el.srcObject = stream
  if (deviceId) void setOutputDevice(el, deviceId).catch(() => undefined)
  void el.play().catch(() => undefined)
  return el
}
