/**
 * One call: glue between a SIP.js Session (Inviter or Invitation) and the pure call machine in
 * state.ts. Owns the call's media extras: hold music in the sender, mute, DTMF, recording, playback.
 */
import {
  type Invitation,
  Inviter,
  type Referral,
  type Session,
  type SessionDescriptionHandler,
  SessionState,
  type URI,
} from 'sip.js'
import { type LoopingSound, playRemote, startHoldMusic } from './media.ts'
import { type ActiveRecorder, type Recording, startRecorder } from './recorder.ts'
import {
  type CallEvent,
  type CallState,
  callReducer,
  type EndCause,
  endFromResponse,
  newCall,
} from './state.ts'

/** What a call needs from its phone. */
export interface CallDeps {
  changed: () => void
  now: () => number
  holdMusicUrl?: string
  outputDeviceId: string | null
  onRecording?: (r: Recording) => void
  /** RFC 3515: the remote party of `session` asks us to call someone else (we are the transferee). */
  onReferred: (referral: Referral, session: Session) => void
  /** Media constraints for getUserMedia (audio only). */
  media: { constraints: { audio: boolean; video: false } }
}

/** RTP byte counters from getStats (for tests and a call-quality hint). */
export interface AudioStats {
  inBytes: number
  outBytes: number
  /** Inbound audio level 0..1 (RFC 6464 style, from getStats): near 0 when the other side is muted. */
  inLevel: number
  direction: string
}

type WebSdh = SessionDescriptionHandler & {
  peerConnection?: RTCPeerConnection
  remoteMediaStream: MediaStream
  localMediaStream: MediaStream
}

export class CallHandle {
  state: CallState
  /** Last DTMF tones that actually left through RTP (RFC 4733), from RTCDTMFSender tonechange. */
  dtmfSent = ''
  private pendingEnd: EndCause | null = null
  private music: LoopingSound | null = null
  private recorder: ActiveRecorder | null = null
  private player: HTMLAudioElement | null = null

  constructor(
    readonly session: Session,
    direction: 'incoming' | 'outgoing',
    private readonly deps: CallDeps,
  ) {
    const remote = session.remoteIdentity
    this.state = newCall(session.id, direction, remote.uri.user ?? '', remote.displayName || null)
    this.state = { ...this.state, sipCallId: (session as Inviter | Invitation).request.callId }
    session.stateChange.addListener((s) => this.onSessionState(s))
    session.delegate = {
      ...session.delegate,
      // A delegate's onBye owns the answer (SIP.js only sends 200 itself without one): answer at
      // once, or the other side waits for the proxy's 408 (RFC 3261 §15.1.2: the UAS MUST send 2xx).
      onBye: (bye) => {
        this.pendingEnd ??= { kind: 'remote_hangup', code: null, reason: 'BYE' }
        void bye.accept().catch(() => undefined)
      },
      // A CANCEL with `Reason: SIP;cause=200` (RFC 3326) means a colleague took the call.
      onCancel: (cancel) => {
        const reason = cancel.request.getHeader('Reason') ?? ''
        if (/cause=200\b|elsewhere/i.test(reason))
          this.pendingEnd ??= { kind: 'cancelled', code: 200, reason: 'Answered elsewhere' }
      },
      onRefer: (referral) => deps.onReferred(referral, session),
      // A re-INVITE from the other side: sendonly/inactive means they put us on hold (RFC 3264 §8.4).
      onInvite: (request) => {
        const sdp = request.body ?? ''
        if (sdp) this.apply({ type: 'remoteHold', on: /^a=(sendonly|inactive)\s*$/m.test(sdp) })
      },
    }
    this.apply(
      direction === 'outgoing' ? { type: 'dial', at: deps.now() } : { type: 'invite', at: deps.now() },
    )
  }

  get id(): string {
    return this.state.id
  }

  private get sdh(): WebSdh | undefined {
    return this.session.sessionDescriptionHandler as WebSdh | undefined
  }

  private apply(e: CallEvent): void {
    const next = callReducer(this.state, e)
    if (next !== this.state) {
      this.state = next
      this.deps.changed()
    }
  }

  private onSessionState(s: SessionState): void {
    if (s === SessionState.Established) {
      this.apply({ type: 'answered', at: this.deps.now() })
      const sdh = this.sdh
      // (A signalling-only handler, as in the Node tests, has no media to play or record.)
      if (sdh?.remoteMediaStream) {
        this.player = playRemote(sdh.remoteMediaStream, this.deps.outputDeviceId)
        if (this.deps.onRecording)
          this.recorder = startRecorder([sdh.localMediaStream, sdh.remoteMediaStream])
      }
    } else if (s === SessionState.Terminated) {
      // SIP.js moves an Inviter to Terminated before it calls requestDelegate.onReject, so wait a
      // microtask for the final response (the failure reason, C8) to arrive.
      queueMicrotask(() => void this.finish())
    }
  }

