/**
 * Whether a provider on the internet can reach a URL this server handed out (probe 13 UI #11): a
 * loopback, private, link-local or `.local` host cannot — the server runs without PUBLIC_BASE_URL
 * and built the address from how the admin reached it.
 */
export function unreachableFromOutside(url: string): boolean {
  let host: string
  try {
    host = new URL(url).hostname.toLowerCase()
  } catch {
    return false
  }
  host = host.replace(/^\[|\]$/g, '')
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true
  if (!host.includes('.') && !host.includes(':')) return true // a bare machine name
  if (host.includes(':')) return host === '::1' || /^f[cd]/.test(host) || host.startsWith('fe80')
  const m = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(host)
  if (!m) return false
  const a = Number(m[1])
  const b = Number(m[2])
  return (
    a === 127 ||
    a === 10 ||
    a === 0 ||
    (a === 192 && b === 168) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 169 && b === 254) ||
    (a === 100 && b >= 64 && b <= 127)
  )
}

/** The website chat tag for a tenant's site (README "Try a chat"): `origin` is where this app is served. */
export function widgetSnippet(origin: string, slug: string, lang?: string): string {
  const l = lang ? ` data-lang="${lang}"` : ''
  return `<script src="${origin}/widget.js" data-tenant="${slug}"${l} async></script>`
}
