/**
 * The phone: one SIP.js UserAgent + Registerer for the operator's line, and the calls on it.
 * Glue only — decisions come from state.ts. Uses UserAgent/Registerer/Inviter/Invitation (not
 * SimpleUser) because the product needs several calls (C6), hold music, recording and its own
 * reconnect policy.
 */
import {
  type Core,
  type Invitation,
  Inviter,
  type Referral,
  Registerer,
  RegistererState,
  type Session,
  type SessionDescriptionHandlerFactory,
  SIPExtension,
  type URI,
  UserAgent,
} from 'sip.js'
import type { SipSettings } from '../../../contract/api.ts'
import { CallHandle } from './call.ts'
import type { Recording } from './recorder.ts'
import {
  admitIncoming,
  answerUpdate,
  type CallState,
  canDial,
  initialLine,
  type LineEvent,
  type LineState,
  lineReducer,
  reconnectDelayMs,
  referralAllowed,
  registerFailed,
  renewAtMs,
} from './state.ts'

/** Ephemeral credentials (Kamailio auth_ephemeral) with expiry as epoch ms. */
export interface SipCredentials {
  wsUrl: string
  aor: string
  username: string
  password: string
  expiresAt: number
}

/** Convert the login/`/api/me` answer (contract SipSettings) to credentials. */
export function credentialsFromSettings(s: SipSettings): SipCredentials {
  return {
    wsUrl: s.wsUrl,
    aor: s.aor,
    username: s.username,
    password: s.password,
    expiresAt: Date.parse(s.expiresAt),
  }
}

export interface PhoneOptions {
  credentials: SipCredentials
  /** Fetch fresh credentials (GET /api/me) before the current ones expire. */
  renewCredentials?: () => Promise<SipCredentials>
  /** When given, every answered call is recorded and handed over on hang-up. */
  onRecording?: (r: Recording) => void
  holdMusicUrl?: string
  outputDeviceId?: string | null
  /** SIP.js waits 5 s for ICE gathering by default; on loopback/without STUN 500 ms is plenty. */
  iceGatheringTimeoutMs?: number
  registerExpiresSec?: number
  now?: () => number
  /** Signalling-only media for tests in Node (the default is SIP.js's WebRTC handler). */
  sessionDescriptionHandlerFactory?: SessionDescriptionHandlerFactory
}

export interface PhoneSnapshot {
  line: LineState
  calls: CallState[]
}

type Listener = (s: PhoneSnapshot) => void

/** A final non-2xx answer to REGISTER. */
class RegisterError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(`REGISTER rejected: ${code} ${reason}`.trim())
  }
}

const MEDIA = { constraints: { audio: true, video: false as const } }

export class Phone {
  line: LineState = initialLine
  private readonly handles = new Map<string, CallHandle>()
  private readonly listeners = new Set<Listener>()
  private creds: SipCredentials
  private readonly ua: UserAgent
  private readonly registerer: Registerer
  private stopping = false
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private renewTimer: ReturnType<typeof setTimeout> | undefined
  private readonly now: () => number
  private readonly onOnline = () => void this.reregister()
  private readonly onOffline = () => this.lineEvent({ type: 'lost', reason: 'offline' })
  /** N1 §3: the call the operator already answered in a notification (SIP Call-ID, until when). */
  private answerPending: { sipCallId: string; until: number } | null = null