  private async finish(): Promise<void> {
    const answered = this.state.answeredAt !== null
    const cause: EndCause =
      this.pendingEnd ??
      (answered
        ? { kind: 'remote_hangup', code: null, reason: 'BYE' }
        : this.state.direction === 'incoming'
          ? { kind: 'cancelled', code: 487, reason: 'Caller cancelled' }
          : { kind: 'failed', code: null, reason: 'Terminated' })
    this.apply({ type: 'ended', at: this.deps.now(), cause })
    this.music?.stop()
    this.music = null
    if (this.player) this.player.srcObject = null
    const rec = this.recorder
    this.recorder = null
    if (rec && this.deps.onRecording) {
      const blob = await rec.stop()
      this.deps.onRecording({
        sipCallId: this.state.sipCallId ?? this.state.id,
        blob,
        mimeType: rec.mimeType,
        durationMs: (this.state.endedAt ?? 0) - (this.state.answeredAt ?? 0),
      })
    }
  }

  /** Send the INVITE (outgoing calls); the failure reason comes from the final response. */
  async invite(): Promise<void> {
    if (!(this.session instanceof Inviter)) throw new Error('not an outgoing call')
    await this.session.invite({
      requestDelegate: {
        onProgress: (r) => {
          if (r.message.statusCode === 180 || r.message.statusCode === 183) this.apply({ type: 'progress' })
        },
        onReject: (r) => {
          this.pendingEnd = endFromResponse(r.message.statusCode ?? 0, r.message.reasonPhrase ?? '')
        },
      },
    })
  }

  /** C1: answer an incoming call. */
  async accept(): Promise<void> {
    await (this.session as Invitation).accept({ sessionDescriptionHandlerOptions: this.deps.media })
  }

  /** C1 decline (603), or C2's automatic 486 when another call is live. */
  async reject(code: 486 | 603 = 603): Promise<void> {
    this.pendingEnd = {
      kind: code === 486 ? 'busy' : 'declined',
      code,
      reason: code === 486 ? 'Busy Here' : 'Decline',
    }
    await (this.session as Invitation).reject({ statusCode: code })
  }

  /** Hang up in whatever phase the call is: CANCEL, reject or BYE (RFC 3261 §9, §15). */
  async hangup(): Promise<void> {
    this.pendingEnd ??= { kind: 'local_hangup', code: null, reason: 'Hung up' }
    const s = this.session
    if (s.state === SessionState.Established) await s.bye()
    else if (
      s instanceof Inviter &&
      (s.state === SessionState.Initial || s.state === SessionState.Establishing)
    )
      await s.cancel()
    else if (s.state === SessionState.Initial || s.state === SessionState.Establishing) await this.reject(603)
  }

  /** C4 keypad: RFC 4733 telephone-events through the RTP sender. */
  sendDtmf(tones: string): boolean {
    const sender = this.audioSender()
    const dtmf = sender?.dtmf
    if (!dtmf) return false
    dtmf.ontonechange = (e) => {
      if (e.tone) this.dtmfSent += e.tone
    }
    // insertDTMF replaces the tones still queued (WebRTC §7.2), so fast key presses would drop digits:
    // append to what has not been played yet.
    dtmf.insertDTMF(dtmf.toneBuffer + tones, 100, 70)
    return true
  }

  /** C4 mute: the microphone track is disabled; hold music (if any) is unaffected. */
  setMuted(on: boolean): void {
    for (const t of this.sdh?.localMediaStream.getAudioTracks() ?? []) t.enabled = !on
    this.apply({ type: 'mute', on })
  }

  /** C4 Pause: re-INVITE sendonly (RFC 3264 §8.4) and send hold music instead of the microphone. */
  async setHeld(on: boolean): Promise<void> {
    const s = this.session
    const sender = this.audioSender()
    const mic = this.sdh?.localMediaStream.getAudioTracks()[0] ?? null
    if (on && !this.music) {
      this.music = await startHoldMusic(this.deps.holdMusicUrl)
      await sender?.replaceTrack(this.music.track)
    }
    // The web SDH reads `hold` to offer sendonly (its options type does not declare it).
    s.sessionDescriptionHandlerOptionsReInvite = {
      ...s.sessionDescriptionHandlerOptionsReInvite,
      hold: on,
    } as Session['sessionDescriptionHandlerOptionsReInvite']
    try {
      await new Promise<void>((resolve, reject) => {
        s.invite({
          requestDelegate: {
            onAccept: () => resolve(),
            onReject: (r) => reject(new Error(`re-INVITE rejected: ${r.message.statusCode}`)),
          },
        }).catch(reject)
      })
    } catch (e) {
      if (on) await this.stopMusic(sender, mic)
      throw e
    }
    if (!on) await this.stopMusic(sender, mic)
    this.apply({ type: on ? 'hold' : 'unhold' })
  }

