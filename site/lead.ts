/**
 * The demo site's lead form (SPEC T11; UIS "заявки с сайта"): the visitor leaves contacts and a
 * comment, nothing more — no conversation. POST /api/site/leads with the tenant, the page (request
 * info) and the chat widget's visitor token when there is one (the lead is then his). Status lines
 * carry a data-i18n key, so the site's RU/EN switch re-translates them.
 */
const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T

export function setupLeadForm(ctx: {
  tenant: () => string
  visitorToken: () => { visitorToken?: string }
}): void {
  const form = el<HTMLFormElement>('lead-form')
  const state = el<HTMLParagraphElement>('lead-state')
  const send = el<HTMLButtonElement>('lead-send')
  const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim()
  /** Shows a status by key; the language switch translates it again. */
  const say = (key: string, kind: 'ok' | 'error' | 'info') => {
    state.dataset.i18n = key
    state.className = `lead-state ${kind}`
    document.dispatchEvent(new CustomEvent('site:retranslate'))
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    if (!form.reportValidity()) return
    if (!field('phone') && !field('email')) return say('leadNeedContact', 'error')
    send.disabled = true
    say('leadSending', 'info')
    try {
      const r = await fetch('/api/site/leads', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          tenant: ctx.tenant(),
          name: field('name'),
          ...(field('phone') ? { phone: field('phone') } : {}),
          ...(field('email') ? { email: field('email') } : {}),
          ...(field('comment') ? { comment: field('comment') } : {}),
          page: { url: location.href, referrer: document.referrer || null },
          ...ctx.visitorToken(),
        }),
      })
      if (!r.ok) throw new Error(`HTTP ${r.status}`)
      form.reset()
      say('leadSent', 'ok')
    } catch {
      say('leadFailed', 'error')
    } finally {
      send.disabled = false
    }
  })
}
