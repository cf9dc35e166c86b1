/**
 * N1 §3: Answer in the incoming-call notification of a closed app. The service worker opens the app
 * at the call's path with `answer=<SIP Call-ID>` (or, with the app open, posts the click to it); the
 * phone registers and answers that call when its INVITE arrives — parked at Kamailio until this
 * device's REGISTER (pbx/README.md "Waking a closed app").
 */
import { answerOnArrival } from './phone.ts'

/** How long an Answer tap stays good when the push said nothing (the wait is at most a ring time). */
const ANSWER_WINDOW_MS = 60_000

/** The SIP Call-ID a tapped Answer asks for, if `search` (a URL's query) carries one. */
export function answerParam(search: string): string | null {
  const id = new URLSearchParams(search).get('answer')
  return id && id.length <= 255 && !/[\s<>"]/.test(id) ? id : null
}

interface ClickMessage {
  kind?: unknown
  action?: unknown
  path?: unknown
  data?: { kind?: unknown; sipCallId?: unknown; ringUntil?: unknown } | null
}

/** The call a worker's click message asks to answer, with until when; null for any other click. */
export function answerFromClick(
  m: ClickMessage | null,
  now: number,
): { sipCallId: string; until: number } | null {
  if (m?.kind !== 'notification-click') return null
  const d = m.data
  const fromPath = typeof m.path === 'string' ? answerParam(m.path.split('?')[1] ?? '') : null
  // Answer, or the body where it does the main thing (the worker's plan put answer= in the path).
  if (m.action !== 'answer' && !fromPath) return null
  const sipCallId = d?.kind === 'call' && typeof d.sipCallId === 'string' ? d.sipCallId : fromPath
  if (!sipCallId) return null
  const until = typeof d?.ringUntil === 'string' ? Date.parse(d.ringUntil) : Number.NaN
  return { sipCallId, until: Number.isFinite(until) ? until : now + ANSWER_WINDOW_MS }
}

/** Takes an Answer from the page's URL (then drops it, so a reload answers nothing) and from clicks. */
export function startCallWake(): void {
  if (typeof location === 'undefined') return
  const id = answerParam(location.search)
  if (id) {
    answerOnArrival(id, Date.now() + ANSWER_WINDOW_MS)
    const u = new URL(location.href)
    u.searchParams.delete('answer')
    history.replaceState(history.state, '', `${u.pathname}${u.search}${u.hash}`)
  }
  navigator.serviceWorker?.addEventListener('message', (e: MessageEvent) => {
    const a = answerFromClick(e.data as ClickMessage | null, Date.now())
    if (a) answerOnArrival(a.sipCallId, a.until)
  })
}