  private async stopMusic(sender: RTCRtpSender | undefined, mic: MediaStreamTrack | null): Promise<void> {
    await sender?.replaceTrack(mic)
    this.music?.stop()
    this.music = null
  }

  /**
   * C5 blind transfer: REFER (RFC 3515); hang up once the NOTIFY sipfrag says 2xx. No final result
   * within `timeoutMs` (the tenant's transfer timeout; the server's grant lasts as long): it failed,
   * and the call is ours again.
   */
  blindTransfer(target: URI, timeoutMs = 0): Promise<void> {
    return this.refer(target, timeoutMs)
  }

  /** C6 attended transfer: REFER with Replaces naming the consultation call (RFC 3891). */
  attendedTransfer(consult: CallHandle): Promise<void> {
    return this.refer(consult.session)
  }

  private refer(to: URI | Session, timeoutMs = 0): Promise<void> {
    const wasHeld = this.state.status === 'held'
    this.apply({ type: 'transfer' })
    // One outcome per REFER: a NOTIFY after the timeout (or a second final one) changes nothing.
    let settled = false
    // Given up on (the timeout), yet the target answered after all: the client is with the colleague
    // now, so our side of the call ends as transferred — never two operators on one client (C5).
    let timedOut = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const failed = (why: string, reject: (e: Error) => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (this.state.status !== 'transferring') return reject(new Error(why))
      this.apply({ type: 'transferFailed' })
      if (wasHeld) this.apply({ type: 'hold' })
      reject(new Error(why))
    }
    return new Promise<void>((resolve, reject) => {
      if (timeoutMs > 0)
        timer = setTimeout(() => {
          timedOut = !settled
          failed('transfer timed out', reject)
        }, timeoutMs)
      this.session
        .refer(to, {
          requestDelegate: { onReject: (r) => failed(`REFER rejected: ${r.message.statusCode}`, reject) },
          onNotify: (n) => {
            void n.accept()
            const frag = n.request.body ?? ''
            const code = Number(/^SIP\/2\.0 (\d{3})/.exec(frag)?.[1] ?? 0)
            if (timedOut && code >= 200 && code < 300 && this.state.status !== 'ended') {
              timedOut = false
              this.pendingEnd = { kind: 'transferred', code, reason: 'Transferred' }
              void this.session.bye().catch(() => undefined)
              return
            }
            if (settled) return
            if (code >= 200 && code < 300) {
              settled = true
              clearTimeout(timer)
              this.pendingEnd = { kind: 'transferred', code, reason: 'Transferred' }
              void this.session.bye().catch(() => undefined)
              resolve()
            } else if (code >= 300) {
              failed(`transfer failed: ${frag.trim()}`, reject)
            }
          },
        })
        .catch((e: Error) => failed(e.message, reject))
    })
  }

  private audioSender(): RTCRtpSender | undefined {
    return this.sdh?.peerConnection?.getSenders().find((x) => x.track?.kind === 'audio' || x.track === null)
  }

  /** Inbound/outbound RTP bytes and the negotiated direction. */
  async stats(): Promise<AudioStats | null> {
    const pc = this.sdh?.peerConnection
    if (!pc) return null
    const r: AudioStats = { inBytes: 0, outBytes: 0, inLevel: 0, direction: '' }
    const report = await pc.getStats()
    type Row = {
      type: string
      kind?: string
      bytesReceived?: number
      bytesSent?: number
      audioLevel?: number
    }
    report.forEach((s: Row) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        r.inBytes = s.bytesReceived ?? 0
        r.inLevel = s.audioLevel ?? 0
      }
      if (s.type === 'outbound-rtp' && s.kind === 'audio') r.outBytes = s.bytesSent ?? 0
    })
    r.direction = pc
      .getTransceivers()
      .map((t) => t.currentDirection ?? '')
      .join(',')
    return r
  }

  /** The remote party's audio (for a speaker toggle or a visualiser). */
  get remoteStream(): MediaStream | null {
    return this.sdh?.remoteMediaStream ?? null
  }

  /** Switch this call's playback to another output device (C4 speaker). */
  get playback(): HTMLAudioElement | null {
    return this.player
  }
}
