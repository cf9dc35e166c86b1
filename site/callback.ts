/**
 * Issue 11 §5 (C9): when nobody can answer the site's call, the visitor reads why in words (never a
 * raw SIP code) and may leave a number for a call back: POST /api/site/callback with the number he
 * tried and the chat widget's visitor token when there is one, so the request in the operators' shared
 * Missed list is the same visitor as his chats and leads. The number is checked on the server
 * (libphonenumber-js); its refusal comes back as a code the page puts in words. Status lines carry a
 * data-i18n key, so the site's RU/EN switch re-translates them.
 */
const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T

/** What a final SIP response means to a caller, as a text key of the site (RFC 3261 §21). */
export function failureKey(code: number): 'nobody' | 'lineOff' | 'failed' {
  if ([404, 408, 480, 486, 600, 603].includes(code)) return 'nobody'
  if (code === 403) return 'lineOff'
  return 'failed'
}

/** The page's words for the server's refusal codes. */
const REFUSALS: Record<string, string> = {
  E_NUMBER_INVALID: 'cbBadNumber',
  E_RATE_LIMITED: 'cbTooMany',
  E_VALIDATION: 'cbBadNumber',
}

export function setupCallback(ctx: {
  tenant: () => string
  visitorToken: () => { visitorToken?: string }
  /** The virtual number the visitor tried. */
  number: () => string
  /** The number he typed by the call button, to start from. */
  phone: () => string
  /** The guest line he called on: his missed call on it gets this number too (one row). */
  line: () => { line?: { username: string; password: string } }
}): { offer: () => void; hide: () => void } {
  const box = el<HTMLElement>('callback')
  const form = el<HTMLFormElement>('callback-form')
  const state = el<HTMLParagraphElement>('callback-state')
  const send = el<HTMLButtonElement>('callback-send')
  const input = (name: string) => form.elements.namedItem(name) as HTMLInputElement
  const say = (key: string, kind: 'ok' | 'error' | 'info' | '') => {
    state.dataset.i18n = key
    state.className = `lead-state ${kind}`
    if (!key) state.textContent = ''
    document.dispatchEvent(new CustomEvent('site:retranslate'))
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    const phone = input('phone').value.trim()
    if (!phone) return say('cbNeedPhone', 'error')
    send.disabled = true
    say('leadSending', 'info')
    try {
      const r = await fetch('/api/site/callback', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          tenant: ctx.tenant(),
          phone,
          name: input('name').value.trim(),
          number: ctx.number(),
          ...ctx.visitorToken(),
          ...ctx.line(),
        }),
      })
      if (!r.ok) {
        const body = (await r.json().catch(() => null)) as { error?: { code?: string } } | null
        return say(REFUSALS[body?.error?.code ?? ''] ?? 'cbFailed', 'error')
      }
      form.hidden = true
      say('cbSent', 'ok')
    } catch {
      say('cbFailed', 'error')
    } finally {
      send.disabled = false
    }
  })
  return {
    offer: () => {
      box.hidden = false
      form.hidden = false
      if (!input('phone').value) input('phone').value = ctx.phone()
      say('', '')
    },
    hide: () => {
      box.hidden = true
    },
  }
}
