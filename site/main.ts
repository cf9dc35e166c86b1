/**
 * The demo site's "Call us" button (issue 3 §6): a guest SIP.js line from /api/site/call-credentials
 * that may dial only the tenant's virtual numbers. Call states:
 *
 *   idle → connecting → ringing → talking → ended
 *              └──────────┴──────────┴────→ failed (reason from the SIP final response)
 *
 * A REFER from the operator (blind or attended transfer, C5/C6) is followed: the new session replaces
 * the current one and the page keeps showing one call.
 */
import { Inviter, type Referral, type Session, SessionState, UserAgent, type Web } from 'sip.js'
import type { SiteCallCredentials } from '../contract/calls.ts'

type CallState = 'idle' | 'connecting' | 'ringing' | 'talking' | 'ended' | 'failed'

const MEDIA = { constraints: { audio: true, video: false } }
const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T
const lines = el<HTMLFieldSetElement>('lines')
const callBtn = el<HTMLButtonElement>('call')
const hangupBtn = el<HTMLButtonElement>('hangup')
const stateText = el<HTMLParagraphElement>('state')
const phoneInput = el<HTMLInputElement>('phone')
// A live call has no captions to offer, so the player stays out of the document (no controls to show).
const audio = new Audio()
audio.autoplay = true

let creds: SiteCallCredentials | null = null
let ua: UserAgent | null = null
let session: Session | null = null

function show(state: CallState, detail = ''): void {
  const text: Record<CallState, string> = {
    idle: 'Ready to call.',
    connecting: 'Connecting…',
    ringing: 'Ringing…',
    talking: 'Connected — you are talking to an operator.',
    ended: 'Call ended.',
    failed: 'The call did not go through',
  }
  stateText.textContent = detail ? `${text[state]}: ${detail}` : text[state]
  const active = state === 'connecting' || state === 'ringing' || state === 'talking'
  callBtn.hidden = active
  hangupBtn.hidden = !active
  callBtn.disabled = !creds
  if (!active) hangupBtn.blur()
}

/** The tenant is the `?tenant=` query parameter, `demo` by default. */
function tenantSlug(): string {
  const t = new URLSearchParams(location.search).get('tenant') ?? 'demo'
  return /^[a-z0-9][a-z0-9-]{0,62}$/.test(t) ? t : 'demo'
}

async function loadCredentials(): Promise<void> {
  const r = await fetch('/api/site/call-credentials', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: tenantSlug() }),
  })
  if (!r.ok) {
    const body = (await r.json().catch(() => null)) as { error?: { message?: string } } | null
    throw new Error(body?.error?.message ?? `HTTP ${r.status}`)
  }
  creds = (await r.json()) as SiteCallCredentials
  lines.replaceChildren(lines.querySelector('legend') as HTMLElement)
  creds.numbers.forEach((n, i) => {
    const label = document.createElement('label')
    const input = document.createElement('input')
    input.type = 'radio'
    input.name = 'line'
    input.value = n.number
    input.checked = i === 0
    label.append(input, ` ${n.label} (${n.number})`)
    lines.append(label)
  })
  lines.disabled = creds.numbers.length === 0
  document.querySelector('.brand')!.textContent = creds.tenantName
  show('idle')
}

function remoteAudio(s: Session): void {
  const pc = (s.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined)?.peerConnection
  if (!pc) return
  const stream = new MediaStream()
  for (const r of pc.getReceivers()) if (r.track) stream.addTrack(r.track)
  audio.srcObject = stream
  void audio.play().catch(() => {})
}

function follow(s: Session): void {
  session = s
  s.delegate = {
    // C5/C6: the operator hands us over; the new leg carries Referred-By (and Replaces) for the PBX.
    onRefer: (referral: Referral) => {
      void referral.accept().then(() => {
        const next = referral.makeInviter({ sessionDescriptionHandlerOptions: MEDIA })
        follow(next)
        show('connecting', 'transferring')
        void next.invite()
      })
    },
  }
  s.stateChange.addListener((st) => {
    if (session !== s) return
    if (st === SessionState.Established) {
      remoteAudio(s)
      show('talking')
    } else if (st === SessionState.Terminated) {
      if (stateText.textContent?.startsWith('Connected')) show('ended')
      session = null
    }
  })
}

async function call(): Promise<void> {
  if (!creds) return
  const number = (lines.querySelector('input[name=line]:checked') as HTMLInputElement | null)?.value
  if (!number) return
  show('connecting')
  try {
    if (!ua) {
      const phone = phoneInput.value
        .trim()
        .replace(/[^\d+() -]/g, '')
        .slice(0, 20)
      ua = new UserAgent({
        uri: UserAgent.makeURI(creds.sip.aor),
        transportOptions: { server: creds.sip.wsUrl },
        authorizationUsername: creds.sip.username,
        authorizationPassword: creds.sip.password,
        // The operator sees this number as the caller (and can call back to it, C9).
        ...(phone ? { displayName: phone } : {}),
        logLevel: 'error',
        sessionDescriptionHandlerFactoryOptions: {
          peerConnectionConfiguration: { iceServers: [] },
          iceGatheringTimeout: 500,
        },
      })
      await ua.start()
    }
    const target = UserAgent.makeURI(`sip:${number}@${creds.sip.domain}`)
    if (!target) throw new Error('bad number')
    const inviter = new Inviter(ua, target, { sessionDescriptionHandlerOptions: MEDIA })
    follow(inviter)
    await inviter.invite({
      requestDelegate: {
        onProgress: () => show('ringing'),
        onReject: (r) => show('failed', `${r.message.statusCode} ${r.message.reasonPhrase}`),
      },
    })
  } catch (e) {
    show('failed', (e as Error).message)
  }
}

async function hangup(): Promise<void> {
  const s = session
  if (!s) return
  if (s.state === SessionState.Established) await s.bye()
  else if (s instanceof Inviter) await s.cancel()
  show('ended')
}

callBtn.addEventListener('click', () => void call())
hangupBtn.addEventListener('click', () => void hangup())
loadCredentials().catch((e: Error) => {
  lines.replaceChildren(lines.querySelector('legend') as HTMLElement)
  stateText.textContent = `Calls are unavailable: ${e.message}`
})
