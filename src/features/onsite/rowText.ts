/**
 * Probe 11 finding 16 (I2): what an On site row says to tell visitors apart — the page he is on (its
 * path, not the site's title, which every row shares), where he came from, his visits.
 */
import type { OnsiteView } from '../../../contract/tracking.ts'

/** "/site/?section=prices": the page's path and query without the UTM tags (shown on their own). */
export function pagePath(url: string): string {
  try {
    const u = new URL(url)
    for (const k of [...u.searchParams.keys()]) if (k.startsWith('utm_')) u.searchParams.delete(k)
    const q = u.searchParams.toString()
    return `${u.pathname}${q ? `?${q}` : ''}`
  } catch {
    return url
  }
}

/** "vk · social · november"; null when he came without tags. */
export function sourceText(utm: OnsiteView['utm']): string | null {
  if (!utm) return null
  const parts = [utm.source, utm.medium, utm.campaign].filter((s): s is string => !!s?.trim())
  return parts.length ? parts.join(' · ') : null
}
