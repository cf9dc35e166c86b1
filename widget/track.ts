/**
 * The tracking snippet (SPEC I3, issue 12 §1): `<script src="https://<frontline>/track.js"
 * data-tenant="demo" async></script>`. Records page views (page, title, referrer — UTM parameters
 * are read from the URL by the server), time on page (pings while visible, and the close), for the
 * one visitor identity of the inbox: the token the chat widget keeps in localStorage
 * (`frontline.widget.<tenant>`), so the widget, the lead form and the Call us button link the same
 * visitor to his requests. First-party storage only, no cookies. Do Not Track or Global Privacy
 * Control on: nothing is sent, nothing stored.
 */
const doc = document
const nav = navigator as Navigator & { globalPrivacyControl?: boolean; msDoNotTrack?: string }
const dnt = nav.doNotTrack === '1' || nav.msDoNotTrack === '1' || nav.globalPrivacyControl === true
const script = (doc.currentScript ?? doc.querySelector('script[src*="track.js"]')) as HTMLScriptElement | null
const tenant = script?.dataset.tenant ?? 'demo'
const base = new URL(script?.src ?? location.href).origin
const KEY = `frontline.widget.${tenant}`

type Saved = { token?: string }
const load = (): Saved => {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') ?? {}
  } catch {
    return {}
  }
}
const save = (token: string) => {
  try {
    // The widget's own record: only the token is ours to set.
    localStorage.setItem(KEY, JSON.stringify({ ...load(), token }))
  } catch {
    // Storage blocked: the next page makes a new visitor.
  }
}

let viewId = ''
let shown = Date.now()
let spent = 0
const ms = () => spent + (doc.visibilityState === 'visible' ? Date.now() - shown : 0)

// text/plain: a simple request (no CORS preflight), and sendBeacon may carry it on close.
const post = (path: string, body: object) =>
  fetch(`${base}/api/track/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify(body),
    keepalive: true,
  })

async function view(): Promise<void> {
  const token = load().token
  const r = await post('view', {
    tenant,
    ...(token ? { token } : {}),
    url: location.href,
    title: doc.title,
    referrer: doc.referrer || null,
  })
  if (!r.ok) return
  const j = (await r.json()) as { token: string; viewId: string }
  viewId = j.viewId
  if (j.token !== token) save(j.token)
}

function ping(leave: boolean): void {
  const token = load().token
  if (!viewId || !token) return
  const body = JSON.stringify({ token, viewId, ms: ms() })
  if (leave && nav.sendBeacon?.(`${base}/api/track/leave`, new Blob([body], { type: 'text/plain' }))) return
  fetch(`${base}/api/track/${leave ? 'leave' : 'ping'}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body,
    keepalive: true,
  }).catch(() => {})
}

if (!dnt) {
  view().catch(() => {})
  doc.addEventListener('visibilitychange', () => {
    if (doc.visibilityState === 'hidden') spent += Date.now() - shown
    else shown = Date.now()
  })
  setInterval(() => doc.visibilityState === 'visible' && ping(false), 30_000)
  addEventListener('pagehide', () => ping(true))
  // Back from the back-forward cache: the page is on screen again without a load.
  addEventListener('pageshow', (e) => {
    if (e.persisted) view().catch(() => {})
  })
  // Single-page sites: a pushState/popstate page change is a page view too.
  let last = location.href
  const changed = () => {
    if (location.href === last) return
    last = location.href
    ping(true)
    spent = 0
    shown = Date.now()
    view().catch(() => {})
  }
  const push = history.pushState
  history.pushState = function (...a: Parameters<History['pushState']>) {
    push.apply(this, a)
    changed()
  }
  addEventListener('popstate', changed)
}
