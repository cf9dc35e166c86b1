/** T6: a URL a client's side recorded (landing page, referrer, listing) may become a link only if http(s). */

/** The URL as a link target when it is an absolute http(s) URL; null for anything else (shown as text). */
export function safeHref(s: string | null | undefined): string | null {
  if (!s) return null
  try {
    const u = new URL(s)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null
  } catch {
    return null
  }
}