  constructor(private readonly opts: PhoneOptions) {
    this.creds = opts.credentials
    this.now = opts.now ?? Date.now
    const uri = UserAgent.makeURI(this.creds.aor)
    if (!uri) throw new Error(`bad AOR ${this.creds.aor}`)
    this.ua = new UserAgent({
      uri,
      transportOptions: { server: this.creds.wsUrl },
      authorizationUsername: this.creds.username,
      authorizationPassword: this.creds.password,
      // Our own backoff (reconnectDelayMs) replaces SIP.js's fixed-delay reconnection.
      reconnectionAttempts: 0,
      sipExtensionReplaces: SIPExtension.Supported,
      sessionDescriptionHandlerFactoryOptions: {
        peerConnectionConfiguration: { iceServers: [] },
        iceGatheringTimeout: opts.iceGatheringTimeoutMs ?? 500,
      },
      logLevel: 'warn',
      ...(opts.sessionDescriptionHandlerFactory
        ? { sessionDescriptionHandlerFactory: opts.sessionDescriptionHandlerFactory }
        : {}),
      delegate: {
        onInvite: (inv) => this.onInvite(inv),
        onDisconnect: (error) => {
          if (this.stopping) return
          this.lineEvent({ type: 'lost', reason: error?.message ?? 'transport closed' })
          this.scheduleReconnect()
        },
      },
    })
    this.answerUpdates()
    this.registerer = new Registerer(this.ua, { expires: opts.registerExpiresSec ?? 600 })
    this.registerer.stateChange.addListener((s) => {
      // An expired or failed refresh while we believe we are registered means the line is gone.
      if (s === RegistererState.Unregistered && this.line.status === 'registered' && !this.stopping) {
        this.lineEvent({ type: 'lost', reason: 'registration lapsed' })
        this.scheduleReconnect()
      }
    })
  }

  /**
   * SIP.js 0.21 answers UPDATE with 405 and has no hook for it, so a peer refreshing the session by
   * UPDATE (RFC 4028) got 405. Take UPDATE before the core's method check and answer it by the rule
   * in state.ts (answerUpdate); everything else goes on to SIP.js unchanged. UPDATE stays out of our
   * Allow header: peers that read it refresh by re-INVITE, which SIP.js answers itself.
   */
  private answerUpdates(): void {
    const core = this.ua.userAgentCore
    const receive = core.receiveIncomingRequestFromTransport.bind(core)
    core.receiveIncomingRequestFromTransport = (message: Core.IncomingRequestMessage) => {
      if (message.method !== 'UPDATE') return receive(message)
      // RFC 3261 §12.2.2: the dialog is the one whose local tag is the To tag, remote the From tag.
      const inDialog = !!message.toTag && core.dialogs.has(message.callId + message.toTag + message.fromTag)
      const require = message.getHeaders('require').flatMap((h) => h.split(','))
      core.replyStateless(message, answerUpdate({ inDialog, hasBody: !!message.body, require }))
    }
  }

  /** Subscribe to every change of the line or a call; returns the unsubscribe function. */
  subscribe(fn: Listener): () => void {
    this.listeners.add(fn)
    fn(this.snapshot())
    return () => this.listeners.delete(fn)
  }

  /** Current line and calls (ended calls stay until `forget`). */
  snapshot(): PhoneSnapshot {
    return { line: this.line, calls: [...this.handles.values()].map((h) => h.state) }
  }

  private emit(): void {
    const snap = this.snapshot()
    for (const fn of this.listeners) fn(snap)
  }

  private lineEvent(e: LineEvent): void {
    const next = lineReducer(this.line, e)
    if (next !== this.line) {
      this.line = next
      this.emit()
    }
  }

  /** Connect and register; also listens to online/offline to recover after network loss. */
  async start(): Promise<void> {
    this.stopping = false
    globalThis.addEventListener?.('online', this.onOnline)
    globalThis.addEventListener?.('offline', this.onOffline)
    // Credentials are renewed whatever happens to the first REGISTER (a reconnect may succeed later).
    this.scheduleRenewal()
    this.lineEvent({ type: 'register' })
    try {
      await this.ua.start()
      await this.register()
    } catch (e) {
      // A refused or lost first REGISTER takes the same backoff/reconnect path as a transport loss.
      this.registerFailed(e)
    }
  }

  /** REGISTER sent and answered 2xx; rejects with a RegisterError (SIP code, or null: no response). */
  private register(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.registerer
        .register({
          requestDelegate: {
            onAccept: () => {
              this.lineEvent({ type: 'registered', at: this.now() })
              resolve()
            },
            onReject: (r) =>
              reject(new RegisterError(r.message.statusCode ?? 0, r.message.reasonPhrase ?? '')),
          },
        })
        .catch((e: Error) => reject(e))
    })
  }

  /** Apply a failed (re-)registration to the line and reconnect with backoff unless it is final. */
  private registerFailed(e: unknown): void {
    const f =
      e instanceof RegisterError
        ? { code: e.code, reason: e.reason }
        : { code: null, reason: (e as Error)?.message || 'transport closed' }
    const { line, reconnect } = registerFailed(this.line, f)
    if (line !== this.line) {
      this.line = line
      this.emit()
    }
    if (reconnect) this.scheduleReconnect()
  }

  /** A4 "re-register line": reconnect the transport if needed, then REGISTER again now. */
  async reregister(): Promise<void> {
    clearTimeout(this.reconnectTimer)
    this.lineEvent({ type: 'register' })
    try {
      if (!this.ua.isConnected()) await this.ua.reconnect()
      await this.register()
    } catch (e) {
      this.registerFailed(e)
    }
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer)
    if (this.stopping) return
    // Offline: wait for the 'online' event instead of burning attempts.
    if (typeof navigator !== 'undefined' && navigator.onLine === false) return
    this.reconnectTimer = setTimeout(() => void this.reregister(), reconnectDelayMs(this.line.attempt))
  }

  private scheduleRenewal(): void {
    clearTimeout(this.renewTimer)
    const renew = this.opts.renewCredentials
    if (!renew || this.stopping) return
    const delay = Math.max(0, renewAtMs(this.creds.expiresAt, this.now()) - this.now())
    this.renewTimer = setTimeout(async () => {
      try {
        this.setCredentials(await renew())
        await this.reregister()
      } catch {
        // Keep the old credentials; try again shortly (they may still be valid for a while).
        this.renewTimer = setTimeout(() => this.scheduleRenewal(), 10_000)
        return
      }
      this.scheduleRenewal()
    }, delay)
  }

  /** Swap credentials; the next digest challenge (REGISTER refresh, INVITE) uses them. */
  setCredentials(c: SipCredentials): void {
    this.creds = c
    this.ua.configuration.authorizationUsername = c.username
    this.ua.configuration.authorizationPassword = c.password
    // SIP.js keeps the Authorization of the last challenge on its REGISTER and sends it again while
    // the nonce lasts: after a cut (probe 13 #1) that old credential gets 403. Dropped, the next
    // REGISTER is challenged and answered with the new one.
    const request = (this.registerer as unknown as { request?: { headers?: Record<string, unknown> } })
      .request
    if (request?.headers) delete request.headers.Authorization
  }

  /** Unregister and disconnect (logout, or another tab took the line). */
  async stop(): Promise<void> {
    this.stopping = true
    clearTimeout(this.reconnectTimer)
    clearTimeout(this.renewTimer)
    globalThis.removeEventListener?.('online', this.onOnline)
    globalThis.removeEventListener?.('offline', this.onOffline)
    for (const h of this.handles.values()) await h.hangup().catch(() => undefined)
    if (this.registerer.state === RegistererState.Registered)
      await this.registerer.unregister().catch(() => undefined)
    await this.ua.stop()
    this.lineEvent({ type: 'unregistered' })
  }

  private onInvite(inv: Invitation): void {
    const calls = [...this.handles.values()].map((h) => h.state)
    const handle = this.track(new CallHandle(inv, 'incoming', this.callDeps()))
    // C2 no call waiting; RFC 3891: an INVITE with Replaces takes over an existing call instead.
    const verdict = admitIncoming(calls, inv.replacee !== undefined)
    if (!verdict.ok) void handle.reject(verdict.code)
    else if (inv.replacee || this.takeAnswerPending(inv.request.callId)) void handle.accept()
  }

  /**
   * N1 §3: "Answer" was tapped in the incoming-call notification of a closed app — the call whose
   * SIP Call-ID is `sipCallId` is answered as soon as its INVITE reaches this (just registered) line,
   * or at once if it is already ringing here. Good until `untilMs` (the push's ring time).
   */
  answerOnArrival(sipCallId: string, untilMs: number): void {
    const ringing = [...this.handles.values()].find(
      (h) =>
        h.state.sipCallId === sipCallId && h.state.direction === 'incoming' && h.state.status === 'incoming',
    )
    if (ringing) {
      void ringing.accept()
      return
    }
    this.answerPending = { sipCallId, until: untilMs }
  }

  private takeAnswerPending(sipCallId: string): boolean {
    const p = this.answerPending
    if (!p || p.sipCallId !== sipCallId) return false
    this.answerPending = null
    return this.now() <= p.until
  }

  private callDeps() {
    return {
      changed: () => this.emit(),
      now: this.now,
      holdMusicUrl: this.opts.holdMusicUrl,
      outputDeviceId: this.opts.outputDeviceId ?? null,
      onRecording: this.opts.onRecording,
      media: MEDIA,
      onReferred: (referral: Referral, session: Session) =>
        void this.followReferral(referral, session).catch((e: Error) =>
          console.warn('phone: referral failed', e.message),
        ),
    }
  }

  /**
   * We are the transferee: accept the REFER and call the target; SIP.js NOTIFYs the referrer. Only a
   * colleague may transfer us (referralAllowed) — a guest or the phone network gets 603.
   */
  private async followReferral(referral: Referral, session: Session): Promise<void> {
    const remote = session.remoteIdentity.uri
    if (!referralAllowed({ user: remote.user ?? '', host: remote.host }, this.domain())) {
      await referral.reject()
      return
    }
    await referral.accept()
    // Refer-To may carry Replaces (attended transfer); makeInviter copies it into the INVITE.
    const h = this.track(
      new CallHandle(
        referral.makeInviter({ sessionDescriptionHandlerOptions: MEDIA }),
        'outgoing',
        this.callDeps(),
      ),
    )
    await h.invite()
  }

  private track(h: CallHandle): CallHandle {
    this.handles.set(h.id, h)
    this.emit()
    return h
  }

  /** Our SIP domain (the host of the operator's AOR). */
  private domain(): string {
    return UserAgent.makeURI(this.creds.aor)?.host ?? ''
  }

  /** `101`, `+7916…` or a full `sip:` URI → a request URI in our domain. */
  targetUri(target: string): URI {
    const domain = this.domain()
    const uri = UserAgent.makeURI(target.startsWith('sip:') ? target : `sip:${target}@${domain}`)
    if (!uri) throw new Error(`bad target ${target}`)
    return uri
  }

  /** C3: place a call; resolves with the call id once the INVITE is sent. */
  async dial(target: string): Promise<string> {
    if (!canDial(this.snapshot().calls)) throw new Error('another call is active: hold it first')
    const inviter = new Inviter(this.ua, this.targetUri(target), { sessionDescriptionHandlerOptions: MEDIA })
    const h = this.track(new CallHandle(inviter, 'outgoing', this.callDeps()))
    await h.invite()
    return h.id
  }

  /** The call handle for in-call actions (answer, hold, mute, DTMF, transfer). */
  call(id: string): CallHandle {
    const h = this.handles.get(id)
    if (!h) throw new Error(`no call ${id}`)
    return h
  }

  /** C5 blind transfer of call `id` to an extension, group or number; fails after `timeoutMs` (0: never). */
  blindTransfer(id: string, target: string, timeoutMs = 0): Promise<void> {
    return this.call(id).blindTransfer(this.targetUri(target), timeoutMs)
  }

  /** C6 connect the held call `id` to the consultation call `consultId`. */
  attendedTransfer(id: string, consultId: string): Promise<void> {
    return this.call(id).attendedTransfer(this.call(consultId))
  }

  /** Drop ended calls from the list (after the screen has shown their outcome). */
  forget(id: string): void {
    if (this.handles.get(id)?.state.status === 'ended') {
      this.handles.delete(id)
      this.emit()
    }
  }
}
